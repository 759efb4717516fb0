export * from "./types";
export type { TopologyFile, SiteFile } from "./schema";
export { TopologyError, parseTopology } from "./validate";
export { loadTopology, defaultTopology, TOPOLOGY_ENV, DEFAULT_TOPOLOGY_SOURCE } from "./load";
export { defaultAwsNetwork, defaultGcpNetwork, defaultAzureNetwork, MAX_DEFAULT_NETWORK_SITES } from "./defaults";
