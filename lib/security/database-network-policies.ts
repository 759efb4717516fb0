import { Construct } from "constructs";
import { NetworkPolicyV1, NetworkPolicyV1SpecIngress, NetworkPolicyV1SpecIngressFrom } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { COCKROACH_GRPC_PORT, COCKROACH_HTTP_PORT, DEFAULT_NAMESPACE } from "../core/naming";
import { checkNamespace, parseIpv4Cidr } from "../core/validation";
import { DATABASE_NODE_COMPONENT, DATABASE_POD_LABELS } from "../database/common";
import { SKUPPER_EDGE_PORT, SKUPPER_INTER_ROUTER_PORT, SKUPPER_ROUTER_METRICS_PORTS, SKUPPER_ROUTER_POD_SELECTOR } from "../skupper/mesh";

export interface DatabaseNetworkPoliciesProps {
  readonly provider: KubernetesProvider;
  /**
   * The database namespace (a literal or a NamespaceV1's `metadata.name`).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /**
   * Namespaces whose pods may open SQL connections (26257), e.g. your applications'.
   * @default none: only the database's own pods (nodes, SQL client, Jobs) and the Skupper router
   */
  readonly sqlClientNamespaces?: readonly string[];
  /**
   * Source CIDRs that may open SQL connections (26257), e.g. a VPN or a peered VPC.
   * @default none
   */
  readonly sqlClientCidrs?: readonly string[];
  /**
   * Source CIDRs that may reach the DB Console and health endpoints (8080) besides the namespace.
   * @default none
   */
  readonly httpCidrs?: readonly string[];
  /**
   * Namespaces whose pods may scrape metrics: CockroachDB on 8080, the router on 9090 and
   * the kube-adaptor and controller on 9000 (e.g. where Prometheus runs).
   * @default none
   */
  readonly metricsNamespaces?: readonly string[];
}

const SKUPPER_CONTROLLER_POD_SELECTOR = { "app.kubernetes.io/name": "skupper-controller" };
/** The label Kubernetes (>= 1.22) puts on every namespace: select namespaces by name with it. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Ingress rules for the database namespace: everything is denied unless listed here.
 *
 * - CockroachDB nodes: 26257 (RPC and SQL) only from the database's own pods (other nodes of
 *   the site, the SQL client, the init and other Jobs: all carry `app.kubernetes.io/name:
 *   cockroachdb`) and from the Skupper router, which carries every remote node's and client's
 *   traffic into the site (Connectors); 8080 (DB Console, health, metrics) from the namespace.
 * - Skupper router: the link ports (inter-router 55671, edge 45671) from anywhere: peers
 *   arrive through the cloud load balancer, whose source ranges and the link's mutual TLS
 *   restrict them, and a load balancer may rewrite the source address. Every port from the
 *   database's pods: a Listener's Service targets a port the controller allocates anywhere in
 *   1024-65535 (internal/ports/ports.go), so no narrower list would be stable.
 * - Everything else in the namespace (the controller when namespace-scoped, any other pod)
 *   gets nothing: no one dials the controller (grants are not used) and the kube-adaptor
 *   talks to its router over loopback, which policies do not govern.
 *
 * Egress stays open (DNS, the API server, peers' load balancers, backups). Kubelet probes come
 * from the node, which the supported engines (VPC CNI agent, Cilium, Azure) always allow.
 * Policies only act where the cluster enforces them: each managed site turns enforcement on.
 */
export class DatabaseNetworkPolicies extends Construct {
  readonly policies: NetworkPolicyV1[];

  constructor(scope: Construct, id: string, props: DatabaseNetworkPoliciesProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const namespacesFrom = (field: string, names: readonly string[] | undefined): NetworkPolicyV1SpecIngressFrom[] => {
      const checked = (names ?? []).map((name, i) => checkNamespace(`${field}[${i}]`, name));
      return checked.length === 0 ? [] : [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: checked }] } }];
    };
    const cidrsFrom = (field: string, cidrs: readonly string[] | undefined): NetworkPolicyV1SpecIngressFrom[] =>
      (cidrs ?? []).map((cidr, i) => {
        parseIpv4Cidr(`${field}[${i}]`, cidr);
        return { ipBlock: { cidr } };
      });
    const tcp = (...ports: number[]) => ports.map((port) => ({ port: String(port), protocol: "TCP" }));
    const metricsFrom = namespacesFrom("metricsNamespaces", props.metricsNamespaces);
    const databasePods: NetworkPolicyV1SpecIngressFrom = { podSelector: { matchLabels: { ...DATABASE_POD_LABELS } } };
    const namespacePods: NetworkPolicyV1SpecIngressFrom = { podSelector: {} };

    const policy = (name: string, podSelector: Record<string, string>, ingress: NetworkPolicyV1SpecIngress[]) =>
      new NetworkPolicyV1(this, name, {
        provider: props.provider,
        metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "cockroachdb", "app.kubernetes.io/managed-by": "cdktf" } },
        spec: { podSelector: { matchLabels: podSelector }, policyTypes: ["Ingress"], ingress: ingress.length > 0 ? ingress : undefined },
      });

    this.policies = [
      // Selects every pod and allows nothing: the baseline the policies below open up.
      policy("default-deny-ingress", {}, []),
      policy("cockroachdb-nodes", { ...DATABASE_POD_LABELS, "app.kubernetes.io/component": DATABASE_NODE_COMPONENT }, [
        {
          ports: tcp(COCKROACH_GRPC_PORT),
          from: [
            databasePods,
            { podSelector: { matchLabels: { ...SKUPPER_ROUTER_POD_SELECTOR } } },
            ...namespacesFrom("sqlClientNamespaces", props.sqlClientNamespaces),
            ...cidrsFrom("sqlClientCidrs", props.sqlClientCidrs),
          ],
        },
        { ports: tcp(COCKROACH_HTTP_PORT), from: [namespacePods, ...cidrsFrom("httpCidrs", props.httpCidrs), ...metricsFrom] },
      ]),
      policy("skupper-router", SKUPPER_ROUTER_POD_SELECTOR, [
        { ports: tcp(SKUPPER_INTER_ROUTER_PORT, SKUPPER_EDGE_PORT) },
        { from: [databasePods] },
        ...(metricsFrom.length > 0 ? [{ ports: tcp(...SKUPPER_ROUTER_METRICS_PORTS), from: metricsFrom }] : []),
      ]),
      ...(metricsFrom.length > 0 ? [policy("skupper-controller-metrics", SKUPPER_CONTROLLER_POD_SELECTOR, [{ ports: tcp(9000), from: metricsFrom }])] : []),
    ];
  }
}
