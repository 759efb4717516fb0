/**
 * Pure planning and validation for the Skupper network: which site dials which, and the
 * input rules every Skupper construct relies on. Facts are from Skupper 2.2.1's controller
 * (internal/kube/site/site.go, internal/kube/certificates/mgr.go).
 */
import { checkDnsLabel, checkUniqueNames, fail } from "../core/validation";

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
 * The full mesh: one link per pair of sites, N(N-1)/2 in all. Direction rule: the site whose
 * name sorts first (JavaScript code-unit order) dials the other. It depends only on the two
 * names, so reordering the topology or adding a site never flips an existing link (which
 * would delete and recreate it). A link carries traffic both ways, so one per pair suffices.
 */
export function planLinks(siteNames: readonly string[]): SkupperLinkPlan[] {
  checkUniqueSiteNames((i) => `siteNames[${i}]`, siteNames);
  const sorted = [...siteNames].sort();
  const links: SkupperLinkPlan[] = [];
  sorted.forEach((from, i) => sorted.slice(i + 1).forEach((to) => links.push({ from, to })));
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
