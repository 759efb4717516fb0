/**
 * Names the app derives from the topology, computed once so that every stack of every site
 * agrees on them (DESIGN.md section 5).
 */
import { DatabaseSiteNames, statefulSetName } from "../lib/core/naming";
import type { Site, Topology } from "./topology/types";

export const PKI_STACK = "pki";
export const CLUSTER_INIT_STACK = "cluster-init";

/** Stacks the app creates once; add any new one here so the collision check covers it. */
export const GLOBAL_STACKS: readonly string[] = [PKI_STACK, CLUSTER_INIT_STACK];

/** Per-site stacks by kind; a new kind added here is covered by the collision check at once. */
export const stackNames = {
  cluster: (site: string) => `${site}-cluster`,
  platform: (site: string) => `${site}-platform`,
  database: (site: string) => `${site}-database`,
  links: (site: string) => `${site}-links`,
};

/** The id of an existing cluster's site construct, at the app's root beside the stacks. */
export function existingClusterId(siteName: string): string {
  return `${siteName}-existing-cluster`;
}

/** Every id the app gives a site's constructs at its root (stack names included), for the collision check. */
export function rootConstructIds(siteName: string, cloud: string): Array<{ readonly id: string; readonly what: string }> {
  const stacks = Object.entries(stackNames)
    .filter(([kind]) => !(kind === "cluster" && cloud === "existing"))
    .map(([kind, name]) => ({ id: name(siteName), what: `${kind} stack` }));
  return cloud === "existing" ? [...stacks, { id: existingClusterId(siteName), what: "existing-cluster construct" }] : stacks;
}

/** Every database site in topology order: the order the join list and the init Job use. */
export function databaseSites(topology: Topology): DatabaseSiteNames[] {
  return topology.sites.map((site: Site) => ({
    siteName: site.name,
    statefulSetName: statefulSetName(topology.statefulSetPrefix, site.name),
    replicas: site.replicas,
  }));
}
