import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rolloutGuardScript } from "../../lib/database/rollout-guard-script";
import { hasTool, runBash, stubDir } from "./helpers";

const haveBash = hasTool("bash");
if (!haveBash) console.warn("bash not found: skipping the tests that run the rollout guard script");
const describeWithBash = haveBash ? describe : describe.skip;

const HEADER = ["id", "address", "sql_address", "build", "started_at", "updated_at", "locality", "is_available", "is_live", "gossiped_replicas", "is_decommissioning", "membership", "is_draining"];
const node = (id: number, pod: string, build: string, live = true, membership = "active") =>
  [String(id), `${pod}.cockroachdb.svc.cluster.local:26257`, "", build, "", "", "cloud=x", String(live), String(live), "", "false", membership, "false"].join("\t");

const OLD = "cockroachdb/cockroach:v26.1.4";
const NEW = "cockroachdb/cockroach:v26.2.7";

/** A fake cluster: curl answers the StatefulSet with `runningImage` (or 404), cockroach prints `nodes` and cluster version 26.1. */
function run(opts: { runningImage?: string; nodes: string[]; site?: string; earlier?: string[]; target?: string; sqlUser?: string; refuseUser?: boolean }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-guard-"));
  fs.writeFileSync(path.join(dir, "token"), "TOKEN");
  fs.writeFileSync(path.join(dir, "ca.crt"), "CA");
  const statusFile = path.join(dir, "status.tsv");
  fs.writeFileSync(statusFile, [HEADER.join("\t"), ...opts.nodes].join("\n") + "\n");
  const calls = path.join(dir, "calls");
  const record = 'printf "%s " "$(basename "$0")" "$@" >> "$CALLS"; echo >> "$CALLS"';
  const statefulSet = JSON.stringify({
    kind: "StatefulSet",
    spec: { replicas: 3, template: { spec: { initContainers: [{ name: "zone-lookup", image: opts.runningImage }], containers: [{ name: "cockroachdb", image: opts.runningImage }] } } },
  });
  const curl = [
    record,
    'out=""; while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift ;; esac; shift; done',
    opts.runningImage === undefined ? "printf 404" : `printf '%s' '${statefulSet}' > "$out"; printf 200`,
  ].join("\n");
  const cockroach = [
    record,
    'case "$*" in',
    '  "node status"*) cat "$STATUS_FILE" ;;',
    '  *"SHOW CLUSTER SETTING version"*) printf "version\\n26.1\\n" ;;',
    // What CockroachDB answers a certificate whose user does not exist (yet).
    '  *"SELECT 1"*) if [ -n "${REFUSE_USER:-}" ]; then echo "ERROR: certificate authentication failed for user \\"crdb_operator\\"" >&2; exit 1; fi; printf "?column?\\n1\\n" ;;',
    "esac",
  ].join("\n");
  const target = opts.target ?? NEW;
  const script = rolloutGuardScript({
    statefulSetName: `crdb-${opts.site ?? "gcp"}`,
    namespace: "cockroachdb",
    targetImage: target,
    targetVersion: target.split(":v")[1],
    allowedSourceMajors: ["26.2", "26.1", "25.4"],
    earlierStatefulSets: opts.earlier ?? ["crdb-aws"],
    host: "cockroachdb-public",
    serviceAccountDir: dir,
    waitSeconds: 0,
    workDir: dir,
    sqlUser: opts.sqlUser,
  });
  const result = runBash(script, stubDir({ curl, cockroach }), { CALLS: calls, STATUS_FILE: statusFile, ...(opts.refuseUser ? { REFUSE_USER: "1" } : {}) });
  const argv = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").map((l) => l.trimEnd()) : [];
  return { result, argv, cockroachCalls: argv.filter((a) => a.startsWith("cockroach ")) };
}

const AWS_DONE = [node(1, "crdb-aws-0", "v26.2.7"), node(2, "crdb-aws-1", "v26.2.7"), node(3, "crdb-aws-2", "v26.2.7")];
const GCP_OLD = [node(4, "crdb-gcp-0", "v26.1.4"), node(5, "crdb-gcp-1", "v26.1.4"), node(6, "crdb-gcp-2", "v26.1.4")];

describeWithBash("rollout guard script", () => {
  test("first deploy and an unchanged image need no check and never ask the database", () => {
    for (const runningImage of [undefined, NEW]) {
      const { result, cockroachCalls } = run({ runningImage, nodes: GCP_OLD });
      expect(result.status).toBe(0);
      expect(cockroachCalls).toEqual([]);
    }
  });

  test("once the earlier site runs the new version and every node is live: preserve the downgrade option, then roll", () => {
    const { result, cockroachCalls, argv } = run({ runningImage: OLD, nodes: [...AWS_DONE, ...GCP_OLD, node(9, "crdb-aws-3", "v26.1.4", false, "decommissioned")] });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(argv[0]).toContain("https://kubernetes.default.svc/apis/apps/v1/namespaces/cockroachdb/statefulsets/crdb-gcp");
    expect(cockroachCalls.slice(1)).toEqual([
      "cockroach sql --certs-dir=/cockroach/cockroach-certs --user=root --host=cockroachdb-public:26257 --format=tsv --execute=SHOW CLUSTER SETTING version",
      "cockroach sql --certs-dir=/cockroach/cockroach-certs --user=root --host=cockroachdb-public:26257 --execute=SET CLUSTER SETTING cluster.preserve_downgrade_option = '26.1'",
    ]);
    expect(result.stdout).toContain("StatefulSet crdb-gcp may roll to cockroachdb/cockroach:v26.2.7.");
  });

  test("as the operator identity: every call authenticates as crdb_operator, first a probe that the user exists", () => {
    const { result, cockroachCalls } = run({ runningImage: OLD, nodes: [...AWS_DONE, ...GCP_OLD], sqlUser: "crdb_operator" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(cockroachCalls).toEqual([
      "cockroach sql --certs-dir=/cockroach/cockroach-certs --user=crdb_operator --host=cockroachdb-public:26257 --execute=SELECT 1",
      "cockroach node status --certs-dir=/cockroach/cockroach-certs --user=crdb_operator --host=cockroachdb-public:26257 --decommission --format=tsv",
      "cockroach sql --certs-dir=/cockroach/cockroach-certs --user=crdb_operator --host=cockroachdb-public:26257 --format=tsv --execute=SHOW CLUSTER SETTING version",
      "cockroach sql --certs-dir=/cockroach/cockroach-certs --user=crdb_operator --host=cockroachdb-public:26257 --execute=SET CLUSTER SETTING cluster.preserve_downgrade_option = '26.1'",
    ]);
  });

  test("before cluster-init created the operator user, it says so and changes nothing", () => {
    const { result, cockroachCalls } = run({ runningImage: OLD, nodes: [...AWS_DONE, ...GCP_OLD], sqlUser: "crdb_operator", refuseUser: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('The cluster refuses SQL user crdb_operator (ERROR: certificate authentication failed for user "crdb_operator"). The cluster-init stack creates crdb_operator;');
    expect(result.stderr).toContain("deploy once without changing replicas or the image");
    expect(cockroachCalls.filter((c) => !c.endsWith("--execute=SELECT 1"))).toEqual([]);
  });

  test("the first site rolls at once; a patch release sets no option", () => {
    const first = run({ site: "aws", earlier: [], runningImage: OLD, nodes: [...GCP_OLD, node(1, "crdb-aws-0", "v26.1.4")] });
    expect(first.result.status).toBe(0);
    const patch = run({ runningImage: "cockroachdb/cockroach:v26.2.3", nodes: [...AWS_DONE, ...GCP_OLD] });
    expect(patch.result.status).toBe(0);
    expect(patch.cockroachCalls.filter((c) => c.includes("preserve_downgrade_option"))).toEqual([]);
  });

  test("refuses while an earlier site is not done or any node is down: one site at a time", () => {
    const behind = run({ runningImage: OLD, nodes: [node(1, "crdb-aws-0", "v26.2.7"), node(2, "crdb-aws-1", "v26.1.4"), ...GCP_OLD] });
    expect(behind.result.status).toBe(1);
    expect(behind.result.stderr).toContain(
      "Site of crdb-gcp may not roll to v26.2.7 yet: node 2 (crdb-aws-1) of an earlier site runs v26.1.4, not v26.2.7. Sites roll one at a time in topology order",
    );
    const down = run({ runningImage: OLD, nodes: [...AWS_DONE, node(4, "crdb-gcp-0", "v26.1.4"), node(7, "crdb-azure-0", "v26.1.4", false)] });
    expect(down.result.status).toBe(1);
    expect(down.result.stderr).toContain("node 7 (crdb-azure-0) is not live");
    expect([...behind.cockroachCalls, ...down.cockroachCalls].filter((c) => c.startsWith("cockroach sql"))).toEqual([]);
  });

  test("refuses a skipped Regular release or a downgrade before touching anything", () => {
    const skip = run({ runningImage: "cockroachdb/cockroach:v25.2.9", nodes: AWS_DONE });
    expect(skip.result.status).toBe(1);
    expect(skip.result.stderr).toContain("StatefulSet crdb-gcp runs v25.2, which cannot move to v26.2.7 directly (allowed from: 26.2 26.1 25.4 ).");
    const down = run({ runningImage: "cockroachdb/cockroach:v26.3.0", nodes: AWS_DONE });
    expect(down.result.status).toBe(1);
    expect(skip.cockroachCalls).toEqual([]);
    expect(down.cockroachCalls).toEqual([]);
  });
});
