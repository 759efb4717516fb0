/**
 * Valid N-site topologies for the synth benchmark: clouds in turn (aws, gcp, azure), each site
 * in a region of its own and with explicit network ranges, surviving a site wherever there are
 * 3 or more.
 */
import { checkInteger } from "../lib/core/validation";
import type { SiteFile, TopologyFile } from "../stacks/topology";

const CLOUDS = ["aws", "gcp", "azure"] as const;

/**
 * Regions whose default zones (a/b/c, 1/2/3) exist, one per site so that every site is its own
 * failure domain (the survival check demands that): 16 per cloud, 48 sites in all.
 */
const REGIONS = {
  aws: [
    "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1", "eu-central-1", "ap-southeast-2", "us-east-2", "eu-west-2",
    "eu-west-3", "eu-north-1", "eu-south-1", "ap-northeast-2", "ap-south-1", "sa-east-1", "ca-central-1", "ap-northeast-1",
  ],
  gcp: [
    "us-east4", "us-west1", "europe-west4", "asia-southeast1", "europe-west3", "australia-southeast1", "us-central1", "europe-west2",
    "europe-north1", "asia-northeast1", "asia-east1", "asia-south1", "southamerica-east1", "northamerica-northeast1", "us-west2", "us-south1",
  ],
  azure: [
    "eastus", "westus2", "westeurope", "southeastasia", "northeurope", "australiaeast", "eastus2", "uksouth",
    "francecentral", "swedencentral", "japaneast", "koreacentral", "centralindia", "brazilsouth", "canadacentral", "centralus",
  ],
} as const;

export const MAX_GENERATED_SITES = CLOUDS.length * REGIONS.aws.length;

/** Site i owns 10.(4i).0.0/14: its routable ranges never meet another site's. */
function ranges(index: number) {
  const block = (offset: number, prefix: number) => `10.${4 * index + offset}.0.0/${prefix}`;
  return {
    aws: { vpcCidr: block(0, 16), serviceCidr: block(1, 16) },
    gcp: { subnetCidr: block(0, 20), servicesCidr: block(1, 20), podsCidr: block(2, 15) },
    azure: { vnetCidr: block(0, 16), subnetCidr: block(0, 20), serviceCidr: block(1, 16), podCidr: block(2, 15) },
  };
}

export function generateTopology(siteCount: number): TopologyFile {
  checkInteger("siteCount", siteCount, 1, MAX_GENERATED_SITES);
  const sites = Array.from({ length: siteCount }, (_, index): SiteFile => {
    const cloud = CLOUDS[index % CLOUDS.length];
    const round = Math.floor(index / CLOUDS.length);
    const name = `${cloud}-${round + 1}`;
    const region = REGIONS[cloud][round];
    switch (cloud) {
      case "aws":
        return { name, cloud, region, network: ranges(index).aws };
      case "gcp":
        return { name, cloud, region, network: ranges(index).gcp };
      case "azure":
        return { name, cloud, region, network: ranges(index).azure };
    }
  });
  return { sites, survivalGoal: siteCount >= 3 ? "region" : "zone" };
}
