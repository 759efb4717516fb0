import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultTopology, parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import { crdTest, skupperCrds } from "../skupper/crd-validator";
import { Json, synthApp, values } from "./synth-app";

/** A stack's level: 0 without dependencies, else one more than its deepest dependency. */
function levels(dependencies: Record<string, string[]>): Record<string, number> {
  const memo: Record<string, number> = {};
  const level = (name: string): number =>
    (memo[name] ??= Math.max(-1, ...dependencies[name].map(level)) + 1);
  return Object.fromEntries(Object.keys(dependencies).map((name) => [name, level(name)]));
}

const manifests = (json: Json, kind: string): Json[] =>
  values(json, "kubernetes_manifest").map((m) => m.manifest).filter((m) => m.kind === kind);

describe("the default app (EKS + GKE + AKS)", () => {
  const { stacks, dependencies } = synthApp(defaultTopology());
  const sites = ["aws", "gcp", "azure"];

  test("has the staged stacks at the levels cdktf deploys them in", () => {
    expect(levels(dependencies)).toEqual({
      pki: 0,
      "aws-cluster": 0,
      "gcp-cluster": 0,
      "azure-cluster": 0,
      "aws-platform": 1,
      "gcp-platform": 1,
      "azure-platform": 1,
      "aws-database": 2,
      "gcp-database": 2,
      "azure-database": 2,
      // Names sort aws < azure < gcp: aws dials azure and gcp, azure dials gcp, gcp dials none.
      "aws-links": 3,
      "azure-links": 3,
      "cluster-init": 4,
    });
    expect(dependencies["cluster-init"]).toEqual(
      expect.arrayContaining(["aws-database", "gcp-database", "azure-database", "aws-links", "azure-links"]),
    );
  });

  test("every cross-stack reference names an output its producing stack has, in that stack's state", () => {
    let references = 0;
    for (const [name, json] of Object.entries(stacks)) {
      const text = JSON.stringify(json);
      for (const match of text.matchAll(/data\.terraform_remote_state\.cross-stack-reference-input-([a-z0-9-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const [, producer, output] = match;
        expect(dependencies[name]).toContain(producer);
        expect(Object.keys(stacks[producer].output ?? {})).toContain(output);
        references++;
      }
      for (const [producer, remote] of Object.entries<Json>(json.data?.terraform_remote_state ?? {})) {
        expect(remote.config.path).toBe(stacks[producer.replace("cross-stack-reference-input-", "")].terraform.backend.local.path);
      }
    }
    expect(references).toBeGreaterThan(50);
  });

  test("no output that carries a key, a token or a cluster credential is printable", () => {
    let secretOutputs = 0;
    for (const json of Object.values(stacks)) {
      for (const output of Object.values<Json>(json.output ?? {})) {
        if (/private_key_pem|client_key|kube_config|token|cert_pem|cross-stack/.test(JSON.stringify(output.value))) {
          expect([output.value, output.sensitive]).toEqual([output.value, true]);
          secretOutputs++;
        }
      }
    }
    expect(secretOutputs).toBeGreaterThan(20);
    for (const name of ["sql_shell", "db_console"]) expect(stacks["gcp-database"].output[name].sensitive).toBeUndefined();
  });

  test("each site's kubernetes and helm providers point at that site's own cluster", () => {
    for (const site of sites) {
      for (const stage of ["platform", "database", "links"]) {
        const json = stacks[`${site}-${stage}`];
        // gcp sorts last and dials no one: the only stage a site may lack.
        if (!json && `${site}-${stage}` === "gcp-links") continue;
        const [kubernetes] = json.provider.kubernetes;
        expect(kubernetes.host).toContain(`cross-stack-reference-input-${site}-cluster.`);
        expect(kubernetes.cluster_ca_certificate).toContain(`cross-stack-reference-input-${site}-cluster.`);
        expect(json.provider.kubernetes).toHaveLength(1);
        // Only the platform installs a chart; the other stages carry no helm provider to configure.
        if (stage === "platform") expect(json.provider.helm[0].kubernetes.host).toBe(kubernetes.host);
        else expect(json.provider.helm).toBeUndefined();
      }
    }
    // The init Job runs where the credential outlives its 35-minute wait: GKE, not the EKS token.
    expect(stacks["cluster-init"].provider.kubernetes[0].host).toContain("cross-stack-reference-input-gcp-cluster.");
    expect(stacks["aws-platform"].provider.kubernetes[0].token).toMatch(/^\$\{data\.aws_eks_cluster_auth\./);
    expect(stacks["gcp-platform"].provider.kubernetes[0].token).toMatch(/^\$\{data\.google_client_config\./);
    expect(stacks["azure-platform"].provider.kubernetes[0].client_key).toContain("cross-stack-reference-input-azure-cluster.");
  });

  test("names agree across sites: one join list, one namespace, every pod reachable everywhere exactly once", () => {
    const joinLists = sites.map((site) => values(stacks[`${site}-database`], "kubernetes_config_map_v1")[0].data.join);
    expect(new Set(joinLists).size).toBe(1);
    expect(joinLists[0].split(",")).toHaveLength(9);
    const allPods = sites.flatMap((site) => [0, 1, 2].map((i) => `crdb-${site}-${i}`));
    for (const site of sites) {
      const json = stacks[`${site}-database`];
      const services = values(json, "kubernetes_service_v1").map((s) => s.metadata.name);
      const listeners = manifests(json, "Listener").map((l) => l.spec.host);
      const connectors = manifests(json, "Connector").map((c) => c.spec.routingKey);
      expect(connectors.sort()).toEqual([0, 1, 2].map((i) => `crdb-${site}-${i}`));
      expect(listeners).toHaveLength(6);
      for (const pod of allPods) {
        expect(Number(services.includes(pod)) + Number(listeners.includes(pod))).toBe(1);
      }
      for (const resource of [...values(json, "kubernetes_service_v1"), ...values(json, "kubernetes_stateful_set_v1")]) {
        expect(resource.metadata.namespace).toBe("cockroachdb");
      }
      expect(manifests(json, "Site")[0].metadata).toEqual({ name: site, namespace: "cockroachdb" });
    }
  });

  test("links form a full mesh, each with the dialled site's endpoints and a certificate from its CA", () => {
    const links = ["aws-links", "azure-links"].flatMap((name) =>
      manifests(stacks[name], "Link").map((link) => ({ from: name.replace("-links", ""), link })),
    );
    expect(links.map(({ from, link }) => `${from}->${link.metadata.name}`).sort()).toEqual([
      "aws->link-to-azure",
      "aws->link-to-gcp",
      "azure->link-to-gcp",
    ]);
    for (const { link } of links) {
      const target = link.metadata.name.replace("link-to-", "");
      expect(JSON.stringify(link.spec.endpoints)).toContain(`cross-stack-reference-input-${target}-database.`);
    }
  });

  test("the platform creates the namespace, Secrets and Skupper prerequisites; the database waits for it", () => {
    for (const site of sites) {
      const platform = stacks[`${site}-platform`];
      // EKS: the 15-minute token, less the margin and Helm's 5-minute uninstall.
      expect(values(platform, "kubernetes_namespace_v1")[0].timeouts.delete).toBe(site === "aws" ? "7m" : "20m");
      const secrets = values(platform, "kubernetes_secret_v1").map((s) => s.metadata.name).sort();
      // The root client certificate, and the idle SQL client pod that mounts it for good, only where cluster-init runs (gcp).
      const root = site === "gcp" ? ["cockroachdb-root-client-certs"] : [];
      expect(secrets).toEqual(["cockroachdb-node-certs", "cockroachdb-operator-client-certs", ...root, "cockroachdb-sql-crdb-admin", "skupper-site-ca"]);
      expect(values(stacks[`${site}-database`], "kubernetes_deployment_v1")).toHaveLength(site === "gcp" ? 1 : 0);
      expect(values(platform, "helm_release")[0].version).toBe("2.2.1");
      expect(dependencies[`${site}-database`]).toContain(`${site}-platform`);
    }
    expect(values(stacks["aws-platform"], "kubernetes_storage_class_v1")[0].metadata.name).toBe("gp3");
    expect(values(stacks["aws-database"], "kubernetes_stateful_set_v1")[0].spec.volume_claim_template[0].spec.storage_class_name).toBe("gp3");
    expect(values(stacks["gcp-database"], "kubernetes_stateful_set_v1")[0].spec.volume_claim_template[0].spec.storage_class_name).toBe("premium-rwo");
    expect(values(stacks["azure-database"], "kubernetes_stateful_set_v1")[0].spec.volume_claim_template[0].spec.storage_class_name).toBe("managed-csi-premium");
  });

  test("the one init Job inits the first site's pod 0 and applies the region survival goal", () => {
    // One init Job in all; the database stacks' Jobs are their sites' scale-down guards.
    const jobs = Object.values(stacks).flatMap((json) => values(json, "kubernetes_job_v1"));
    expect(jobs.filter((job) => job.metadata.labels["app.kubernetes.io/component"] === "init")).toHaveLength(1);
    expect(jobs.map((job) => job.metadata.labels["app.kubernetes.io/component"]).sort()).toEqual(["init", "rollout-guard", "rollout-guard", "rollout-guard", "scale-down", "scale-down", "scale-down"]);
    const script: string = values(stacks["cluster-init"], "kubernetes_job_v1")[0].spec.template.spec.container[0].command[2];
    expect(script).toContain('init_host="crdb-aws-0.cockroachdb.svc.cluster.local:26257"');
    expect(script).toContain("expected=9");
    expect(script).toContain("num_replicas = 5");
  });

  test("the license key comes from a sensitive variable through a Secret, never in the Job", () => {
    const init = stacks["cluster-init"];
    expect(init.variable.cockroach_license).toMatchObject({ type: "string", default: "", sensitive: true });
    const secret = values(init, "kubernetes_secret_v1")[0];
    expect(secret.data.license).toBe("${var.cockroach_license}");
    const job = values(init, "kubernetes_job_v1")[0];
    expect(job.spec.template.metadata.annotations["cockroachdb.com/license-revision"]).toBe('${sha256(join("\\n", [var.cockroach_license, var.cockroach_license_organization]))}');
    expect(job.spec.template.spec.container[0].env[0].value_from.secret_key_ref.name).toBe("${kubernetes_secret_v1.license.metadata[0].name}");
    // The key appears only hashed.
    expect(JSON.stringify(job).replace(/\$\{sha256\([^}]*\)\}/g, "")).not.toContain("var.cockroach_license");
  });

  test("the license's organization comes from a plain variable into the same Secret and re-runs the Job when it changes", () => {
    const init = stacks["cluster-init"];
    expect(init.variable.cockroach_license_organization).toMatchObject({ type: "string", default: "" });
    expect(init.variable.cockroach_license_organization.sensitive).toBeUndefined();
    expect(init.variable.cockroach_license_organization.validation[0].condition).toContain("[:cntrl:]");
    expect(values(init, "kubernetes_secret_v1")[0].data.organization).toBe("${var.cockroach_license_organization}");
    const job = values(init, "kubernetes_job_v1").find((j) => j.metadata.labels["app.kubernetes.io/component"] === "init");
    expect(job.spec.template.metadata.annotations["cockroachdb.com/license-revision"]).toContain("var.cockroach_license_organization");
    expect(job.spec.template.spec.container[0].env[1]).toEqual({
      name: "COCKROACH_LICENSE_ORGANIZATION",
      value_from: { secret_key_ref: { name: "${kubernetes_secret_v1.license.metadata[0].name}", key: "organization", optional: true } },
    });
  });

  test("cluster stacks use only their cloud's provider; account identifiers come from variables", () => {
    expect(Object.keys(stacks["aws-cluster"].provider)).toEqual(["aws"]);
    expect(stacks["aws-cluster"].data).toBeUndefined();
    expect(Object.keys(stacks["gcp-cluster"].provider)).toEqual(["google"]);
    expect(Object.keys(stacks["azure-cluster"].provider)).toEqual(["azurerm"]);
    expect(Object.keys(stacks["gcp-cluster"].variable)).toEqual(["gcp_project"]);
    const labels = { "part-of": "cockroachdb", "managed-by": "cdktf" };
    expect(stacks["gcp-cluster"].provider.google[0].default_labels).toEqual(labels);
    expect(stacks["aws-cluster"].provider.aws[0].default_tags).toEqual([{ tags: labels }]);
    expect(stacks["azure-cluster"].provider.azurerm[0].subscription_id).toBe("${var.azure_subscription_id}");
    // The topology's network reaches the sites: VNet and subnet are distinct on Azure.
    expect(values(stacks["azure-cluster"], "azurerm_virtual_network")[0].address_space).toEqual(["10.32.0.0/16"]);
    expect(values(stacks["azure-cluster"], "azurerm_subnet")[0].address_prefixes).toEqual(["10.32.0.0/20"]);
    expect(values(stacks["gcp-cluster"], "google_compute_subnetwork")[0].ip_cidr_range).toBe("10.16.0.0/20");
    expect(values(stacks["aws-cluster"], "aws_vpc")[0].cidr_block).toBe("10.0.0.0/16");
    expect(stacks["aws-cluster"].output.kubectl_credentials.value).toBe(
      "aws eks update-kubeconfig --region us-east-1 --name crdb-aws --alias aws",
    );
  });
});

describe("other topologies", () => {
  test("an existing cluster has no cluster stack and is reached through its kubeconfig", () => {
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          { name: "aws", cloud: "aws", region: "us-west-2" },
          { name: "lab", cloud: "existing", region: "on-prem", kubeconfig: { path: "/etc/kube/lab.yaml", context: "lab-admin" }, storageClassName: "fast", sqlClientPod: true },
        ],
      },
      "inline",
    );
    const { stacks, dependencies } = synthApp(topology);
    expect(stacks["lab-cluster"]).toBeUndefined();
    expect(stacks["lab-platform"].provider.kubernetes).toEqual([{ config_path: "/etc/kube/lab.yaml", config_context: "lab-admin", ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS }]);
    expect(values(stacks["lab-database"], "kubernetes_stateful_set_v1")[0].spec.volume_claim_template[0].spec.storage_class_name).toBe("fast");
    // aws dials lab, so lab's router admits aws's NAT addresses, read from aws's cluster stack.
    expect([...dependencies["lab-platform"]].sort()).toEqual(["aws-cluster", "pki"]);
    expect(stacks["lab-database"].output.sql_shell.value).toContain("kubectl --kubeconfig /etc/kube/lab.yaml --context lab-admin --namespace cockroachdb exec");
    const script: string = values(stacks["cluster-init"], "kubernetes_job_v1")[0].spec.template.spec.container[0].command[2];
    expect(script).not.toContain("num_replicas");
  });

  const onPremisesApp = () => {
    const existing = (name: string, extra: Record<string, unknown>) => ({
      name,
      cloud: "existing",
      region: name,
      kubeconfig: { path: `/etc/kube/${name}.yaml`, context: name },
      storageClassName: "fast",
      ...extra,
    });
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          existing("dc1", { linkAccess: "nodeport", nodePortHost: "192.0.2.10" }),
          // By name, dc1 would dial zz; zz accepts no links, so zz dials dc1.
          existing("zz", { linkAccess: "none" }),
          { name: "aws", cloud: "aws", region: "us-west-2" },
        ],
      },
      "inline",
    );
    return synthApp(topology);
  };

  test("on-premises clusters without load balancers: nodeport with its host, and a site that only dials out", () => {
    const { stacks, dependencies } = onPremisesApp();
    const siteOf = (name: string) => manifests(stacks[`${name}-database`], "Site")[0];
    expect(siteOf("dc1").spec.linkAccess).toBe("nodeport");
    expect(siteOf("zz").spec.linkAccess).toBe("none");
    expect(siteOf("aws").spec.linkAccess).toBe("loadbalancer");
    const chart = (name: string) => JSON.parse(values(stacks[`${name}-platform`], "helm_release")[0].values[0]);
    expect(chart("dc1")).toMatchObject({ enabledAccessTypes: "local,loadbalancer,nodeport", clusterHost: "192.0.2.10" });
    expect(chart("zz")).not.toHaveProperty("clusterHost");
    // The dial-only site dials both peers; aws dials dc1 by name; dc1 dials nobody, so it has no links stack.
    const linkTargets = (name: string) => manifests(stacks[`${name}-links`], "Link").map((l: Json) => l.metadata.name).sort();
    expect(linkTargets("zz")).toEqual(["link-to-aws", "link-to-dc1"]);
    expect(linkTargets("aws")).toEqual(["link-to-dc1"]);
    expect(stacks["dc1-links"]).toBeUndefined();
    expect(dependencies["zz-links"]).toEqual(expect.arrayContaining(["dc1-database", "zz-database"]));
  });

  crdTest("the Sites with nodeport, none and loadbalancer link access are valid against the CRD", () => {
    const { stacks } = onPremisesApp();
    for (const name of ["dc1", "zz", "aws"]) {
      expect(skupperCrds().validate(manifests(stacks[`${name}-database`], "Site")[0])).toEqual({ errors: [], skipped: [] });
    }
  });

  test("two sites that accept no links fail at synth, naming both", () => {
    const sites = ["a", "b"].map((name) => ({ name, cloud: "existing", region: name, kubeconfig: { context: name }, storageClassName: "fast", linkAccess: "none" }));
    expect(() => parseTopology({ survivalGoal: "zone", sites: [...sites, { ...sites[0], name: "c", region: "c", kubeconfig: { context: "c" }, linkAccess: "loadbalancer", replicas: 3 }] }, "inline")).toThrow(
      'sites[1].linkAccess: invalid value "none". sites[0] ("a") accepts no links either, so "b" and "a" cannot link to each other',
    );
  });

  test("monitoring: scrape annotations everywhere, Prometheus Operator objects only where turned on", () => {
    const topology = parseTopology(
      {
        sites: [
          { name: "aws", cloud: "aws", region: "us-east-1", monitoring: { prometheusOperator: true, labels: { release: "prom" } } },
          { name: "gcp", cloud: "gcp", region: "us-east4" },
          { name: "azure", cloud: "azure", region: "eastus" },
        ],
      },
      "inline",
    );
    const { stacks } = synthApp(topology);
    for (const site of ["aws", "gcp", "azure"]) {
      const sts = values(stacks[`${site}-database`], "kubernetes_stateful_set_v1")[0];
      expect(sts.spec.template.metadata.annotations["prometheus.io/path"]).toBe("/_status/vars");
    }
    const kinds = (site: string) => values(stacks[`${site}-database`], "kubernetes_manifest").map((m) => m.manifest.kind).sort();
    expect(kinds("gcp")).toEqual(["Connector", "Connector", "Connector", "Listener", "Listener", "Listener", "Listener", "Listener", "Listener", "Site"]);
    expect(kinds("aws")).toEqual(expect.arrayContaining(["PodMonitor", "PrometheusRule", "ServiceMonitor"]));
    const [rule] = manifests(stacks["aws-database"], "PrometheusRule");
    expect(rule.metadata.labels).toEqual({ release: "prom" });
    const exprs = rule.spec.groups[0].rules.map((r: Json) => r.expr);
    // All 9 nodes of the cluster, and the default 25-hour backup alert.
    expect(exprs).toContain('max(liveness_livenodes{job="crdb-aws", namespace="cockroachdb"}) < 9');
    expect(exprs).toContain('time() - max(schedules_BACKUP_last_completed_time{job="crdb-aws", namespace="cockroachdb"}) > 25 * 3600');
  });

  test("scale-down: each StatefulSet waits for its site's decommission Job; going below the survival goal fails", () => {
    const { stacks } = synthApp(defaultTopology());
    for (const site of ["aws", "gcp", "azure"]) {
      const database = stacks[`${site}-database`];
      const jobs = Object.entries<Json>(database.resource.kubernetes_job_v1);
      const [[jobId, job]] = jobs.filter(([, j]) => j.metadata.name === `crdb-${site}-to-3`);
      expect(job.wait_for_completion).toBe(true);
      const sts = values(database, "kubernetes_stateful_set_v1")[0];
      expect(sts.depends_on).toContain(`kubernetes_job_v1.${jobId}`);
    }
    // Scaling aws and gcp down to one node each would leave 4 of the 5 replicas placeable.
    const lowered = {
      sites: [
        { name: "aws", cloud: "aws", region: "us-east-1", replicas: 1 },
        { name: "gcp", cloud: "gcp", region: "us-east4", replicas: 1 },
        { name: "azure", cloud: "azure", region: "eastus" },
      ],
    };
    expect(() => parseTopology(lowered, "inline")).toThrow(
      "survivalGoal: invalid value \"region\". Surviving a site needs 5 replicas with at most 2 in any site, but the sites' replicas hold only 4 that way",
    );
  });

  test("guarded upgrades: each StatefulSet waits for its rollout guard, sites after the first wait for the earlier ones; finalize on request", () => {
    const image = "cockroachdb/cockroach:v26.2.7";
    const { stacks } = synthApp(parseTopology({ ...DEFAULT_TOPOLOGY_FILE, cockroach: { image, finalizeUpgrade: "26.2" } }, "inline"));
    const earlier: Record<string, string> = { aws: "earlier=()", gcp: "earlier=('crdb-aws')", azure: "earlier=('crdb-aws' 'crdb-gcp')" };
    for (const site of ["aws", "gcp", "azure"]) {
      const database = stacks[`${site}-database`];
      const [[jobId, job]] = Object.entries<Json>(database.resource.kubernetes_job_v1).filter(([, j]) => j.metadata.labels["app.kubernetes.io/component"] === "rollout-guard");
      expect(job.metadata.name).toMatch(new RegExp(`^crdb-${site}-up-[0-9a-f]{7}$`));
      expect(job.spec.template.spec.container[0].command[2]).toContain(earlier[site]);
      expect(values(database, "kubernetes_stateful_set_v1")[0].depends_on).toContain(`kubernetes_job_v1.${jobId}`);
    }
    const finalize = values(stacks["cluster-init"], "kubernetes_job_v1").filter((j) => j.metadata.name === "cockroachdb-finalize-26-2");
    expect(finalize).toHaveLength(1);
    expect(finalize[0].spec.template.spec.container[0].command[2]).toContain("RESET CLUSTER SETTING cluster.preserve_downgrade_option");
    // Without finalizeUpgrade the option stays set.
    expect(values(synthApp(defaultTopology()).stacks["cluster-init"], "kubernetes_job_v1").map((j) => j.metadata.name)).toEqual(["cockroachdb-init"]);
  });

  test("site options of the topology file reach the cluster stacks", () => {
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          { name: "aws", cloud: "aws", region: "us-west-2", apiAccessCidrs: ["203.0.113.0/24"], network: { vpcCidr: "10.0.0.0/16", serviceCidr: "172.20.0.0/16" } },
          { name: "gcp", cloud: "gcp", region: "us-west1", deletionProtection: false },
        ],
      },
      "inline",
    );
    const { stacks } = synthApp(topology);
    const eks = values(stacks["aws-cluster"], "aws_eks_cluster")[0];
    expect(eks.vpc_config.public_access_cidrs).toEqual(["203.0.113.0/24"]);
    expect(eks.kubernetes_network_config.service_ipv4_cidr).toBe("172.20.0.0/16");
    expect(values(stacks["gcp-cluster"], "google_container_cluster")[0].deletion_protection).toBe(false);
    expect(stacks["aws-platform"].provider.aws).toBeDefined();
    expect(values(synthApp(defaultTopology()).stacks["gcp-cluster"], "google_container_cluster")[0].deletion_protection).toBe(true);
  });

  test("EKS exec auth: consuming stacks run the AWS CLI and need no aws provider", () => {
    const topology = parseTopology(
      { survivalGoal: "zone", accounts: { awsProfile: "ops" }, sites: [{ name: "aws", cloud: "aws", region: "us-west-2", kubernetesAuth: "exec" }] },
      "inline",
    );
    const { stacks } = synthApp(topology);
    for (const stage of ["platform", "database"]) {
      const json = stacks[`aws-${stage}`];
      expect(json.provider.aws).toBeUndefined();
      expect(json.data?.aws_eks_cluster_auth).toBeUndefined();
      expect(json.provider.kubernetes[0].exec[0]).toMatchObject({ command: "aws", args: expect.arrayContaining(["get-token", "--profile", "ops"]) });
    }
  });

  test("the app reports every problem of a bad topology file and exits 1 without a stack trace", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-bad-"));
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, "sites:\n  - name: Bad_Name\n    cloud: aws\n    region: us-east-1\nsurvivalGoal: region\n");
    const run = spawnSync(process.execPath, ["stacks/run-app.cjs"], {
      cwd: path.join(__dirname, "../.."),
      env: { ...process.env, CRDB_TOPOLOGY: file, CDKTF_OUTDIR: path.join(dir, "out") },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('sites[0].name: invalid value "Bad_Name"');
    expect(run.stderr).toContain("survivalGoal");
    expect(run.stderr).not.toContain("    at ");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
