/**
 * Pure planning and validation for the Skupper network: which site dials which, and the
 * input rules every Skupper construct relies on. Facts are from Skupper 2.2.1's controller
 * (internal/kube/site/site.go, internal/kube/certificates/mgr.go).
 */
import { checkDnsLabel, checkDnsSubdomain, checkUniqueNames, fail } from "../core/validation";

/** The Skupper release these constructs are written and tested against. */
export const SKUPPER_VERSION = "2.2.1";
/** The skupper-router image tag Skupper 2.2.1 ships with (its Makefile's ROUTER_IMAGE_TAG). */
export const SKUPPER_ROUTER_VERSION = "3.5.1";

/** API group/version of the Skupper 2.2.1 CRDs. */
export const SKUPPER_API_VERSION = "skupper.io/v2alpha1";

/** The Secret the controller uses as a Site's CA (`defaultIssuer`); pre-created by us. */
export const SKUPPER_SITE_CA_SECRET = "skupper-site-ca";

/** Router port for links between interior routers, as RouterAccess `skupper-router` publishes it. */
export const SKUPPER_INTER_ROUTER_PORT = 55671;
/** Router port for links from edge sites. */
export const SKUPPER_EDGE_PORT = 45671;

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
 * The full mesh: one link per pair of sites, N(N-1)/2 in all. Direction rule: the site whose
 * name sorts first (JavaScript code-unit order) dials the other, unless the other accepts no
 * links (linkAccess `none`); then the other dials. It depends only on the two sites, so
 * reordering the topology or adding a site never flips an existing link (which would delete
 * and recreate it); changing a site's link access to or from `none` flips only its own links.
 * A link carries traffic both ways, so one per pair suffices. Two sites that both accept no
 * links cannot be joined: that fails naming both.
 */
export function planLinks(sites: readonly (string | SkupperMeshMember)[]): SkupperLinkPlan[] {
  const members = sites.map((s) => (typeof s === "string" ? { siteName: s, acceptsLinks: true } : { acceptsLinks: true, ...s }));
  checkUniqueSiteNames((i) => `siteNames[${i}]`, members.map((m) => m.siteName));
  const sorted = [...members].sort((a, b) => (a.siteName < b.siteName ? -1 : a.siteName > b.siteName ? 1 : 0));
  const links: SkupperLinkPlan[] = [];
  sorted.forEach((first, i) =>
    sorted.slice(i + 1).forEach((second) => {
      if (second.acceptsLinks) links.push({ from: first.siteName, to: second.siteName });
      else if (first.acceptsLinks) links.push({ from: second.siteName, to: first.siteName });
      else {
        fail(
          `siteNames[${members.indexOf(second)}]`,
          second.siteName,
          `Sites "${first.siteName}" and "${second.siteName}" both accept no links (linkAccess "none"), so neither can dial the other; give one of them inbound link access (loadbalancer, nodeport or route).`,
        );
      }
    }),
  );
  return links;
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
