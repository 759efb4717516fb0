import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scaleDownScript } from "../../lib/database/scale-down-script";
import { hasTool, runBash, stubDir } from "./helpers";

const haveBash = hasTool("bash");
if (!haveBash) console.warn("bash not found: skipping the tests that run the scale-down script");
const describeWithBash = haveBash ? describe : describe.skip;

const HEADER = ["id", "address", "sql_address", "build", "started_at", "updated_at", "locality", "is_available", "is_live", "gossiped_replicas", "is_decommissioning", "membership", "is_draining"];
const row = (id: number, pod: string, membership = "active") =>
  [String(id), `${pod}.cockroachdb.svc.cluster.local:26257`, `${pod}.cockroachdb.svc.cluster.local:26257`, "v26.2.7", "2026-11-30 10:00:00", "2026-12-01 09:00:00", "cloud=aws,region=us-east-1", "true", "true", "12", membership === "active" ? "false" : "true", membership, "false"].join("\t");

/**
 * A fake cluster: `curl` answers the StatefulSet's scale ($SCALE_CODE, $SCALE_JSON), and
 * `cockroach node status` prints $STATUS_FILE; `node decommission` marks the given IDs
 * decommissioned in that file (unless $DECOMMISSION_FAILS). Every call's argv is recorded.
 */
function fakeCluster(statusRows: string[], scale: { code: number; replicas?: number }, decommissionFails = false, sqlUser?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-scale-"));
  const sa = path.join(dir, "sa");
  fs.mkdirSync(sa);
  fs.writeFileSync(path.join(sa, "token"), "TOKEN");
  fs.writeFileSync(path.join(sa, "ca.crt"), "CA");
  const statusFile = path.join(dir, "status.tsv");
  fs.writeFileSync(statusFile, [HEADER.join("\t"), ...statusRows].join("\n") + "\n");
  const calls = path.join(dir, "calls");
  const record = 'printf "%s " "$(basename "$0")" "$@" >> "$CALLS"; echo >> "$CALLS"';
  const curl = [
    record,
    'out=""; while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift ;; esac; shift; done',
    `printf '%s' '{"kind":"Scale","apiVersion":"autoscaling/v1","spec":{"replicas": ${scale.replicas ?? 0}},"status":{"replicas":9,"selector":"x"}}' > "$out"`,
    `printf '%s' ${scale.code}`,
  ].join("\n");
  const cockroach = [
    record,
    'case "$1 $2" in',
    '  "node status") cat "$STATUS_FILE" ;;',
    '  "node decommission")',
    '    if [ -n "${DECOMMISSION_FAILS:-}" ]; then echo "timed out" >&2; exit 1; fi',
    '    shift 2; for a in "$@"; do case "$a" in --*) ;; *) sed -i "s/^$a\\t\\(.*\\)\\tactive\\t\\(.*\\)$/$a\\t\\1\\tdecommissioned\\t\\2/; s/^$a\\t\\(.*\\)\\tdecommissioning\\t\\(.*\\)$/$a\\t\\1\\tdecommissioned\\t\\2/" "$STATUS_FILE" ;; esac; done ;;',
    "esac",
  ].join("\n");
  const script = scaleDownScript({
    statefulSetName: "crdb-aws",
    namespace: "cockroachdb",
    targetReplicas: 3,
    host: "cockroachdb-public",
    serviceAccountDir: sa,
    decommissionTimeoutSeconds: 600,
    workDir: dir,
    sqlUser,
    withoutRootFix: 'add "aws" to cockroach.rootClientSites, deploy, and remove it again.',
  });
  const result = runBash(script, stubDir({ curl, cockroach }), { CALLS: calls, STATUS_FILE: statusFile, ...(decommissionFails ? { DECOMMISSION_FAILS: "1" } : {}) });
  const argv = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").map((line) => line.trimEnd()) : [];
  return { result, argv, status: fs.readFileSync(statusFile, "utf8") };
}

const FIVE_NODES = [row(1, "crdb-aws-0"), row(2, "crdb-aws-1"), row(3, "crdb-aws-2"), row(4, "crdb-aws-3"), row(5, "crdb-aws-4"), row(6, "crdb-gcp-0"), row(7, "crdb-aws-east-3")];

describeWithBash("scale-down script", () => {
  test("decommissions exactly the ordinals at or above the target and waits until they report decommissioned", () => {
    const { result, argv, status } = fakeCluster(FIVE_NODES, { code: 200, replicas: 5 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const decommissions = argv.filter((a) => a.startsWith("cockroach node decommission"));
    expect(decommissions).toEqual(["cockroach node decommission 4 5 --certs-dir=/cockroach/cockroach-certs --user=root --host=cockroachdb-public:26257 --wait=all"]);
    expect(argv[0]).toContain("https://kubernetes.default.svc/apis/apps/v1/namespaces/cockroachdb/statefulsets/crdb-aws/scale");
    expect(argv[0]).toContain("Authorization: Bearer TOKEN");
    // Checked before and after.
    expect(argv.filter((a) => a.startsWith("cockroach node status")).length).toBe(2);
    expect(status).toContain("4\tcrdb-aws-3");
    expect(result.stdout).toContain("Nodes 4 5 are decommissioned; the StatefulSet may shrink to 3.");
  });

  test("a re-run after the nodes are decommissioned, or with one still decommissioning, continues where the cluster is", () => {
    const done = fakeCluster([row(1, "crdb-aws-0"), row(4, "crdb-aws-3", "decommissioned"), row(5, "crdb-aws-4", "decommissioned")], { code: 200, replicas: 5 });
    expect(done.result.status).toBe(0);
    expect(done.argv.some((a) => a.startsWith("cockroach node decommission"))).toBe(false);
    const half = fakeCluster([row(1, "crdb-aws-0"), row(4, "crdb-aws-3", "decommissioned"), row(5, "crdb-aws-4", "decommissioning")], { code: 200, replicas: 5 });
    expect(half.result.status).toBe(0);
    expect(half.argv.filter((a) => a.startsWith("cockroach node decommission"))).toEqual([expect.stringMatching(/^cockroach node decommission 5 --/)]);
  });

  test("first deploy (no StatefulSet) and scale-up never touch the database", () => {
    for (const scale of [{ code: 404 }, { code: 200, replicas: 3 }, { code: 200, replicas: 2 }]) {
      const { result, argv } = fakeCluster(FIVE_NODES, scale);
      expect(result.status).toBe(0);
      expect(argv.filter((a) => a.startsWith("cockroach"))).toEqual([]);
    }
  });

  test("fails, so the StatefulSet does not shrink, when the API or the decommission fails", () => {
    const api = fakeCluster(FIVE_NODES, { code: 403, replicas: 5 });
    expect(api.result.status).not.toBe(0);
    expect(api.result.stderr).toContain("Reading StatefulSet crdb-aws from the Kubernetes API failed (HTTP 403).");
    const slow = fakeCluster(FIVE_NODES, { code: 200, replicas: 5 }, true);
    expect(slow.result.status).not.toBe(0);
    expect(slow.result.stderr).toContain("Decommissioning did not finish within 600 seconds; it continues in the cluster. Deploy again to wait for it.");
  });

  test("as the operator identity: lists the nodes, but refuses to decommission (only root may) before anything shrinks", () => {
    const { result, argv, status } = fakeCluster(FIVE_NODES, { code: 200, replicas: 5 }, false, "crdb_operator");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Only the root client certificate may decommission nodes (CockroachDB accepts node RPCs from root and node certificates only), and this Job runs as crdb_operator. Nodes 4 5 must be decommissioned before the StatefulSet shrinks: add "aws" to cockroach.rootClientSites, deploy, and remove it again.',
    );
    const cockroach = argv.filter((a) => a.startsWith("cockroach"));
    expect(cockroach.length).toBeGreaterThan(0);
    for (const call of cockroach) expect(call).toContain("--certs-dir=/cockroach/cockroach-certs --user=crdb_operator ");
    expect(cockroach.some((a) => a.startsWith("cockroach node decommission"))).toBe(false);
    expect(status).not.toContain("decommissioned");
    // Nothing to remove: the operator is enough, and a first deploy does not touch the database.
    expect(fakeCluster(FIVE_NODES, { code: 200, replicas: 3 }, false, "crdb_operator").result.status).toBe(0);
    const done = fakeCluster([row(1, "crdb-aws-0"), row(4, "crdb-aws-3", "decommissioned"), row(5, "crdb-aws-4", "decommissioned")], { code: 200, replicas: 5 }, false, "crdb_operator");
    expect(done.result.status).toBe(0);
  });
});
