import { FINALIZER_FREE_DELETE_TIMEOUT } from "../core/credential-lifetimes";
import { Construct } from "constructs";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { StatefulSetV1 } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import {
  COCKROACH_GRPC_PORT,
  COCKROACH_HTTP_PORT,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_NAMESPACE,
  DatabaseSiteNames,
  joinAddresses,
  podNames,
} from "../core/naming";
import { parseMemoryBytes, parseStorageBytes } from "../core/units";
import { checkDnsLabel, checkDnsSubdomain, checkNamespace, checkPinnedImage, fail, parseCpuMillis } from "../core/validation";
import {
  COCKROACH_IMAGE,
  COCKROACH_METRICS_PATH,
  CERTIFICATE_REVISION_ANNOTATION,
  DATABASE_NODE_COMPONENT,
  DATA_DIR,
  DEFAULT_COCKROACH_CPU,
  DEFAULT_COCKROACH_MEMORY,
  METRICS_SERVICE_LABEL,
  DEFAULT_PUBLIC_SERVICE,
  NODE_CERTS_SECRET,
  certsVolumeMounts,
  certsVolumes,
  containerSecurityContext,
  labels,
  podSecurityContext,
  selectorLabels,
} from "./common";
import { terraformLiteral } from "../core/terraform-strings";
import { startScript, zoneLookupScript } from "./scripts";
import { checkNameFree, checkSites } from "./sites";

export interface CockroachLocality {
  /** First tier, e.g. "aws": replicas spread over clouds first, so losing one cloud is survivable. */
  readonly cloud: string;
  /** Second tier, e.g. "us-west-2". */
  readonly region: string;
  /**
   * Add a third tier `zone=<the node's topology.kubernetes.io/zone label>`, read by an init
   * container from the Kubernetes API (a ClusterRole that may only `get` nodes). Managed
   * clusters label their nodes; for clusters that do not, turn this off on EVERY site, as
   * every node must have the same locality keys in the same order.
   * @default true
   */
  readonly zoneFromNodeLabel?: boolean;
}

export interface CockroachStatefulSetProps {
  readonly provider: KubernetesProvider;
  /** This site; must appear in `sites`. */
  readonly siteName: string;
  /** Every database site of the cluster, this one included, in the same order on every site. */
  readonly sites: readonly DatabaseSiteNames[];
  readonly locality: CockroachLocality;
  /**
   * A literal or a NamespaceV1's `metadata.name` (which orders these objects after it).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** @default DEFAULT_CLUSTER_DOMAIN */
  readonly clusterDomain?: string;
  /** @default COCKROACH_IMAGE */
  readonly image?: string;
  /** CPU request and limit per pod. @default "4" */
  readonly cpu?: string;
  /** Memory request and limit per pod (CockroachDB advises 4 GiB per vCPU). @default "16Gi" */
  readonly memory?: string;
  /** @default "100Gi" */
  readonly storageSize?: string;
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Secret with `ca.crt`, `node.crt`, `node.key`. @default NODE_CERTS_SECRET */
  readonly nodeCertsSecretName?: string;
  /** @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /**
   * Extra annotations of the ServiceAccount, e.g. a cloud's workload identity binding
   * (`iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`).
   * @default none
   */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Extra labels of the pods (e.g. `azure.workload.identity/use`); they may not replace the
   * labels the construct sets, which select the pods.
   * @default none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * A value that changes whenever the node certificate (or the CA) in the Secret changes,
   * e.g. `Fn.sha256(certPem)`: put on the pod template, it rolls the nodes one at a time
   * after a renewal, each restarted only when the one before is Ready again.
   * @default none: renewed certificates are loaded at the next restart
   */
  readonly certificateRevision?: string;
}

const LOCALITY_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ZONE_LABEL = "topology.kubernetes.io/zone";
const MIB = 2 ** 20;
const ZONE_DIR = "/cockroach/locality";
const ZONE_FILE = `${ZONE_DIR}/zone`;
const API_CREDENTIALS_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The conventional annotations annotation-based Prometheus setups (the community chart's
 * `kubernetes-pods` job) scrape by. The endpoint is HTTPS with the cluster CA; such scrapers
 * need the CA or `insecure_skip_verify`. On the pods, not a Service, so each node is one target.
 */
export const PROMETHEUS_SCRAPE_ANNOTATIONS: Readonly<Record<string, string>> = {
  "prometheus.io/scrape": "true",
  "prometheus.io/scheme": "https",
  "prometheus.io/path": COCKROACH_METRICS_PATH,
  "prometheus.io/port": String(COCKROACH_HTTP_PORT),
};

/**
 * One site's CockroachDB nodes: the StatefulSet, its governing headless Service, a public
 * Service, one ClusterIP Service per pod (the `<pod>.<namespace>.svc.<domain>` name every
 * cluster dials; other clusters get the same name from Skupper Listeners), a join-list
 * ConfigMap, a PodDisruptionBudget, a ServiceAccount and, for the zone tier, a ClusterRole
 * that may read nodes.
 *
 * Terraform does not wait for the rollout: pods only become Ready after the one-time
 * `cockroach init` (CockroachClusterInit), which runs in a later stage.
 */
export class CockroachStatefulSet extends Construct {
  readonly name: string;
  readonly podNames: string[];
  readonly statefulSet: StatefulSetV1;
  readonly headlessService: ServiceV1;
  readonly publicService: ServiceV1;
  readonly podServices: ServiceV1[];
  /**
   * Every Service this construct creates (headless, public, one per pod): the names a
   * Skupper Listener must never take, i.e. SkupperPodExposure's `localServiceNames`.
   */
  readonly serviceNames: readonly string[];
  readonly joinConfigMap: ConfigMapV1;
  readonly podDisruptionBudget: PodDisruptionBudgetV1;
  readonly serviceAccount: ServiceAccountV1;
  /** Lets the zone lookup read node labels; undefined without the zone tier. */
  readonly nodeReaderRole?: ClusterRoleV1;
  /** Grants nodeReaderRole to the ServiceAccount; undefined without the zone tier. */
  readonly nodeReaderBinding?: ClusterRoleBindingV1;

  constructor(scope: Construct, id: string, props: CockroachStatefulSetProps) {
    super(scope, id);
    // Callers from JavaScript or a Helm habit may pass it; there is deliberately no insecure mode.
    const insecure = (props as { insecure?: unknown }).insecure;
    if (insecure !== undefined) {
      fail("insecure", insecure, "CockroachDB runs in secure mode only (TLS between nodes and clients, certificate authentication); remove the field.");
    }
    checkSites(props.sites);
    const site = props.sites.find((s) => s.siteName === props.siteName);
    if (!site) fail("siteName", props.siteName, `Use one of the sites listed in sites: ${props.sites.map((s) => s.siteName).join(", ")}.`);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const domain = checkDnsSubdomain("clusterDomain", props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const publicName = checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE);
    checkNameFree("publicServiceName", publicName, props.sites);
    for (const tier of ["cloud", "region"] as const) {
      if (!LOCALITY_VALUE.test(props.locality[tier] ?? "")) {
        fail(`locality.${tier}`, props.locality[tier], "Use letters, digits, '.', '_' or '-' (no ',' or '='), e.g. \"aws\" or \"us-west-2\".");
      }
    }
    const cpu = props.cpu ?? DEFAULT_COCKROACH_CPU;
    const cpuMillis = parseCpuMillis("cpu", cpu);
    const memory = props.memory ?? DEFAULT_COCKROACH_MEMORY;
    const memoryBytes = parseMemoryBytes("memory", memory);
    if (memoryBytes < 2 * 2 ** 30) fail("memory", memory, "Give each node at least \"2Gi\" (CockroachDB advises 4 GiB per vCPU).");
    const storageSize = props.storageSize ?? "100Gi";
    parseStorageBytes("storageSize", storageSize);
    const zone = props.locality.zoneFromNodeLabel ?? true;
    const podLabels = { ...(props.podLabels ?? {}) };

    this.name = site.statefulSetName;
    this.podNames = podNames(this.name, site.replicas);
    const selector = selectorLabels(this.name);
    for (const key of Object.keys(podLabels)) {
      if (key in labels(this.name, DATABASE_NODE_COMPONENT)) fail(`podLabels.${key}`, podLabels[key], "The construct sets this label to select its pods; use another key.");
    }
    const meta = (name: string) => ({ name, namespace, labels: labels(this.name, DATABASE_NODE_COMPONENT) });
    const provider = props.provider;
    const ports = [
      { name: "grpc", port: COCKROACH_GRPC_PORT, targetPort: String(COCKROACH_GRPC_PORT) },
      { name: "http", port: COCKROACH_HTTP_PORT, targetPort: String(COCKROACH_HTTP_PORT) },
    ];

    this.joinConfigMap = new ConfigMapV1(this, "join", {
      provider,
      metadata: meta(`${this.name}-join`),
      data: { join: joinAddresses(props.sites, namespace, domain).join(",") },
    });

    this.headlessService = new ServiceV1(this, "headless", {
      provider,
      metadata: { ...meta(this.name), labels: { ...labels(this.name, DATABASE_NODE_COMPONENT), [METRICS_SERVICE_LABEL]: "true" } },
      spec: { clusterIp: "None", publishNotReadyAddresses: true, selector, port: ports },
    });

    this.publicService = new ServiceV1(this, "public", {
      provider,
      metadata: meta(publicName),
      spec: { type: "ClusterIP", selector, port: ports },
    });

    // Not-ready addresses are published because a node is not Ready until it has joined,
    // and joining needs these very names.
    this.podServices = this.podNames.map(
      (pod) =>
        new ServiceV1(this, `pod-${pod}`, {
          provider,
          metadata: meta(pod),
          spec: {
            type: "ClusterIP",
            publishNotReadyAddresses: true,
            selector: { "statefulset.kubernetes.io/pod-name": pod },
            port: [ports[0]],
          },
        }),
    );
    this.serviceNames = [this.name, publicName, ...this.podNames];

    this.podDisruptionBudget = new PodDisruptionBudgetV1(this, "pdb", {
      provider,
      metadata: meta(this.name),
      spec: { maxUnavailable: "1", selector: { matchLabels: selector } },
    });

    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      provider,
      metadata: { ...meta(this.name), annotations: Object.keys(props.serviceAccountAnnotations ?? {}).length > 0 ? props.serviceAccountAnnotations : undefined },
      automountServiceAccountToken: false,
    });
    if (zone) {
      // Cluster-scoped names are shared by every namespace, hence the namespace in the name.
      const roleName = `${namespace}-${this.name}-read-nodes`;
      this.nodeReaderRole = new ClusterRoleV1(this, "node-reader", {
        provider,
        metadata: { name: roleName, labels: labels(this.name, DATABASE_NODE_COMPONENT) },
        rule: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
      });
      this.nodeReaderBinding = new ClusterRoleBindingV1(this, "node-reader-binding", {
        provider,
        metadata: { name: roleName, labels: labels(this.name, DATABASE_NODE_COMPONENT) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: this.nodeReaderRole.metadata.name },
        subject: [{ kind: "ServiceAccount", name: this.serviceAccount.metadata.name, namespace }],
      });
    }

    const quarterMiB = Math.floor(memoryBytes / 4 / MIB);
    const env = [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "COCKROACH_JOIN", valueFrom: { configMapKeyRef: { name: this.joinConfigMap.metadata.name, key: "join" } } },
      // The Go runtime would otherwise size itself to the node's CPUs, not the limit.
      { name: "GOMAXPROCS", value: String(Math.max(1, Math.ceil(cpuMillis / 1000))) },
    ];
    // Least privilege: only the zone lookup needs the Kubernetes API, so only it mounts a
    // token; the network-facing database process never needs the API and never holds one.
    const zoneLookup = {
      name: "zone-lookup",
      image,
      imagePullPolicy: "IfNotPresent",
      command: ["/bin/bash", "-c", terraformLiteral(zoneLookupScript({ serviceAccountDir: API_CREDENTIALS_DIR, zoneFile: ZONE_FILE }))],
      env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
      securityContext: containerSecurityContext,
      resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      volumeMount: [
        { name: "locality", mountPath: ZONE_DIR },
        { name: "kube-api", mountPath: API_CREDENTIALS_DIR, readOnly: true },
      ],
    };
    const zoneVolumes = [
      { name: "locality", emptyDir: {} },
      {
        name: "kube-api",
        projected: [
          {
            sources: [
              { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
              { configMap: [{ name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] }] },
            ],
          },
        ],
      },
    ];
    const resources = { cpu, memory };

    this.statefulSet = new StatefulSetV1(this, "statefulset", {
      provider,
      metadata: meta(this.name),
      // The StatefulSet names its ServiceAccount, not the binding, so Terraform would create
      // both at once; a zone lookup that ran first would get a 403, which curl does not retry.
      dependsOn: this.nodeReaderRole && this.nodeReaderBinding ? [this.nodeReaderRole, this.nodeReaderBinding] : undefined,
      waitForRollout: false,
      timeouts: { delete: FINALIZER_FREE_DELETE_TIMEOUT },
      spec: {
        serviceName: this.headlessService.metadata.name,
        replicas: String(site.replicas),
        podManagementPolicy: "Parallel",
        updateStrategy: [{ type: "RollingUpdate" }],
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...podLabels, ...labels(this.name, DATABASE_NODE_COMPONENT) },
            annotations: {
              ...PROMETHEUS_SCRAPE_ANNOTATIONS,
              ...(props.certificateRevision ? { [CERTIFICATE_REVISION_ANNOTATION]: props.certificateRevision } : {}),
            },
          },
          spec: {
            // Service links would inject an env var per Service (dozens with per-pod
            // Services) and a Service named "cockroach" would set COCKROACH_PORT.
            enableServiceLinks: false,
            serviceAccountName: this.serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 300,
            securityContext: podSecurityContext,
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: [{ matchLabels: selector }] },
                  },
                ],
              },
            },
            topologySpreadConstraint: [
              { maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: "ScheduleAnyway", labelSelector: [{ matchLabels: selector }] },
            ],
            initContainer: zone ? [zoneLookup] : undefined,
            container: [
              {
                name: "cockroachdb",
                image,
                imagePullPolicy: "IfNotPresent",
                command: [
                  "/bin/bash",
                  "-c",
                  terraformLiteral(
                    startScript({
                      namespace,
                      clusterDomain: domain,
                      locality: `cloud=${props.locality.cloud},region=${props.locality.region}`,
                      zoneFile: zone ? ZONE_FILE : undefined,
                      cacheMiB: quarterMiB,
                      maxSqlMemoryMiB: quarterMiB,
                    }),
                  ),
                ],
                env,
                port: [
                  { name: "grpc", containerPort: COCKROACH_GRPC_PORT },
                  { name: "http", containerPort: COCKROACH_HTTP_PORT },
                ],
                // No liveness probe: restarting a slow but healthy node hurts more than it helps.
                readinessProbe: {
                  httpGet: { path: "/health?ready=1", port: "http", scheme: "HTTPS" },
                  initialDelaySeconds: 10,
                  periodSeconds: 5,
                  failureThreshold: 2,
                },
                resources: { requests: resources, limits: resources },
                securityContext: containerSecurityContext,
                volumeMount: [
                  { name: "datadir", mountPath: DATA_DIR },
                  ...certsVolumeMounts,
                  ...(zone ? [{ name: "locality", mountPath: ZONE_DIR, readOnly: true }] : []),
                ],
              },
            ],
            volume: [...certsVolumes(props.nodeCertsSecretName ?? NODE_CERTS_SECRET), ...(zone ? zoneVolumes : [])],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: "datadir", labels: selector },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: storageSize } },
            },
          },
        ],
      },
    });
  }
}
