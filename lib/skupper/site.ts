import { FINALIZER_FREE_DELETE_MINUTES } from "../core/credential-lifetimes";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { DataKubernetesResource } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resource";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkDuration, goDuration } from "../core/units";
import { checkDnsLabel, checkNamespace } from "../core/validation";
import { SKUPPER_API_VERSION, SKUPPER_WAIT_MINUTES, SkupperLinkAccessType, acceptsLinks, checkSkupperLinkAccess, checkSkupperSiteName, skupperRouterGroups } from "./mesh";
import { DEFAULT_SKUPPER_ROUTER_SIZING } from "./router-sizing";

export interface SkupperSiteProps {
  readonly provider: KubernetesProvider;
  /** The Site's name; must match the CN of the pre-created site CA (`<siteName> site CA`). */
  readonly siteName: string;
  /**
   * The site namespace, the same in every site.
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /**
   * Name of the router sizing profile (SkupperRouterSizing.sizingName) for `settings.size`.
   * @default "cockroachdb"
   */
  readonly routerSizing?: string;
  /**
   * Two active routers, each with its own load balancer (and its own Link from every peer).
   * @default false
   */
  readonly ha?: boolean;
  /**
   * How peers reach this site's router: `loadbalancer`, `nodeport` (the controller must be
   * started with the cluster host, SkupperController `clusterHost`), `route` (OpenShift) or
   * `none` (the site only dials out; no peer may be planned to dial it).
   * @default "loadbalancer"
   */
  readonly linkAccess?: SkupperLinkAccessType;
  /**
   * How long create/update waits for the Site to be Ready, which includes the cloud
   * provisioning the load balancer (a minute or two). Within the 15-minute EKS token with
   * room for the other waits of its stack: a create that times out leaves the Site tainted,
   * and replacing a Site makes the controller delete the site CA Secret.
   * @default 10
   */
  readonly readyTimeoutMinutes?: number;
  /**
   * How long destroy waits for the Site object to be gone (it has no finalizer).
   * @default 2
   */
  readonly deleteTimeoutMinutes?: number;
}

/**
 * The Skupper Site of one cluster, with link access through a cloud load balancer (or a
 * NodePort, an OpenShift Route, or none), waited on until Ready; its link endpoints are read
 * back for the peers that dial it.
 *
 * Needs, a stage earlier (platform stack): the controller (SkupperController), the CA
 * Secret (SkupperSiteCaSecret), the sizing profile (SkupperRouterSizing) and, for
 * annotations on the router's load balancer, SkupperRouterServiceTemplate.
 *
 * Destroy: Terraform deletes the Site and waits until the Site object is gone (the
 * kubernetes provider's kubernetes_manifest delete polls until NotFound; Skupper 2.2.1 puts
 * no finalizer on it). The controller's objects hang off the Site through ownerReferences
 * WITHOUT blockOwnerDeletion (Site -> RouterAccess -> SecuredAccess -> LoadBalancer Service),
 * so Kubernetes garbage-collects them in the background: the cloud load balancer may still
 * exist when this resource is gone, and even a foreground deletion would not wait for it.
 * The barrier is therefore the namespace: the platform stack must own the site namespace as
 * a kubernetes_namespace_v1 (whose delete waits until the namespace is gone; a destroy that
 * times out there resumes when run again). A namespace finishes terminating only after the Service's
 * `service.kubernetes.io/load-balancer-cleanup` finalizer is removed, i.e. after the cloud
 * deleted the load balancer, so the cluster stack's network is free before it is destroyed.
 * Load balancers run by an in-cluster controller (AWS Load Balancer Controller, finalizer
 * `service.k8s.aws/resources`) additionally need that controller alive until then.
 */
export class SkupperSite extends Construct {
  public readonly siteName: string;
  public readonly namespace: string;
  /** The router groups; a peer makes one Link per group (SkupperLink `targetHa`). */
  public readonly routerGroups: readonly string[];
  public readonly site: Manifest;
  /** The Site as read back after it became Ready, status included. */
  public readonly resource: DataKubernetesResource;
  /**
   * `Site.status.endpoints` as a JSON-encoded string: a list of `{name, host, port, group}`
   * with `port` a string, for SkupperLink's `targetLinkEndpoints`. A string crosses a stack
   * boundary as a plain output, whatever the number of endpoints.
   */
  public readonly linkEndpoints: string;
  public readonly linkAccess: SkupperLinkAccessType;

  constructor(scope: Construct, id: string, props: SkupperSiteProps) {
    super(scope, id);
    this.siteName = checkSkupperSiteName("siteName", props.siteName);
    this.namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const ha = props.ha ?? false;
    this.linkAccess = checkSkupperLinkAccess("linkAccess", props.linkAccess ?? "loadbalancer");
    const inbound = acceptsLinks(this.linkAccess);
    this.routerGroups = skupperRouterGroups(ha);
    const readyTimeout = goDuration(checkDuration("readyTimeoutMinutes", props.readyTimeoutMinutes ?? 10, "minutes", SKUPPER_WAIT_MINUTES), "minutes");
    const deleteTimeout = goDuration(checkDuration("deleteTimeoutMinutes", props.deleteTimeoutMinutes ?? FINALIZER_FREE_DELETE_MINUTES, "minutes", SKUPPER_WAIT_MINUTES), "minutes");

    const metadata = { name: this.siteName, namespace: this.namespace };
    this.site = new Manifest(this, "site", {
      provider: props.provider,
      manifest: {
        apiVersion: SKUPPER_API_VERSION,
        kind: "Site",
        metadata,
        spec: {
          linkAccess: this.linkAccess,
          ha,
          settings: { size: checkDnsLabel("routerSizing", props.routerSizing ?? DEFAULT_SKUPPER_ROUTER_SIZING) },
        },
      },
      wait: { fields: readyFields(ha && inbound) },
      timeouts: { create: readyTimeout, update: readyTimeout, delete: deleteTimeout },
    });
    // The manifest resource's `object` drops status (it is not in the configuration); the
    // data source returns the live object. Depending on the Site defers the read until the
    // Site is Ready whenever the Site changes.
    this.resource = new DataKubernetesResource(this, "live", {
      provider: props.provider,
      apiVersion: SKUPPER_API_VERSION,
      kind: "Site",
      metadata,
      dependsOn: [this.site],
    });
    // A local, so that what crosses to another stack is this string: a reference into the
    // data source would make cdktf export the whole Site object and encode it over there.
    // A site without link access publishes no endpoints (and the status has no such key).
    const endpoints = inbound ? Fn.jsonencode(Fn.lookupNested(this.resource.object, ["status", "endpoints"])) : "[]";
    this.linkEndpoints = new TerraformLocal(this, "link-endpoints", endpoints).asString;
  }
}

/**
 * Ready means Configured, Running and Resolved (at least one endpoint; without link access
 * only the first two) - Site.requiredConditions() in pkg/apis/skupper/v2alpha1. For HA both groups must be resolved, which Ready alone does
 * not promise: wait for a fourth endpoint (each group publishes inter-router and edge).
 */
function readyFields(ha: boolean): Record<string, string> {
  const fields: Record<string, string> = { "status.status": "^Ready$" };
  if (ha) fields["status.endpoints[3].host"] = "^.+$";
  return fields;
}
