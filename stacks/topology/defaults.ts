/**
 * Defaults the topology owns: CIDR blocks that never collide between sites. The site
 * constructs' defaults (machine types, zones, node counts) come from lib/sites/site-inputs;
 * the database's (image, CPU, memory) stay with its constructs.
 */
import type { TopologyFile } from "./schema";
import type { AwsNetwork, AzureNetwork, GcpNetwork } from "./types";

export const DEFAULT_REPLICAS = 3;
export const DEFAULT_KUBECONFIG_PATH = "~/.kube/config";
export const DEFAULT_STATE_DIRECTORY = "terraform-state";
export const DEFAULT_KEY_PREFIX = "cockroachdb";

/**
 * Site number `index` owns 10.(16*index).0.0/12, so default ranges never collide between sites
 * and stay clear of 172.16/12 and 192.168/16, where office networks and VPNs usually live.
 */
export const MAX_DEFAULT_NETWORK_SITES = 16;

function block(index: number, offset: number, prefix: number): string {
  return `10.${16 * index + offset}.0.0/${prefix}`;
}

export function defaultAwsNetwork(index: number): AwsNetwork {
  return { vpcCidr: block(index, 0, 16), serviceCidr: block(index, 8, 16) };
}

export function defaultGcpNetwork(index: number): GcpNetwork {
  // A /14 of pod ranges: GKE gives each node a /24, so 1024 nodes fit.
  return { subnetCidr: block(index, 0, 20), podsCidr: block(index, 4, 14), servicesCidr: block(index, 8, 20) };
}

export function defaultAzureNetwork(index: number): AzureNetwork {
  return {
    vnetCidr: block(index, 0, 16),
    subnetCidr: block(index, 0, 20),
    podCidr: block(index, 4, 14),
    serviceCidr: block(index, 8, 16),
  };
}

/** The built-in topology: one site per cloud, all in northern Virginia so links stay ~1-2 ms. */
export const DEFAULT_TOPOLOGY_FILE: TopologyFile = {
  sites: [
    { name: "aws", cloud: "aws", region: "us-east-1" },
    { name: "gcp", cloud: "gcp", region: "us-east4" },
    { name: "azure", cloud: "azure", region: "eastus" },
  ],
  survivalGoal: "region",
};

/** The Terraform version the tests run; the HCP Terraform workspaces get it unless the topology names another. */
export const DEFAULT_TERRAFORM_VERSION = "1.11.4";
