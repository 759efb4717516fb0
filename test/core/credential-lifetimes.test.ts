import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import {
  analyzeStackWaits,
  credentialProblems,
  describeCredentialProblem,
  durationMinutes,
  providerCredentials,
} from "../../lib/core/credential-lifetimes";
import { buildDeployment } from "../../stacks/app";
import { chooseInitSite } from "../../stacks/cluster-init-stack";
import { defaultTopology, loadTopology, parseTopology } from "../../stacks/topology";
import type { Topology } from "../../stacks/topology";
import { SingleClusterStack } from "../../examples/single-cluster/main";
import { buildExistingClusters } from "../../examples/existing-clusters/main";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const examples = path.join(__dirname, "../../examples");

/** Every stack of an app, as the synthesized Terraform JSON Terraform would read. */
function synthesized(app: App): Record<string, Json> {
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
}

function deployment(topology: Topology): Record<string, Json> {
  const app = Testing.app();
  buildDeployment(app, topology);
  return synthesized(app);
}

const problemsOf = (stacks: Record<string, Json>): string[] => credentialProblems(stacks).map(describeCredentialProblem);

const allEks = (auth?: "exec"): Topology =>
  parseTopology(
    {
      survivalGoal: "region",
      sites: ["us-east-1", "us-east-2", "us-west-2"].map((region, i) => ({
        name: `aws${i}`,
        cloud: "aws",
        region,
        ...(auth ? { kubernetesAuth: auth } : {}),
      })),
    },
    "all-eks.yaml",
  );

describe("no wait outlives the credential of its stack", () => {
  test.each<[string, () => Record<string, Json>]>([
    ["the default topology", () => deployment(defaultTopology())],
    ["examples/three-clouds", () => deployment(loadTopology(path.join(examples, "three-clouds/topology.yaml")))],
    ["examples/two-clouds", () => deployment(loadTopology(path.join(examples, "two-clouds/topology.yaml")))],
    ["examples/terraform-cloud (HCP remote runs: EKS token only)", () => deployment(loadTopology(path.join(examples, "terraform-cloud/topology.yaml")))],
    ["three EKS sites with token auth", () => deployment(allEks())],
    ["three EKS sites with exec auth", () => deployment(allEks("exec"))],
    [
      "examples/single-cluster",
      () => {
        const app = Testing.app();
        new SingleClusterStack(app, "single", { kubeconfigPath: "~/.kube/config" });
        return synthesized(app);
      },
    ],
    [
      "examples/existing-clusters",
      () => {
        const app = Testing.app();
        buildExistingClusters(app, {
          kubeconfigPath: "~/.kube/config",
          namespace: "db",
          clusters: ["dc1", "dc2", "dc3"].map((name) => ({ name, region: name, kubeconfigContext: name, storageClassName: "ssd" })),
        });
        return synthesized(app);
      },
    ],
  ])("%s", (_name, build) => {
    const stacks = build();
    expect(Object.keys(stacks).length).toBeGreaterThan(0);
    expect(problemsOf(stacks)).toEqual([]);
  });

  test("the default topology's EKS stacks really are on the 15-minute token, and use most of it", () => {
    const stacks = deployment(defaultTopology());
    const links = analyzeStackWaits("aws-links", stacks["aws-links"]);
    expect(links.credentials).toEqual([{ provider: "kubernetes", kind: "aws_eks_cluster_auth token", lifetime: 15 }]);
    expect(links.worstCase.apply.kubernetes.minutes).toBe(10);
    const platform = analyzeStackWaits("aws-platform", stacks["aws-platform"]);
    // The namespace-scoped controller's release is uninstalled (5 minutes at most) before its namespace is deleted (7).
    expect(platform.worstCase.destroy.kubernetes.minutes).toBe(12);
    expect(platform.worstCase.apply.helm.minutes).toBe(5);
  });

  test("the init Job runs in the first site whose credential outlives its 35-minute wait, else a shorter Job", () => {
    const defaults = deployment(defaultTopology());
    expect(analyzeStackWaits("cluster-init", defaults["cluster-init"]).credentials[0].kind).toBe("google_client_config access token");
    const eksOnly = deployment(allEks());
    const job: Json = Object.values(eksOnly["cluster-init"].resource.kubernetes_job_v1)[0];
    expect(job.timeouts).toEqual({ create: "12m", update: "12m" });
    expect(job.spec.active_deadline_seconds).toBe(7 * 60);
    const execApp = Testing.app();
    const exec = buildDeployment(execApp, allEks("exec"));
    expect(chooseInitSite(exec.clusters.map((c) => c.site))).toEqual({ site: exec.clusters[0].site, timeoutMinutes: 30 });
  });
});

describe("the analysis catches what would fail", () => {
  test("a Link wait made longer than the EKS token fails, naming the stack, the wait and the credential", () => {
    const stacks = deployment(defaultTopology());
    const links = stacks["aws-links"];
    const [address] = Object.keys(links.resource.kubernetes_manifest);
    links.resource.kubernetes_manifest[address].timeouts.create = "20m";
    expect(problemsOf({ "aws-links": links })).toEqual([
      `aws-links: apply may wait 20 min (kubernetes_manifest.${address} 20 min), but provider kubernetes authenticates with the ` +
        "aws_eks_cluster_auth token, which lives 15 min (3 min of it go to plan and approval). " +
        "Shorten the waits, or connect with a credential that is refreshed (exec) or long-lived.",
    ]);
  });

  test("the same wait passes on a client certificate, an exec plugin or a kubeconfig, and fails past GKE's hour", () => {
    const stack = (kubernetes: Json, minutes: number): Json => ({
      provider: { kubernetes: [kubernetes] },
      resource: { kubernetes_job_v1: { job: { timeouts: { create: `${minutes}m` } } } },
    });
    expect(credentialProblems({ s: stack({ client_certificate: "${x}", client_key: "${y}" }, 600) })).toEqual([]);
    expect(credentialProblems({ s: stack({ exec: [{ command: "kubelogin" }], token: "${data.aws_eks_cluster_auth.a.token}" }, 600) })).toEqual([]);
    expect(credentialProblems({ s: stack({ config_path: "~/.kube/config" }, 600) })).toEqual([]);
    const gke = { token: "${data.google_client_config.c.access_token}" };
    expect(credentialProblems({ s: stack(gke, 57) })).toEqual([]);
    expect(credentialProblems({ s: stack(gke, 58) }).map((p) => p.credential.kind)).toEqual(["google_client_config access token"]);
    // A token whose origin the analysis does not know counts as short-lived.
    expect(credentialProblems({ s: stack({ token: "${var.token}" }, 13) }).map((p) => p.credential.kind)).toEqual(["bearer token of unknown lifetime"]);
  });

  test("waits add up along depends_on and references, in reverse on destroy", () => {
    const eks = { token: "${data.aws_eks_cluster_auth.a.token}" };
    const stack = {
      provider: { kubernetes: [eks] },
      resource: {
        kubernetes_namespace_v1: { ns: { metadata: [{ name: "db" }], timeouts: { delete: "6m" } } },
        kubernetes_manifest: {
          site: { manifest: { metadata: { namespace: "${kubernetes_namespace_v1.ns.metadata[0].name}" } }, wait: { fields: {} }, timeouts: { create: "7m", update: "7m", delete: "6m" } },
        },
        // Default rollout wait: 10 minutes.
        kubernetes_deployment_v1: { app: { depends_on: ["kubernetes_manifest.site"], timeouts: { delete: "1m" } } },
      },
    };
    const report = analyzeStackWaits("s", stack);
    expect(report.worstCase.apply.kubernetes.minutes).toBe(17);
    expect(report.worstCase.apply.kubernetes.chain.map((w) => w.address)).toEqual(["kubernetes_manifest.site", "kubernetes_deployment_v1.app"]);
    expect(report.worstCase.destroy.kubernetes.minutes).toBe(13);
    expect(report.worstCase.destroy.kubernetes.chain.map((w) => w.address)).toEqual([
      "kubernetes_deployment_v1.app",
      "kubernetes_manifest.site",
      "kubernetes_namespace_v1.ns",
    ]);
    expect(credentialProblems({ s: stack }).map((p) => p.phase)).toEqual(["apply", "destroy"]);
  });

  test("more waiting resources than Terraform's parallelism add their share of the total", () => {
    const links = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`l${i}`, { wait: { fields: {} }, timeouts: { create: "5m", update: "5m", delete: "0s" } }]),
    );
    const stack = { provider: { kubernetes: [{ token: "${data.aws_eks_cluster_auth.a.token}" }] }, resource: { kubernetes_manifest: links } };
    // 11 links of 5 minutes, 10 at a time: 5 + 55 / 10.
    expect(analyzeStackWaits("s", stack).worstCase.apply.kubernetes.minutes).toBeCloseTo(10.5);
    expect(analyzeStackWaits("s", stack, 20).worstCase.apply.kubernetes.minutes).toBe(5);
  });

  test("helm waits for its timeout on install and uninstall; Services wait only as load balancers", () => {
    const helm = { kubernetes: { token: "${data.aws_eks_cluster_auth.a.token}" } };
    const stack = {
      provider: { helm: [helm] },
      resource: {
        helm_release: { r: { timeout: 600 } },
        kubernetes_service_v1: { plain: { spec: [{ type: "ClusterIP" }] } },
      },
    };
    const report = analyzeStackWaits("s", stack);
    expect(report.worstCase.apply.helm.minutes).toBe(10);
    expect(report.worstCase.destroy.helm.minutes).toBe(10);
    expect(providerCredentials(stack)).toEqual([{ provider: "helm", kind: "aws_eks_cluster_auth token", lifetime: 15 }]);
    const lb = { resource: { kubernetes_service_v1: { lb: { spec: [{ type: "LoadBalancer" }] } } }, provider: { kubernetes: [{}] } };
    expect(analyzeStackWaits("s", lb).worstCase).toMatchObject({ apply: { kubernetes: { minutes: 10 } }, destroy: { kubernetes: { minutes: 20 } } });
  });

  test("durations parse as Terraform writes them", () => {
    expect(durationMinutes("1h30m", 0)).toBe(90);
    expect(durationMinutes("90s", 0)).toBe(1.5);
    expect(durationMinutes(undefined, 10)).toBe(10);
    expect(durationMinutes("soon", 10)).toBe(10);
  });
});
