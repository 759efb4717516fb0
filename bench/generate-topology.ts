/**
 * Valid N-site topologies for the synth benchmark: clouds in turn (aws, gcp, azure), each
 * site in its own default CIDR block, surviving a site wherever there are 3 or more.
 */
import { checkInteger } from "../lib/core/validation";
import {
  MAX_DEFAULT_NETWORK_SITES,
  defaultAwsNetwork,
  defaultAzureNetwork,
  defaultGcpNetwork,
  type SiteFile,
  type TopologyFile,
} from "../stacks/topology";

const CLOUDS = ["aws", "gcp", "azure"] as const;

/**
 * Regions whose default zones (a/b/c, 1/2/3) exist, one per site of a cloud so that every
 * site is its own failure domain (the survival check demands that) up to 16 sites.
 */
const REGIONS = {
  aws: ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1", "eu-central-1", "ap-southeast-2"],
  gcp: ["us-east4", "us-west1", "europe-west4", "asia-southeast1", "europe-west3", "australia-southeast1"],
  azure: ["eastus", "westus2", "westeurope", "southeastasia", "northeurope", "australiaeast"],
} as const;

export function generateTopology(siteCount: number): TopologyFile {
  checkInteger("siteCount", siteCount, 1, MAX_DEFAULT_NETWORK_SITES);
  const sites = Array.from({ length: siteCount }, (_, index): SiteFile => {
    const cloud = CLOUDS[index % CLOUDS.length];
    const round = Math.floor(index / CLOUDS.length);
    const name = `${cloud}-${round + 1}`;
    const region = REGIONS[cloud][round];
    switch (cloud) {
      case "aws":
        return { name, cloud, region, network: defaultAwsNetwork(index) };
      case "gcp":
        return { name, cloud, region, network: defaultGcpNetwork(index) };
      case "azure":
        return { name, cloud, region, network: defaultAzureNetwork(index) };
    }
  });
  return { sites, survivalGoal: siteCount >= 3 ? "region" : "zone" };
}
