/**
 * Defaults the topology owns: per-cloud machine types and zones, and CIDR blocks that never
 * collide between sites. Defaults the constructs own (image, CPU, memory) stay with them.
 */
import type { TopologyFile } from "./schema";
import type { AwsNetwork, AzureNetwork, Cloud, GcpNetwork } from "./types";

export const DEFAULT_MACHINE_TYPES = {
  aws: "m6i.2xlarge",
  gcp: "n2-standard-8",
  azure: "Standard_D8s_v5",
} as const;

export const DEFAULT_NODE_COUNT = 3;
export const DEFAULT_DISK_SIZE_GB = 100;
export const DEFAULT_REPLICAS = 3;
export const DEFAULT_KUBECONFIG_PATH = "~/.kube/config";
export const DEFAULT_STATE_DIRECTORY = "terraform-state";
export const DEFAULT_KEY_PREFIX = "cockroachdb";

/** Regions whose zone letters do not start at "a", "b", "c" (checked against each cloud's region list). */
const AWS_ZONE_LETTERS: Readonly<Record<string, string>> = { "ap-northeast-1": "acd" };
const GCP_ZONE_LETTERS: Readonly<Record<string, string>> = { "us-east1": "bcd", "europe-west1": "bcd" };

/** Three zones of the region; undefined where the cloud has no guessable names (existing clusters). */
export function defaultZones(cloud: Cloud, region: string): string[] {
  switch (cloud) {
    case "aws":
      return [...(AWS_ZONE_LETTERS[region] ?? "abc")].map((letter) => `${region}${letter}`);
    case "gcp":
      return [...(GCP_ZONE_LETTERS[region] ?? "abc")].map((letter) => `${region}-${letter}`);
    case "azure":
      return ["1", "2", "3"];
    case "existing":
      return [];
  }
}

/**
 * Site number `index` owns 10.(16*index).0.0/12, so default ranges never collide between sites
 * and stay clear of 172.16/12 and 192.168/16, where office networks and VPNs usually live.
 */
export const MAX_DEFAULT_NETWORK_SITES = 16;

function block(index: number, offset: number, prefix: number): string {
  return `10.${16 * index + offset}.0.0/${prefix}`;
}

export function defaultAwsNetwork(index: number): AwsNetwork {
  return { vpcCidr: block(index, 0, 16) };
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
