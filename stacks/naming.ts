/**
 * Names the app derives from the topology, computed once so that every stack of every site
 * agrees on them (DESIGN.md section 5).
 */
import { DatabaseSiteNames, statefulSetName } from "../lib/core/naming";
import type { Site, Topology } from "./topology/types";

export const PKI_STACK = "pki";
export const CLUSTER_INIT_STACK = "cluster-init";

export const stackNames = {
  cluster: (site: string) => `${site}-cluster`,
  platform: (site: string) => `${site}-platform`,
  database: (site: string) => `${site}-database`,
  links: (site: string) => `${site}-links`,
};

/** Every database site in topology order: the order the join list and the init Job use. */
export function databaseSites(topology: Topology): DatabaseSiteNames[] {
  return topology.sites.map((site: Site) => ({
    siteName: site.name,
    statefulSetName: statefulSetName(topology.statefulSetPrefix, site.name),
    replicas: site.replicas,
  }));
}
