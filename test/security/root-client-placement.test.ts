import * as path from "path";
import { OPERATOR_CLIENT_CERTS_SECRET, ROOT_CLIENT_CERTS_SECRET } from "../../lib/database/common";
import { TopologyError, defaultTopology, loadTopology, parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { Json, Synthesized, synthApp, values } from "../stacks/synth-app";

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
