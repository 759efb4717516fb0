import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OPERATOR_CLIENT_CERTS_SECRET, ROOT_CLIENT_CERTS_SECRET } from "../../lib/database/common";
import { TopologyError, defaultTopology, loadTopology, parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { Json, Synthesized, synthApp, values } from "../stacks/synth-app";
import { hasTool, renderedByTerraform, runBash, stubDir } from "../database/helpers";

const examples = path.join(__dirname, "../../examples");

/** Sites whose stacks create the root client certificate's Secret. */
function sitesWithRootSecret({ stacks }: Synthesized): string[] {
  return Object.entries(stacks)
    .filter(([, stack]) => values(stack, "kubernetes_secret_v1").some((secret) => secret.metadata.name === ROOT_CLIENT_CERTS_SECRET))
    .map(([name]) => name.replace(/-platform$/, ""))
    .sort();
}

/** The certificate Secrets a pod template mounts. */
const mountedSecrets = (job: Json): string[] =>
  job.spec.template.spec.volume.filter((v: Json) => v.secret !== undefined).map((v: Json) => v.secret.secret_name);

/** The per-site Jobs (scale-down, rollout guard) of one database stack, by component. */
function siteJobs(stack: Json): Record<string, Json> {
  return Object.fromEntries(values(stack, "kubernetes_job_v1").map((job) => [job.metadata.labels["app.kubernetes.io/component"], job]));
}

const script = (job: Json): string => job.spec.template.spec.container[0].command[2];

const STATUS_HEADER = ["id", "address", "build", "is_live", "membership"].join("\t");
const statusRow = (id: number, pod: string) => [String(id), `${pod}.cockroachdb.svc.cluster.local:26257`, "v26.2.7", "true", "active"].join("\t");

/**
 * Runs a synthesized scale-down Job's command with bash as Kubernetes would (after Terraform's
 * unescaping), its work dir moved to a temp dir: curl answers a scale of 5 (the target is 3),
 * cockroach lists five nodes of the site and records its argv.
 */
function runScaleDown(job: Json, site: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-synth-scale-"));
  const calls = path.join(dir, "calls");
  const statusFile = path.join(dir, "status.tsv");
  fs.writeFileSync(statusFile, [STATUS_HEADER, ...[0, 1, 2, 3, 4].map((i) => statusRow(i + 1, `crdb-${site}-${i}`))].join("\n") + "\n");
  const record = 'printf "%s " "$(basename "$0")" "$@" >> "$CALLS"; echo >> "$CALLS"';
  const curl = [record, 'out=""; while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift ;; esac; shift; done', `printf '%s' '{"spec":{"replicas": 5}}' > "$out"; printf 200`].join("\n");
  const cockroach = [record, 'case "$1 $2" in "node status") cat "$STATUS_FILE" ;; esac'].join("\n");
  const command = renderedByTerraform(script(job)).replace(/\/tmp\//g, `${dir}/`);
  const result = runBash(command, stubDir({ curl, cockroach }), { CALLS: calls, STATUS_FILE: statusFile });
  const argv = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").map((line) => line.trimEnd()) : [];
  return { result, cockroach: argv.filter((line) => line.startsWith("cockroach ")) };
}

function topology(extra: Partial<TopologyFile>) {
  return parseTopology({ ...DEFAULT_TOPOLOGY_FILE, ...extra }, "test");
}

describe("the root client certificate lives in one site; the per-site Jobs elsewhere use the operator identity", () => {
  const synthesized = synthApp(defaultTopology());
  const { stacks } = synthesized;

  test("by default only the site that runs cluster-init (gcp: aws's EKS token is too short for the init Job) holds it", () => {
    expect(sitesWithRootSecret(synthesized)).toEqual(["gcp"]);
    const init = values(stacks["cluster-init"], "kubernetes_job_v1");
    // The init Job runs as root in that same cluster.
    expect(stacks["cluster-init"].provider.kubernetes[0].host).toEqual(stacks["gcp-platform"].provider.kubernetes[0].host);
    expect(init.map(mountedSecrets)).toEqual([[ROOT_CLIENT_CERTS_SECRET]]);
    // The SQL client pod follows the certificate.
    expect(Object.keys(stacks).filter((name) => values(stacks[name], "kubernetes_deployment_v1").length > 0)).toEqual(["gcp-database"]);
  });

  test("every site gets the operator certificate, from the pki stack (CN crdb_operator, signed by the cluster CA)", () => {
    for (const site of ["aws", "gcp", "azure"]) {
      const secret = values(stacks[`${site}-platform`], "kubernetes_secret_v1").find((s) => s.metadata.name === OPERATOR_CLIENT_CERTS_SECRET);
      expect(Object.keys(secret.data).sort()).toEqual(["ca.crt", "client.crdb_operator.crt", "client.crdb_operator.key"]);
      expect(secret.data["client.crdb_operator.key"]).toMatch(/cross-stack-output-tls_private_keyoperator-client/);
    }
    const request = Object.values<Json>(stacks.pki.resource.tls_cert_request).find((r) => [r.subject].flat()[0].common_name === "crdb_operator");
    expect(request).toBeDefined();
  });

  test("each per-site Job mounts only the operator certificate and authenticates as crdb_operator, except scale-down where root is", () => {
    for (const site of ["aws", "gcp", "azure"]) {
      const jobs = siteJobs(stacks[`${site}-database`]);
      expect(Object.keys(jobs).sort()).toEqual(["rollout-guard", "scale-down"]);
      expect(mountedSecrets(jobs["rollout-guard"])).toEqual([OPERATOR_CLIENT_CERTS_SECRET]);
      expect(script(jobs["rollout-guard"])).toContain("--certs-dir=/cockroach/cockroach-certs --user=crdb_operator");
      expect(script(jobs["rollout-guard"])).not.toContain("--user=root");
      const rootHere = site === "gcp";
      expect(mountedSecrets(jobs["scale-down"])).toEqual([rootHere ? ROOT_CLIENT_CERTS_SECRET : OPERATOR_CLIENT_CERTS_SECRET]);
      expect(script(jobs["scale-down"])).toContain(rootHere ? "--user=root" : "--user=crdb_operator");
      if (!rootHere) expect(script(jobs["scale-down"])).toContain(`add \\"${site}\\" to cockroach.rootClientSites`.replace(/\\"/g, '"'));
    }
  });

  (hasTool("bash") ? test : test.skip)("the synthesized scale-down commands: as crdb_operator it refuses with the fix, as root (gcp) it decommissions", () => {
    const aws = runScaleDown(siteJobs(stacks["aws-database"])["scale-down"], "aws");
    expect(aws.result.status).toBe(1);
    expect(aws.result.stderr).toContain('Nodes 4 5 must be decommissioned before the StatefulSet shrinks: add "aws" to cockroach.rootClientSites, deploy');
    expect(aws.cockroach.length).toBeGreaterThan(0);
    for (const call of aws.cockroach) expect(call).toContain("--certs-dir=/cockroach/cockroach-certs --user=crdb_operator ");
    const gcp = runScaleDown(siteJobs(stacks["gcp-database"])["scale-down"], "gcp");
    expect(gcp.cockroach.filter((call) => call.startsWith("cockroach node decommission"))).toEqual([
      "cockroach node decommission 4 5 --certs-dir=/cockroach/cockroach-certs --user=root --host=cockroachdb-public:26257 --wait=all",
    ]);
  });

  test("cluster-init creates the operator user with its grant", () => {
    const [init] = values(stacks["cluster-init"], "kubernetes_job_v1");
    expect(script(init)).toContain(`'CREATE USER IF NOT EXISTS "crdb_operator";'`);
    expect(script(init)).toContain(`'GRANT admin TO "crdb_operator";'`);
  });

  test("cockroach.rootClientSites and sqlClientPod put it in the sites they name, and the scale-down Job there runs as root", () => {
    const asked = synthApp(
      topology({
        sites: [DEFAULT_TOPOLOGY_FILE.sites[0], DEFAULT_TOPOLOGY_FILE.sites[1], { ...DEFAULT_TOPOLOGY_FILE.sites[2], sqlClientPod: true }],
        cockroach: { rootClientSites: ["aws"] },
      }),
    );
    expect(sitesWithRootSecret(asked)).toEqual(["aws", "azure", "gcp"]);
    expect(mountedSecrets(siteJobs(asked.stacks["aws-database"])["scale-down"])).toEqual([ROOT_CLIENT_CERTS_SECRET]);
    expect(mountedSecrets(siteJobs(asked.stacks["aws-database"])["rollout-guard"])).toEqual([OPERATOR_CLIENT_CERTS_SECRET]);
    // Asked for the certificate, not for an idle pod: aws runs none.
    expect(values(asked.stacks["aws-database"], "kubernetes_deployment_v1")).toEqual([]);
    expect(values(asked.stacks["azure-database"], "kubernetes_deployment_v1")).toHaveLength(1);
  });

  test.each(["three-clouds", "two-clouds", "terraform-cloud"])("example %s: the root Secret only where cluster-init runs", (name) => {
    const example = synthApp(loadTopology(path.join(examples, name, "topology.yaml")));
    const initHost = example.stacks["cluster-init"].provider.kubernetes[0].host;
    const rootSites = sitesWithRootSecret(example);
    expect(rootSites).toHaveLength(1);
    expect(example.stacks[`${rootSites[0]}-platform`].provider.kubernetes[0].host).toEqual(initHost);
  });

  test("unknown site names fail with the path, the value and the fix, all at once", () => {
    let error: unknown;
    try {
      topology({ cockroach: { rootClientSites: ["gcp", "gpc", "on-prem"] } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    const message = (error as Error).message;
    expect(message).toContain('cockroach.rootClientSites[1]: invalid value "gpc". No site has this name; use one of the sites\' names (aws, gcp, azure).');
    expect(message).toContain('cockroach.rootClientSites[2]: invalid value "on-prem".');
    expect(message).not.toContain("rootClientSites[0]");
  });

  test("the operator's name is not available to the topology's users", () => {
    expect(() => topology({ cockroach: { users: [{ name: "crdb_operator" }] } })).toThrow(
      "cockroach.users[0].name: invalid value \"crdb_operator\". crdb_operator is the identity of the per-site Jobs (created by the init Job); choose another user name.",
    );
  });
});
