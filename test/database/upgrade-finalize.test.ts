import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CockroachRolloutGuard, CockroachUpgradeFinalize } from "../../lib/database";
import { upgradeFinalizeScript } from "../../lib/database/upgrade-finalize-script";
import { hasTool, onlyResource, renderedByTerraform, runBash, stubDir, synth } from "./helpers";

const haveBash = hasTool("bash");
if (!haveBash) console.warn("bash not found: skipping the tests that run the finalize script");
const describeWithBash = haveBash ? describe : describe.skip;

const HEADER = "id\taddress\tbuild\tis_live\tmembership";
const node = (id: number, pod: string, build: string, live = true, membership = "active") => `${id}\t${pod}.cockroachdb.svc.cluster.local:26257\t${build}\t${live}\t${membership}`;

/** A fake cluster whose version is $VERSION until the option is reset, then 26.2. */
function finalize(nodes: string[], version = "26.1") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-final-"));
  const statusFile = path.join(dir, "status.tsv");
  fs.writeFileSync(statusFile, [HEADER, ...nodes].join("\n") + "\n");
  const versionFile = path.join(dir, "version");
  fs.writeFileSync(versionFile, version);
  const calls = path.join(dir, "calls");
  const cockroach = [
    'printf "%s " "$@" >> "$CALLS"; echo >> "$CALLS"',
    'case "$*" in',
    '  "node status"*) cat "$STATUS_FILE" ;;',
    '  *"SHOW CLUSTER SETTING version"*) printf "version\\n%s\\n" "$(cat "$VERSION_FILE")" ;;',
    '  *"RESET CLUSTER SETTING cluster.preserve_downgrade_option"*) echo 26.2 > "$VERSION_FILE" ;;',
    "esac",
  ].join("\n");
  const result = runBash(upgradeFinalizeScript({ major: "26.2", host: "cockroachdb-public:26257", waitSeconds: 0 }), stubDir({ cockroach }), {
    CALLS: calls,
    STATUS_FILE: statusFile,
    VERSION_FILE: versionFile,
  });
  const argv = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
  return { result, resets: argv.filter((a) => a.includes("RESET")) };
}

describeWithBash("upgrade finalize script", () => {
  test("resets the downgrade option once every node is live on the new major, and waits for the cluster version", () => {
    const { result, resets } = finalize([node(1, "crdb-aws-0", "v26.2.7"), node(2, "crdb-gcp-0", "v26.2.7"), node(3, "crdb-aws-3", "v26.1.4", false, "decommissioned")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(resets).toHaveLength(1);
    expect(result.stdout).toContain("Finalized: the cluster version is 26.2.");
  });

  test("refuses while a node is down or still runs the old major; a finalized cluster is left alone", () => {
    const old = finalize([node(1, "crdb-aws-0", "v26.2.7"), node(2, "crdb-gcp-0", "v26.1.4")]);
    expect(old.result.status).toBe(1);
    expect(old.result.stderr).toContain("Not finalizing: node 2 (crdb-gcp-0) runs v26.1.4, not v26.2; finish the rollout first.");
    const down = finalize([node(1, "crdb-aws-0", "v26.2.7", false)]);
    expect(down.result.stderr).toContain("Not finalizing: node 1 (crdb-aws-0) is not live.");
    expect([...old.resets, ...down.resets]).toEqual([]);
    const done = finalize([node(1, "crdb-aws-0", "v26.1.4")], "26.2");
    expect(done.result.status).toBe(0);
    expect(done.resets).toEqual([]);
  });
});

describe("upgrade constructs", () => {
  const sites = [
    { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
    { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 3 },
  ];

  test("the rollout guard may only read its StatefulSet, waits bounded, and is named after the image", () => {
    const json = synth((stack, p) => new CockroachRolloutGuard(stack, "guard", { provider: p.kubernetes, siteName: "gcp", sites, image: "cockroachdb/cockroach:v26.2.7" }));
    const job = onlyResource(json, "kubernetes_job_v1");
    expect(job.metadata.name).toMatch(/^crdb-gcp-up-[0-9a-f]{7}$/);
    expect(job.timeouts).toEqual({ create: "11m", update: "11m" });
    expect(onlyResource(json, "kubernetes_role_v1").rule).toEqual([{ api_groups: ["apps"], resources: ["statefulsets"], resource_names: ["crdb-gcp"], verbs: ["get"] }]);
    const script = renderedByTerraform(job.spec.template.spec.container[0].command[2]);
    expect(script).toContain("allowed_majors=' 26.2 26.1 25.4 '");
    expect(script).toContain("earlier=('crdb-aws')");
    const other = synth((stack, p) => new CockroachRolloutGuard(stack, "guard", { provider: p.kubernetes, siteName: "gcp", sites, image: "cockroachdb/cockroach:v26.2.8" }));
    expect(onlyResource(other, "kubernetes_job_v1").metadata.name).not.toBe(job.metadata.name);
  });

  test("the guard needs a versioned image; finalize only the image's major", () => {
    expect(() => synth((stack, p) => new CockroachRolloutGuard(stack, "g", { provider: p.kubernetes, siteName: "aws", sites, image: `cockroachdb/cockroach@sha256:${"a".repeat(64)}` }))).toThrow(
      "image: invalid value",
    );
    expect(() => synth((stack, p) => new CockroachUpgradeFinalize(stack, "f", { provider: p.kubernetes, major: "26.1", image: "cockroachdb/cockroach:v26.2.7" }))).toThrow(
      'major: invalid value "26.1". Finalize the major the image runs (26.2)',
    );
    const json = synth((stack, p) => new CockroachUpgradeFinalize(stack, "f", { provider: p.kubernetes, major: "26.2", image: "cockroachdb/cockroach:v26.2.7" }));
    expect(onlyResource(json, "kubernetes_job_v1").metadata.name).toBe("cockroachdb-finalize-26-2");
  });
});
