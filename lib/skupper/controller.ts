import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import type { Release } from "@cdktf/provider-helm/lib/release";
import { requireOptionalPeer } from "../core/optional-peers";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkDuration } from "../core/units";
import { checkDnsLabel, checkNamespace, checkPinnedImage } from "../core/validation";
import { fail } from "../core/validation";
import { SKUPPER_ROUTER_VERSION, SKUPPER_VERSION, SKUPPER_WAIT_MINUTES, SkupperLinkAccessType, checkSkupperClusterHost, checkSkupperLinkAccess } from "./mesh";

export const SKUPPER_CHART_REPOSITORY = "oci://quay.io/skupper/helm";
export const SKUPPER_CHART = "skupper";
/** Where a cluster-scoped controller runs by default. */
export const DEFAULT_SKUPPER_CONTROLLER_NAMESPACE = "skupper";

/**
 * "namespace": the controller runs in the site namespace and watches only it, with a Role and
 * RoleBinding there (the 2.2.1 chart's `scope: namespace`: config/rbac/namespace, and
 * WATCH_NAMESPACE from the pod's own namespace). "cluster": it runs in a namespace of its own
 * and watches every namespace, through a ClusterRole with every verb on Secrets, pods/exec,
 * Roles and RoleBindings everywhere (config/rbac/cluster).
 */
export const SKUPPER_CONTROLLER_SCOPES = ["namespace", "cluster"] as const;
export type SkupperControllerScope = (typeof SKUPPER_CONTROLLER_SCOPES)[number];

export interface SkupperControllerProps {
  readonly provider: HelmProvider;
  /**
   * What the controller may see and change: only the site namespace, or every namespace.
   * @default "namespace"
   */
  readonly scope?: SkupperControllerScope;
  /**
   * Namespace of the controller; router sizing ConfigMaps must live here. With scope
   * "namespace" it is the site namespace (the Site, Connectors, Listeners, Links and their
   * Secrets), the only one the controller watches: pass the NamespaceV1's `metadata.name`
   * so the release installs after the namespace exists and uninstalls before it goes.
   * @default "cockroachdb" with scope "namespace", "skupper" with scope "cluster"
   */
  readonly namespace?: string;
  /**
   * Let Helm create the namespace (it never deletes it).
   * @default false with scope "namespace" (the site namespace holds your Secrets: create it first), true with scope "cluster"
   */
  readonly createNamespace?: boolean;
  /**
   * Helm release name.
   * @default "skupper"
   */
  readonly releaseName?: string;
  /**
   * Controller image, e.g. a mirror of the pinned one.
   * @default "quay.io/skupper/controller:2.2.1"
   */
  readonly controllerImage?: string;
  /**
   * Kube-adaptor (router sidecar) image.
   * @default "quay.io/skupper/kube-adaptor:2.2.1"
   */
  readonly kubeAdaptorImage?: string;
  /**
   * Router image.
   * @default "quay.io/skupper/skupper-router:3.5.1"
   */
  readonly routerImage?: string;
  /**
   * The link access of the Site in this cluster (SkupperSite `linkAccess`): the controller
   * rejects a Site whose access type it was not started with, so this enables it.
   * @default "loadbalancer"
   */
  readonly linkAccess?: SkupperLinkAccessType;
  /**
   * The IPv4 address or DNS name through which peers reach a node of this cluster; required
   * for, and only allowed with, `linkAccess: "nodeport"`. The controller refuses to enable
   * nodeport without it (chart value `clusterHost`, env SKUPPER_CLUSTER_HOST) and publishes it
   * with the NodePort as the Site's endpoints.
   * @default none
   */
  readonly clusterHost?: string;
  /**
   * Minutes Helm waits for the controller Deployment to become ready (install, upgrade) or
   * gone (uninstall); short enough to leave room in the 15-minute EKS token.
   * @default 5
   */
  readonly timeoutMinutes?: number;
}

/** Values keys of the 2.2.1 chart (scripts/skupper-helm-chart-generator.sh writes values.yaml). */
interface SkupperChartValues {
  readonly scope: SkupperControllerScope;
  readonly controllerImage: string;
  readonly kubeAdaptorImage: string;
  readonly routerImage: string;
  readonly enabledAccessTypes: string;
  readonly defaultAccessType: string;
  readonly clusterHost?: string;
}

/**
 * The Skupper 2.2.1 controller from its OCI Helm chart, namespace-scoped unless asked otherwise.
 *
 * Namespace scope: the chart renders the Deployment with WATCH_NAMESPACE set to its own
 * namespace, a Role and RoleBinding there (no ClusterRole) and a ConfigMap `skupper` that
 * names this controller, so a cluster-scoped controller elsewhere in the cluster leaves the
 * namespace alone (internal/kube/controller/namespaces.go). It reads router sizing
 * ConfigMaps and label templates from that same namespace.
 *
 * The chart starts the controller with `-enable-grants -grant-server-autoconfigure`, which
 * creates a SecuredAccess for the grant server with the DEFAULT access type. We link with
 * pre-issued certificates and never use grants, so the default is `local` (a ClusterIP
 * Service, no public load balancer) and Sites ask for their link access explicitly. Only
 * `local` and the Site's access type are enabled (`loadbalancer` always, for compatibility
 * with Sites created before linkAccess existed).
 *
 * Helm installs the chart's CRDs on install but never upgrades them: moving to another
 * Skupper version means applying its CRDs first, one site at a time (a controller restart
 * can drop connections in 2.2.1).
 */
export class SkupperController extends Construct {
  /** Namespace the controller runs in; pass it to SkupperRouterSizing. */
  public readonly namespace: string;
  public readonly scope: SkupperControllerScope;
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: SkupperControllerProps) {
    super(scope, id);
    this.scope = props.scope ?? "namespace";
    if (!SKUPPER_CONTROLLER_SCOPES.includes(this.scope)) {
      // The chart renders its controller only for these exact values: any other renders none.
      fail("scope", this.scope, `Use ${SKUPPER_CONTROLLER_SCOPES.map((s) => `"${s}"`).join(" or ")}.`);
    }
    const namespaceScoped = this.scope === "namespace";
    this.namespace = checkNamespace("namespace", props.namespace ?? (namespaceScoped ? DEFAULT_NAMESPACE : DEFAULT_SKUPPER_CONTROLLER_NAMESPACE));
    const defaultImages = {
      controllerImage: `quay.io/skupper/controller:${SKUPPER_VERSION}`,
      kubeAdaptorImage: `quay.io/skupper/kube-adaptor:${SKUPPER_VERSION}`,
      routerImage: `quay.io/skupper/skupper-router:${SKUPPER_ROUTER_VERSION}`,
    };
    const pinned = (field: keyof typeof defaultImages) => checkPinnedImage(field, props[field] ?? defaultImages[field], defaultImages[field]);
    const linkAccess = checkSkupperLinkAccess("linkAccess", props.linkAccess ?? "loadbalancer");
    if (linkAccess === "nodeport" && props.clusterHost === undefined) {
      fail("clusterHost", props.clusterHost, 'linkAccess "nodeport" needs the address peers dial: the IP or DNS name of a node (or of a proxy in front of the nodes).');
    }
    if (linkAccess !== "nodeport" && props.clusterHost !== undefined) {
      fail("clusterHost", props.clusterHost, `Only linkAccess "nodeport" uses a cluster host (this is "${linkAccess}"); remove clusterHost.`);
    }
    const enabledAccessTypes = ["local", "loadbalancer", ...(linkAccess === "nodeport" || linkAccess === "route" ? [linkAccess] : [])];
    const values: SkupperChartValues = {
      scope: this.scope,
      controllerImage: pinned("controllerImage"),
      kubeAdaptorImage: pinned("kubeAdaptorImage"),
      routerImage: pinned("routerImage"),
      enabledAccessTypes: enabledAccessTypes.join(","),
      defaultAccessType: "local",
      ...(props.clusterHost === undefined ? {} : { clusterHost: checkSkupperClusterHost("clusterHost", props.clusterHost) }),
    };
    // helm is an optional peer: loaded here so that importing this module does not need it.
    const { Release: HelmRelease }: typeof import("@cdktf/provider-helm/lib/release") = requireOptionalPeer("SkupperController", "@cdktf/provider-helm", () =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("@cdktf/provider-helm/lib/release"),
    );
    this.release = new HelmRelease(this, "release", {
      provider: props.provider,
      name: checkDnsLabel("releaseName", props.releaseName ?? "skupper", 53),
      repository: SKUPPER_CHART_REPOSITORY,
      chart: SKUPPER_CHART,
      version: SKUPPER_VERSION,
      namespace: this.namespace,
      createNamespace: props.createNamespace ?? !namespaceScoped,
      // JSON is YAML; one document keeps every value's type exact (no --set string coercion).
      values: [JSON.stringify(values)],
      wait: true,
      // Helm takes seconds.
      timeout: checkDuration("timeoutMinutes", props.timeoutMinutes ?? 5, "minutes", SKUPPER_WAIT_MINUTES) * 60,
    });
  }
}
