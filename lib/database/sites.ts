/**
 * Checks on the list of database sites that every site's constructs receive, and the
 * arithmetic of surviving the loss of a whole site.
 */
import { DatabaseSiteNames, podNames } from "../core/naming";
import { checkDnsLabel, checkInteger, checkUniqueNames, fail } from "../core/validation";

/** Replicas per range when the cluster must survive losing a whole site (region). */
export const REGION_FAILURE_REPLICAS = 5;

/** Validates the site list: non-empty, unique names, sane replica counts. */
export function checkSites(sites: readonly DatabaseSiteNames[]): void {
  if (!Array.isArray(sites) || sites.length === 0) fail("sites", sites, "List every database site (at least one).");
  sites.forEach((site, i) => {
    checkDnsLabel(`sites[${i}].siteName`, site.siteName);
    checkDnsLabel(`sites[${i}].statefulSetName`, site.statefulSetName, 52);
    checkInteger(`sites[${i}].replicas`, site.replicas, 1, 1000);
  });
  checkUniqueNames((i) => `sites[${i}].siteName`, sites.map((s) => s.siteName), "Site names must be unique");
  checkUniqueNames(
    (i) => `sites[${i}].statefulSetName`,
    sites.map((s) => s.statefulSetName),
    "StatefulSet names must be unique across sites, or pod names collide",
  );
}

/**
 * Fails unless a name is free in every cluster: Skupper creates a Service per remote pod,
 * and each site has a governing Service named after its StatefulSet.
 */
export function checkNameFree(field: string, name: string, sites: readonly DatabaseSiteNames[]): void {
  const taken = sites.flatMap((s) => [s.statefulSetName, ...podNames(s.statefulSetName, s.replicas)]);
  if (taken.includes(name)) {
    fail(field, name, "It collides with a StatefulSet or pod Service name of a database site; choose another name.");
  }
}

/** A majority of REGION_FAILURE_REPLICAS survives losing this many, so no site may hold more. */
export const MAX_REPLICAS_PER_SITE = Math.floor((REGION_FAILURE_REPLICAS - 1) / 2);

/** How many of a range's replicas the sites can hold with no site above MAX_REPLICAS_PER_SITE. */
export function regionFailureCapacity(replicasPerSite: readonly number[]): number {
  return replicasPerSite.reduce((sum, replicas) => sum + Math.min(replicas, MAX_REPLICAS_PER_SITE), 0);
}

/**
 * Whether 5 replicas can be placed so that losing any one site (each site is one cloud
 * region) keeps a majority of 3. CockroachDB spreads replicas over localities, but a node
 * holds at most one replica of a range, so a site can take at most min(its nodes, 2)
 * replicas without exceeding the 2 a majority can afford to lose; together the sites must
 * offer 5. Two sites in the same cloud fall together when that cloud does: to survive
 * losing a cloud, put every site in a different cloud.
 */
export function checkSurvivesRegionLoss(sites: readonly DatabaseSiteNames[]): void {
  if (sites.length < 3) {
    fail(
      "sites",
      sites.map((s) => s.siteName),
      "Surviving the loss of a region needs at least 3 database sites (of two, neither can outvote the other); add a site or set survivalGoal to \"zone\".",
    );
  }
  const capacity = regionFailureCapacity(sites.map((s) => s.replicas));
  if (capacity < REGION_FAILURE_REPLICAS) {
    fail(
      "sites",
      Object.fromEntries(sites.map((s) => [s.siteName, s.replicas])),
      `With ${REGION_FAILURE_REPLICAS} replicas no site may hold more than ${MAX_REPLICAS_PER_SITE} of them, so the sites' nodes (counting at most ${MAX_REPLICAS_PER_SITE} each) must add up to ${REGION_FAILURE_REPLICAS}; add nodes to the smaller sites.`,
    );
  }
}

/**
 * Fails unless the sites' replicas meet the survival goal: "region" as checkSurvivesRegionLoss,
 * "zone" needs the 3 nodes of CockroachDB's default replication factor. Lowering a site's
 * replicas below this would leave ranges without enough nodes for their replicas.
 */
export function checkSurvivalGoal(sites: readonly DatabaseSiteNames[], goal: "region" | "zone"): void {
  if (goal === "region") return checkSurvivesRegionLoss(sites);
  const total = sites.reduce((sum, s) => sum + s.replicas, 0);
  if (total < 3) {
    fail(
      "sites",
      Object.fromEntries(sites.map((s) => [s.siteName, s.replicas])),
      `Keeping 3 replicas of every range needs at least 3 CockroachDB nodes; the sites would run ${total}. Raise replicas.`,
    );
  }
}

/** The position of `siteName` in `sites` (checked with checkSites); fails naming the sites there are. */
export function siteIndex(sites: readonly DatabaseSiteNames[], siteName: string): number {
  checkSites(sites);
  const index = sites.findIndex((s) => s.siteName === siteName);
  if (index < 0) fail("siteName", siteName, `Use one of the sites listed in sites: ${sites.map((s) => s.siteName).join(", ")}.`);
  return index;
}
