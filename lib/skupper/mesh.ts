/**
 * Pure planning and validation for the Skupper network: which site dials which, and the
 * input rules every Skupper construct relies on. Facts are from Skupper 2.2.1's controller
 * (internal/kube/site/site.go, internal/kube/certificates/mgr.go).
 */
import type { DurationRange } from "../core/units";
import { checkDnsLabel, checkDnsSubdomain, checkUniqueNames, fail } from "../core/validation";

/** The Skupper release these constructs are written and tested against. */
export const SKUPPER_VERSION = "2.2.1";
/** The skupper-router image tag Skupper 2.2.1 ships with (its Makefile's ROUTER_IMAGE_TAG). */
export const SKUPPER_ROUTER_VERSION = "3.5.1";

/** API group/version of the Skupper 2.2.1 CRDs. */
export const SKUPPER_API_VERSION = "skupper.io/v2alpha1";

/**
 * What the Skupper constructs accept as a wait (`readyTimeoutMinutes`, `deleteTimeoutMinutes`,
 * the controller's `timeoutMinutes`); the stacks keep each wait inside their credential's lifetime.
 */
export const SKUPPER_WAIT_MINUTES: DurationRange = { min: 1, max: 1440 };

/** The Secret the controller uses as a Site's CA (`defaultIssuer`); pre-created by us. */
export const SKUPPER_SITE_CA_SECRET = "skupper-site-ca";

/** Router port for links between interior routers, as RouterAccess `skupper-router` publishes it. */
export const SKUPPER_INTER_ROUTER_PORT = 55671;
/** Router port for links from edge sites. */
export const SKUPPER_EDGE_PORT = 45671;

/**
 * Labels every router pod of a Site carries: the controller's router Deployment selects its
 * pods by exactly this (internal/kube/site/resources/skupper-router-deployment.yaml, 2.2.1).
 */
export const SKUPPER_ROUTER_POD_SELECTOR: Readonly<Record<string, string>> = { "skupper.io/component": "router" };
/**
 * The router pod's other ports (same file): 9090 the router's health and metrics (kubelet
 * probes, Prometheus), 9000 the kube-adaptor's metrics, 9191 its health, 5671 AMQP which only
 * the kube-adaptor in the same pod uses over loopback.
 */
export const SKUPPER_ROUTER_METRICS_PORTS = [9090, 9000] as const;

/** X.509 upper bound for a subject common name (RFC 5280 ub-common-name). */
const MAX_COMMON_NAME = 64;
const CA_SUFFIX = " site CA";
/** Longest site name whose `<name> site CA` still fits in a common name. */
export const MAX_SKUPPER_SITE_NAME = MAX_COMMON_NAME - CA_SUFFIX.length;

/**
 * The CN the controller demands of a user-provided site CA: it regenerates `skupper-site-ca`
 * unless the certificate's CN is exactly this and it has no SANs (isSecretCorrect in
 * internal/kube/certificates/mgr.go), and the Site's name is its `metadata.name`.
 */
export function skupperSiteCaCommonName(siteName: string): string {
  return `${siteName}${CA_SUFFIX}`;
}

/**
 * A Skupper site name must be a Kubernetes object name (we use it for the Site and in Secret
 * and Link names, so an RFC 1123 label) and `<name> site CA` must fit a 64-character CN.
 */
export function checkSkupperSiteName(field: string, siteName: string): string {
  checkDnsLabel(field, siteName);
  if (skupperSiteCaCommonName(siteName).length > MAX_COMMON_NAME) {
    fail(
      field,
      siteName,
      `The site CA's common name "${skupperSiteCaCommonName(siteName)}" would exceed the ${MAX_COMMON_NAME} characters X.509 allows; use a site name of at most ${MAX_SKUPPER_SITE_NAME} characters.`,
    );
  }
  return siteName;
}

/**
 * Names of a Site's router groups, as the controller names them (Site.groups() in
 * internal/kube/site/site.go). Each group gets its own LoadBalancer Service, named after the
 * group, and its endpoints carry the group name; an HA site has two.
 */
export function skupperRouterGroups(ha: boolean): string[] {
  return ha ? ["skupper-router", "skupper-router-2"] : ["skupper-router"];
}

/** One link of the mesh: a Link in `from`'s cluster dialling `to`'s router. */
export interface SkupperLinkPlan {
  readonly from: string;
  readonly to: string;
}

function checkUniqueSiteNames(field: (i: number) => string, names: readonly string[]): void {
  names.forEach((name, i) => checkSkupperSiteName(field(i), name));
  checkUniqueNames(field, names, "Site names must be unique");
}

/** "full": a link per pair of sites; "partial": a sparse mesh whose routers forward across sites. */
export type SkupperMeshShape = "full" | "partial";

/** Up to this many sites the app links every pair; above it, a partial mesh (see planLinks). */
export const FULL_MESH_MAX_SITES = 12;

export interface PlanLinksOptions {
  /**
   * @default "full"
   */
  readonly shape?: SkupperMeshShape;
  /**
   * What fails together, by site name: e.g. the cloud of each site. A partial mesh stays
   * connected when every site of any one failure domain is lost.
   * @default every site its own failure domain
   */
  readonly failureDomains?: Readonly<Record<string, string>>;
}

/**
 * How peers reach a Site's router (`Site.spec.linkAccess`), as far as Skupper 2.2.1 supports
 * it here: `loadbalancer` (a LoadBalancer Service per router group), `nodeport` (a NodePort
 * Service; the controller publishes its cluster host, which it must be started with), `route`
 * (an OpenShift Route, TLS passthrough; only where the route API exists) or `none` (no inbound
 * access: the site only dials out). The controller also knows ingress, contour and gateway
 * types, which need per-cluster controllers and domains this project does not configure.
 */
export const SKUPPER_LINK_ACCESS_TYPES = ["loadbalancer", "nodeport", "route", "none"] as const;
export type SkupperLinkAccessType = (typeof SKUPPER_LINK_ACCESS_TYPES)[number];

export function checkSkupperLinkAccess(field: string, value: SkupperLinkAccessType): SkupperLinkAccessType {
  if (!SKUPPER_LINK_ACCESS_TYPES.includes(value)) {
    fail(field, value, `Use one of ${SKUPPER_LINK_ACCESS_TYPES.map((t) => `"${t}"`).join(", ")}.`);
  }
  return value;
}

/** Whether peers can dial a site with this link access. */
export function acceptsLinks(linkAccess: SkupperLinkAccessType): boolean {
  return linkAccess !== "none";
}

/**
 * The host peers dial for a `nodeport` site: an IPv4 address or a DNS name of a node (or of
 * something in front of the nodes). The controller publishes it verbatim as the Site's
 * endpoint host and the router's server certificate gets it as a SAN.
 */
export function checkSkupperClusterHost(field: string, host: string): string {
  if (typeof host === "string" && /^[0-9.]+$/.test(host)) {
    const octets = host.split(".");
    if (octets.length !== 4 || octets.some((o) => o === "" || Number(o) > 255 || (o.length > 1 && o.startsWith("0")))) {
      fail(field, host, 'Use an IPv4 address such as "192.0.2.10" or a DNS name such as "node1.example.com".');
    }
    return host;
  }
  return checkDnsSubdomain(field, host);
}

/** A site as planLinks sees it. */
export interface SkupperMeshMember {
  readonly siteName: string;
  /**
   * Whether peers can dial this site (its linkAccess is not `none`).
   * @default true
   */
  readonly acceptsLinks?: boolean;
}

/**
 * Which site dials which. Direction rule: the site whose name sorts first (JavaScript code-unit
 * order) dials the other, unless the other accepts no links (linkAccess `none`); then the other
 * dials. It depends only on the two sites, so reordering the topology never flips a link (which
 * would delete and recreate it); changing a site's link access to or from `none` flips only its
 * own links. A link carries traffic both ways, so one per pair suffices. Two linked sites that
 * both accept no links cannot be joined: that fails naming both.
 *
 * "full": one link per pair, N(N-1)/2 in all; every pod is one router hop away, and adding a
 * site never touches an existing link.
 *
 * "partial": Skupper routers forward traffic over several links, so the sites need not be
 * linked pairwise. The sites stand on a ring, ordered by failure domain and then name, and each
 * links to the sites 1, 2, 4, 8, ... places further on (jumps below N/2): about N log2(N/2)
 * links, at most about log2(N) hops between any two sites. Losing one site, or every site of one
 * failure domain (a contiguous arc of the ring), leaves the rest on a path of the ring joined by
 * the 1-jumps, so the network stays connected. The cost: traffic between sites without a link
 * of their own crosses other sites' routers (more latency), and adding or removing a site moves
 * some links, which deletes and recreates them.
 */
export function planLinks(sites: readonly (string | SkupperMeshMember)[], options: PlanLinksOptions = {}): SkupperLinkPlan[] {
  const members = sites.map((s) => (typeof s === "string" ? { siteName: s, acceptsLinks: true } : { acceptsLinks: true, ...s }));
  const names = members.map((m) => m.siteName);
  checkUniqueSiteNames((i) => `siteNames[${i}]`, names);
  const sorted = [...names].sort(compare);
  const pairs = options.shape === "partial" ? partialMeshPairs(sorted, options.failureDomains ?? {}) : fullMeshPairs(sorted);
  const accepts = (name: string) => members[names.indexOf(name)].acceptsLinks;
  return pairs
    .map(([a, b]): [string, string] => (a < b ? [a, b] : [b, a]))
    .sort(([a1, b1], [a2, b2]) => compare(a1, a2) || compare(b1, b2))
    .map(([first, second]): SkupperLinkPlan => {
      if (accepts(second)) return { from: first, to: second };
      if (accepts(first)) return { from: second, to: first };
      return fail(
        `siteNames[${names.indexOf(second)}]`,
        second,
        `Sites "${first}" and "${second}" both accept no links (linkAccess "none"), so neither can dial the other; give one of them inbound link access (loadbalancer, nodeport or route).`,
      );
    });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every pair, in the order of `sorted`. */
function fullMeshPairs(sorted: readonly string[]): Array<[string, string]> {
  return sorted.flatMap((a, i) => sorted.slice(i + 1).map((b): [string, string] => [a, b]));
}

function partialMeshPairs(siteNames: readonly string[], failureDomains: Readonly<Record<string, string>>): Array<[string, string]> {
  const domain = (name: string) => failureDomains[name] ?? name;
  const ring = [...siteNames].sort((a, b) => compare(domain(a), domain(b)) || compare(a, b));
  const n = ring.length;
  const pairs = new Map<string, [string, string]>();
  for (let jump = 1; jump === 1 || 2 * jump < n; jump *= 2) {
    for (let i = 0; i < n && jump < n; i++) {
      const [a, b] = [ring[i], ring[(i + jump) % n]];
      pairs.set(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`, [a, b]);
    }
  }
  return [...pairs.values()];
}

/** What validateMesh needs to know of a site. */
export interface SkupperMeshSite {
  readonly siteName: string;
  /** The namespace the database and the Skupper Site live in. */
  readonly namespace: string;
  /** The site's database pods; each is exposed to every other site under its own name. */
  readonly podNames: readonly string[];
}

/**
 * Checks the cross-site contract before anything is synthesized: unique site names that can
 * name a Site and its CA, one namespace everywhere (pods are dialled as
 * `<pod>.<namespace>.svc` in every cluster), and pod names unique across the mesh (each is a
 * Service and a routing key in every cluster).
 */
export function validateMesh(sites: readonly SkupperMeshSite[]): void {
  if (!sites || sites.length === 0) fail("sites", sites, "List at least one Skupper site.");
  checkUniqueSiteNames((i) => `sites[${i}].siteName`, sites.map((s) => s.siteName));
  const namespace = checkDnsLabel("sites[0].namespace", sites[0].namespace);
  const podOwner = new Map<string, string>();
  sites.forEach((site, i) => {
    checkDnsLabel(`sites[${i}].namespace`, site.namespace);
    if (site.namespace !== namespace) {
      fail(
        `sites[${i}].namespace`,
        site.namespace,
        `Every site must use the same namespace as sites[0] ("${namespace}"): pods are dialled as <pod>.<namespace>.svc in every cluster.`,
      );
    }
    site.podNames.forEach((pod, j) => {
      const field = `sites[${i}].podNames[${j}]`;
      checkDnsLabel(field, pod);
      const owner = podOwner.get(pod);
      if (owner !== undefined) {
        fail(field, pod, `Pod names must be unique across sites; ${owner} already has this pod. Give each site its own StatefulSet name.`);
      }
      podOwner.set(pod, `site "${site.siteName}"`);
    });
  });
}
