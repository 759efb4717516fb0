import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { parseMemoryBytes } from "../core/units";
import { checkDnsLabel, checkNamespace, fail, parseCpuMillis } from "../core/validation";

/** The production router requests (upstream advice: 2 CPU); the node-fit check counts them. */
export const DEFAULT_ROUTER_CPU_REQUEST = "2";
export const DEFAULT_ROUTER_MEMORY_REQUEST = "1Gi";

/** Sizing name SkupperSite selects unless told otherwise. */
export const DEFAULT_SKUPPER_ROUTER_SIZING = "cockroachdb";

export interface SkupperRouterSizingProps {
  readonly provider: KubernetesProvider;
  /**
   * The CONTROLLER's namespace (SkupperController.namespace): Skupper 2.2.1 watches sizing
   * ConfigMaps only there (controller.go: WatchConfigMaps(skupperSiteSizingConfig(),
   * config.Namespace, ...)); one in a site namespace is ignored.
   */
  readonly controllerNamespace: string;
  /**
   * The sizing's name: the `skupper.io/site-sizing` label value a Site selects with
   * `spec.settings.size`.
   * @default "cockroachdb"
   */
  readonly name?: string;
  /**
   * Router CPU request. Upstream advises 2 CPU for production; CockroachDB traffic is
   * encrypted twice (Skupper's mTLS around CockroachDB's own TLS).
   * @default "2"
   */
  readonly routerCpuRequest?: string;
  /**
   * Router CPU limit.
   * @default "2"
   */
  readonly routerCpuLimit?: string;
  /**
   * Router memory request.
   * @default "1Gi"
   */
  readonly routerMemoryRequest?: string;
  /**
   * Router memory limit.
   * @default "2Gi"
   */
  readonly routerMemoryLimit?: string;
}

/**
 * A router sizing profile (ConfigMap labelled `skupper.io/site-sizing: <name>`, keys
 * `router-cpu-request` etc., internal/kube/site/sizing/sizing.go). The controller applies it
 * when it reconciles a Site that names it in `spec.settings.size`; a change to the profile
 * reaches running routers at the Site's next reconcile, not at once.
 */
export class SkupperRouterSizing extends Construct {
  /** The value for SkupperSite's `routerSizing`. */
  public readonly sizingName: string;

  constructor(scope: Construct, id: string, props: SkupperRouterSizingProps) {
    super(scope, id);
    this.sizingName = checkDnsLabel("name", props.name ?? DEFAULT_SKUPPER_ROUTER_SIZING);
    const cpuRequest = props.routerCpuRequest ?? DEFAULT_ROUTER_CPU_REQUEST;
    const cpuLimit = props.routerCpuLimit ?? "2";
    const memoryRequest = props.routerMemoryRequest ?? DEFAULT_ROUTER_MEMORY_REQUEST;
    const memoryLimit = props.routerMemoryLimit ?? "2Gi";
    if (parseCpuMillis("routerCpuRequest", cpuRequest) > parseCpuMillis("routerCpuLimit", cpuLimit)) {
      fail("routerCpuRequest", cpuRequest, `It exceeds routerCpuLimit (${cpuLimit}); a request may not exceed its limit.`);
    }
    if (parseMemoryBytes("routerMemoryRequest", memoryRequest) > parseMemoryBytes("routerMemoryLimit", memoryLimit)) {
      fail("routerMemoryRequest", memoryRequest, `It exceeds routerMemoryLimit (${memoryLimit}); a request may not exceed its limit.`);
    }
    new ConfigMapV1(this, "config", {
      provider: props.provider,
      metadata: {
        name: `skupper-sizing-${this.sizingName}`,
        namespace: checkNamespace("controllerNamespace", props.controllerNamespace),
        labels: { "skupper.io/site-sizing": this.sizingName },
      },
      data: {
        "router-cpu-request": cpuRequest,
        "router-cpu-limit": cpuLimit,
        "router-memory-request": memoryRequest,
        "router-memory-limit": memoryLimit,
      },
    });
  }
}
