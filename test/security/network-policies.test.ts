import { defaultTopology, parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { Json, Synthesized, synthApp, values } from "../stacks/synth-app";
import { Pod, Source, SynthesizedPolicy, allowed } from "./network-policy-evaluator";

const NAMESPACE = "cockroachdb";

/**
 * Skupper 2.2.1's router pod labels, as its controller writes them into the router
 * Deployment's pod template (internal/kube/site/resources/skupper-router-deployment.yaml), and
 * the namespace-scoped controller's (scripts/skupper-deployment-generator.sh). Copied from the
 * source, not from lib/, so a wrong selector in lib/ fails here.
 */
const ROUTER_LABELS = {
  "app.kubernetes.io/name": "skupper-router",
  "app.kubernetes.io/part-of": "skupper",
  application: "skupper-router",
  "skupper.io/component": "router",
  "skupper.io/group": "skupper-router",
  "skupper.io/type": "site",
};
const CONTROLLER_LABELS = {
  "app.kubernetes.io/part-of": "skupper",
  application: "skupper-controller",
  "app.kubernetes.io/name": "skupper-controller",
  "skupper.io/component": "controller",
};

/** The platform stack writes the namespace as a reference to its NamespaceV1. */
function policiesOf(stack: Json): SynthesizedPolicy[] {
  return values(stack, "kubernetes_network_policy_v1").map((policy) => {
    const namespace: string = policy.metadata.namespace;
    expect(namespace).toBe("${kubernetes_namespace_v1.namespace.metadata[0].name}");
    return { namespace: NAMESPACE, spec: policy.spec };
  });
}

/** Pod template labels of every workload of one kind in a stack. */
function templateLabels(stack: Json, type: string): Array<Record<string, string>> {
  return values(stack, type).map((workload) => workload.spec.template.metadata.labels);
}

interface Cast {
  readonly sources: Record<string, Source>;
  readonly destinations: Record<string, { pod: Pod; ports: number[] }>;
}

/** Who is who in the first site (aws): pods from the synthesized workloads, plus outsiders. */
function castOf({ stacks }: Synthesized): Cast {
  const [node] = templateLabels(stacks["aws-database"], "kubernetes_stateful_set_v1");
  // The SQL client runs in the init site (gcp); its labels are the same in every site.
  const [client] = templateLabels(stacks["gcp-database"], "kubernetes_deployment_v1");
  const [init] = templateLabels(stacks["cluster-init"], "kubernetes_job_v1");
  const inNamespace = (labels: Record<string, string>): Pod => ({ namespace: NAMESPACE, labels });
  const pods = {
    "cockroachdb node": inNamespace(node),
    "sql client": inNamespace(client),
    "init job": inNamespace(init),
    "skupper router": inNamespace(ROUTER_LABELS),
    "skupper controller": inNamespace(CONTROLLER_LABELS),
    "other pod, same namespace": inNamespace({ app: "debug" }),
    "app in namespace shop": { namespace: "shop", labels: { app: "shop" } },
    "prometheus in monitoring": { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } },
  };
  return {
    sources: {
      ...Object.fromEntries(Object.entries(pods).map(([name, pod]) => [name, { pod }])),
      "internet 203.0.113.7": { ip: "203.0.113.7" },
      "office 198.51.100.9": { ip: "198.51.100.9" },
    },
    destinations: {
      // 1030: a port the controller may allocate to a Listener on the router.
      "cockroachdb node": { pod: pods["cockroachdb node"], ports: [26257, 8080] },
      "skupper router": { pod: pods["skupper router"], ports: [55671, 45671, 1030, 9090] },
      "skupper controller": { pod: pods["skupper controller"], ports: [9000] },
      "sql client": { pod: pods["sql client"], ports: [26257] },
    },
  };
}

/** "source -> destination:port" for every allowed pair. */
function reachability(synthesized: Synthesized): Record<string, string[]> {
  const policies = policiesOf(synthesized.stacks["aws-platform"]);
  const { sources, destinations } = castOf(synthesized);
  const table: Record<string, string[]> = {};
  for (const [sourceName, source] of Object.entries(sources)) {
    table[sourceName] = Object.entries(destinations).flatMap(([name, { pod, ports }]) =>
      ports.filter((port) => allowed(policies, source, pod, port)).map((port) => `${name}:${port}`),
    );
  }
  return table;
}

function topology(extra: Partial<TopologyFile>) {
  return parseTopology({ ...DEFAULT_TOPOLOGY_FILE, ...extra }, "test");
}

describe("NetworkPolicies of the database namespace, evaluated against the synthesized workloads", () => {
  test("by default: 26257 only from the database's pods and the router, 8080 from the namespace, links from anywhere", () => {
    expect(reachability(synthApp(defaultTopology()))).toEqual({
      "cockroachdb node": ["cockroachdb node:26257", "cockroachdb node:8080", "skupper router:55671", "skupper router:45671", "skupper router:1030", "skupper router:9090"],
      "sql client": ["cockroachdb node:26257", "cockroachdb node:8080", "skupper router:55671", "skupper router:45671", "skupper router:1030", "skupper router:9090"],
      "init job": ["cockroachdb node:26257", "cockroachdb node:8080", "skupper router:55671", "skupper router:45671", "skupper router:1030", "skupper router:9090"],
      "skupper router": ["cockroachdb node:26257", "cockroachdb node:8080", "skupper router:55671", "skupper router:45671"],
      "skupper controller": ["cockroachdb node:8080", "skupper router:55671", "skupper router:45671"],
      "other pod, same namespace": ["cockroachdb node:8080", "skupper router:55671", "skupper router:45671"],
      "app in namespace shop": ["skupper router:55671", "skupper router:45671"],
      "prometheus in monitoring": ["skupper router:55671", "skupper router:45671"],
      "internet 203.0.113.7": ["skupper router:55671", "skupper router:45671"],
      "office 198.51.100.9": ["skupper router:55671", "skupper router:45671"],
    });
  });

  test("the security options open exactly what they name", () => {
    const table = reachability(
      synthApp(
        topology({
          security: { sqlClientNamespaces: ["shop"], httpCidrs: ["198.51.100.0/24"], metricsNamespaces: ["monitoring"] },
        }),
      ),
    );
    expect(table["app in namespace shop"]).toEqual(["cockroachdb node:26257", "skupper router:55671", "skupper router:45671"]);
    expect(table["office 198.51.100.9"]).toEqual(["cockroachdb node:8080", "skupper router:55671", "skupper router:45671"]);
    expect(table["internet 203.0.113.7"]).toEqual(["skupper router:55671", "skupper router:45671"]);
    expect(table["prometheus in monitoring"]).toEqual([
      "cockroachdb node:8080",
      "skupper router:55671",
      "skupper router:45671",
      "skupper router:9090",
      "skupper controller:9000",
    ]);
  });

  test("every site's platform stack carries the same policies; security.networkPolicies: false removes them", () => {
    const { stacks } = synthApp(defaultTopology());
    const specs = ["aws", "gcp", "azure"].map((site) => policiesOf(stacks[`${site}-platform`]));
    expect(specs[0]).toHaveLength(3);
    expect(specs[1]).toEqual(specs[0]);
    expect(specs[2]).toEqual(specs[0]);
    const off = synthApp(topology({ security: { networkPolicies: false } }));
    for (const site of ["aws", "gcp", "azure"]) expect(values(off.stacks[`${site}-platform`], "kubernetes_network_policy_v1")).toEqual([]);
  });
});

describe("NetworkPolicy enforcement in each managed cloud", () => {
  test("is on by default: EKS VPC CNI agent before the nodes, GKE Dataplane V2, AKS Cilium", () => {
    const { stacks } = synthApp(defaultTopology());
    const aws = stacks["aws-cluster"];
    const vpcCni = values(aws, "aws_eks_addon").find((a) => a.addon_name === "vpc-cni");
    expect(JSON.parse(vpcCni.configuration_values)).toEqual({ enableNetworkPolicy: "true" });
    const [nodeGroup] = values(aws, "aws_eks_node_group");
    expect(nodeGroup.depends_on.some((d: string) => d.startsWith("aws_eks_addon.") && d.includes("vpc-cni"))).toBe(true);
    expect(values(stacks["gcp-cluster"], "google_container_cluster")[0].datapath_provider).toBe("ADVANCED_DATAPATH");
    const { network_profile: profile } = values(stacks["azure-cluster"], "azurerm_kubernetes_cluster")[0];
    expect([profile.network_plugin, profile.network_plugin_mode, profile.network_data_plane, profile.network_policy]).toEqual([
      "azure",
      "overlay",
      "cilium",
      "cilium",
    ]);
  });

  test("a site's networkPolicyEnforcement: false leaves that cluster as it was", () => {
    const file = {
      ...DEFAULT_TOPOLOGY_FILE,
      sites: DEFAULT_TOPOLOGY_FILE.sites.map((site) => ({ ...site, networkPolicyEnforcement: false })),
    };
    const { stacks } = synthApp(parseTopology(file, "test"));
    expect(values(stacks["aws-cluster"], "aws_eks_addon").map((a) => a.addon_name)).not.toContain("vpc-cni");
    expect(values(stacks["gcp-cluster"], "google_container_cluster")[0].datapath_provider).toBeUndefined();
    expect(values(stacks["azure-cluster"], "azurerm_kubernetes_cluster")[0].network_profile.network_policy).toBeUndefined();
  });
});
