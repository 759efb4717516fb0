/**
 * Synth-time checks and defaults for cloud site props. Formats are checked per cloud so a
 * region, zone or machine type of the wrong cloud (a common copy-paste slip in a multi-cloud
 * topology) fails before Terraform runs.
 */
import type { IConstruct } from "constructs";
import { warn } from "../core/warnings";
import { Token } from "cdktf";
import {
  checkDisjointCidrs,
  checkDnsLabel,
  checkInteger,
  cidrsOverlap,
  fail,
  parseIpv4Cidr,
  type Ipv4Cidr,
} from "../core/validation";
import { CloudSiteProps, SiteCloud } from "./kubernetes-site";

export type CloudName = Exclude<SiteCloud, "existing">;

interface CloudRules {
  readonly region: RegExp;
  readonly regionExample: string;
  readonly machineType: RegExp;
  readonly machineTypeExample: string;
  readonly kubernetesVersion: RegExp;
  readonly kubernetesVersionExample: string;
}

const RULES: Record<CloudName, CloudRules> = {
  aws: {
    region: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/,
    regionExample: '"us-west-2"',
    // family (letters and a generation digit, e.g. m6i, u-6tb1) "." size
    machineType: /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(nano|micro|small|medium|\d*x?large|metal(-\d+xl)?)$/,
    machineTypeExample: '"m6i.2xlarge"',
    kubernetesVersion: /^1\.\d{2}$/,
    kubernetesVersionExample: '"1.34" (EKS takes major.minor only)',
  },
  gcp: {
    region: /^[a-z]+-[a-z]+\d+$/,
    regionExample: '"us-central1"',
    machineType: /^[a-z][a-z0-9]*\d[a-z0-9]*-[a-z0-9]+(-[a-z0-9]+)*$/,
    machineTypeExample: '"n2-standard-8"',
    kubernetesVersion: /^1\.\d{2}(\.\d+(-gke\.\d+)?)?$/,
    kubernetesVersionExample: '"1.34" or "1.34.1-gke.1000"',
  },
  azure: {
    region: /^[a-z]+\d?$/,
    regionExample: '"eastus2" (the short location name, not "East US 2")',
    machineType: /^(Standard|Basic)_[A-Z][A-Za-z0-9]*(-\d+)?[a-z]*(_[A-Za-z0-9]+)*$/,
    machineTypeExample: '"Standard_D8s_v5"',
    kubernetesVersion: /^1\.\d{2}(\.\d+)?$/,
    kubernetesVersionExample: '"1.34" or "1.34.1"',
  },
};

/** 8 vCPU / 32 GiB on each cloud: the database's sizing assumes machines of this class. */
export const DEFAULT_MACHINE_TYPES: Readonly<Record<CloudName, string>> = {
  aws: "m6i.2xlarge",
  gcp: "n2-standard-8",
  azure: "Standard_D8s_v5",
};

export const DEFAULT_NODE_COUNT = 3;
export const DEFAULT_DISK_SIZE_GB = 100;

/**
 * Regions whose first three zone letters are not a, b, c for every account/project. Where a
 * region has fewer than three zones, the value is the reason no default exists.
 */
const ZONE_LETTERS: Record<CloudName, Record<string, readonly string[] | string>> = {
  aws: {
    "ap-northeast-1": ["a", "c", "d"],
    "ca-central-1": ["a", "b", "d"],
    "cn-north-1": ["a", "b", "d"],
    "us-west-1": "us-west-1 offers most accounts only two Availability Zones",
  },
  gcp: {
    "us-east1": ["b", "c", "d"],
    "europe-west1": ["b", "c", "d"],
  },
  azure: {},
};

export function checkRegion(cloud: CloudName, field: string, region: string): string {
  if (typeof region !== "string" || !RULES[cloud].region.test(region)) {
    fail(field, region, `Use ${cloudLabel(cloud)} region name such as ${RULES[cloud].regionExample}.`);
  }
  return region;
}

/** Three zones of the region: AWS "<region>a", GCP "<region>-a", Azure "1".."3". */
export function defaultZones(cloud: CloudName, region: string): string[] {
  if (cloud === "azure") return ["1", "2", "3"];
  const known = ZONE_LETTERS[cloud][region];
  if (typeof known === "string") {
    fail("zones", undefined, `There is no default for region ${JSON.stringify(region)}: ${known}. Pass at least 3 zones explicitly or choose another region.`);
  }
  const letters = known ?? ["a", "b", "c"];
  return letters.map((letter) => (cloud === "aws" ? `${region}${letter}` : `${region}-${letter}`));
}

/**
 * The most zones a site may span, where the site construct has a limit. EKS: us-east-1, the
 * largest AWS region, has 6, and the VPC layout (an eighth per zone for private subnets, the
 * last eighth for the public ones) has room for no more than 7.
 */
export const MAX_ZONES: Readonly<Partial<Record<CloudName, number>>> = { aws: 6 };

export function checkZones(cloud: CloudName, field: string, zones: readonly string[], region: string): string[] {
  zones.forEach((zone, i) => checkZone(cloud, `${field}[${i}]`, zone, region));
  return checkZoneList(field, zones, MAX_ZONES[cloud]);
}

export function checkZone(cloud: CloudName, field: string, zone: string, region: string): string {
  const pattern = zonePattern(cloud, region);
  if (typeof zone !== "string" || !pattern.regex.test(zone)) {
    fail(field, zone, `Use a zone of region ${JSON.stringify(region)}: ${pattern.example}.`);
  }
  return zone;
}

/** The list as a whole, whatever its zones: distinct and at least 3. */
export function checkZoneList(field: string, zones: readonly string[], max = Number.MAX_SAFE_INTEGER): string[] {
  if (new Set(zones).size !== zones.length) {
    fail(field, zones, "List each zone once.");
  }
  if (zones.length < 3 || zones.length > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? "at least 3" : `3 to ${max}`;
    fail(field, zones, `Give ${range} distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.`);
  }
  return [...zones];
}

function zonePattern(cloud: CloudName, region: string): { regex: RegExp; example: string } {
  switch (cloud) {
    case "aws":
      return { regex: new RegExp(`^${escapeRegExp(region)}[a-z]$`), example: `"${region}a"` };
    case "gcp":
      return { regex: new RegExp(`^${escapeRegExp(region)}-[a-z]$`), example: `"${region}-a"` };
    case "azure":
      return { regex: /^[123]$/, example: '"1", "2" or "3"' };
  }
}

export function checkMachineType(cloud: CloudName, field: string, machineType: string): string {
  if (typeof machineType !== "string" || !RULES[cloud].machineType.test(machineType)) {
    fail(field, machineType, `Use ${cloudLabel(cloud)} machine type such as ${RULES[cloud].machineTypeExample}.`);
  }
  return machineType;
}

export function checkKubernetesVersion(cloud: CloudName, field: string, version: string): string {
  if (typeof version !== "string" || !RULES[cloud].kubernetesVersion.test(version)) {
    fail(field, version, `Use a Kubernetes version such as ${RULES[cloud].kubernetesVersionExample}.`);
  }
  return version;
}

/** The node's OS disk in GiB (the database's data lives on separate volumes). */
export function checkDiskSizeGb(field: string, size: number): number {
  return checkInteger(field, size, 30, 2048);
}

/** GKE node pools take a node count per zone, so the site's total must divide evenly. */
export function checkGkeNodeCount(field: string, nodeCount: number, zoneCount: number): number {
  // Without zones the zone list's own check has already failed; dividing by 0 would only add noise.
  if (zoneCount > 0 && nodeCount % zoneCount !== 0) {
    fail(field, nodeCount, `GKE runs the same number of nodes in each zone; use a multiple of the ${zoneCount} zones.`);
  }
  return nodeCount;
}

/** The EKS VPC: each zone gets an eighth of it, which /20 still leaves room enough for. */
export function checkEksVpcCidr(field: string, cidr: string): string {
  return checkPrefixLength(field, cidr, 16, 20, "each zone gets 1/8 of it for nodes and pods");
}

/**
 * The names a network check uses in its messages, by range: the site props' names unless
 * given, so the topology file can report its own (e.g. "network.subnetCidr" for nodeCidr).
 */
export type NetworkFieldNames<N> = Partial<Record<keyof N, string>>;

function namer<N>(fields: NetworkFieldNames<N>): (key: keyof N & string) => string {
  return (key) => fields[key] ?? key;
}

export interface EksNetwork {
  readonly vpcCidr: string;
  readonly serviceCidr: string;
}

/** EksSite's address ranges; the topology file checks its `network` with this too. */
export function checkEksNetwork(network: EksNetwork, fields: NetworkFieldNames<EksNetwork> = {}): EksNetwork {
  const name = namer(fields);
  const { vpcCidr, serviceCidr } = network;
  checkEksVpcCidr(name("vpcCidr"), vpcCidr);
  checkPrefixLength(name("serviceCidr"), serviceCidr, 12, 24, "EKS accepts only that range of sizes");
  if (!RFC1918.some((range) => contains(range, parseIpv4Cidr(name("serviceCidr"), serviceCidr)))) {
    fail(name("serviceCidr"), serviceCidr, "EKS needs a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.");
  }
  checkDisjointCidrs([
    [name("vpcCidr"), vpcCidr],
    [name("serviceCidr"), serviceCidr],
  ]);
  return { vpcCidr, serviceCidr };
}

export interface GkeNetwork {
  /** The subnet's primary range: node addresses. */
  readonly nodeCidr: string;
  /** Secondary range for pods (VPC-native). */
  readonly podCidr: string;
  /** Secondary range for Services. */
  readonly serviceCidr: string;
}

/**
 * GkeSite's address ranges; the topology file checks its `network` with this too.
 * @param maxNodes nodes the ranges must hold at once: the pool plus one surge node per zone
 */
export function checkGkeNetwork(network: GkeNetwork, fields: NetworkFieldNames<GkeNetwork> = {}, maxNodes = 1): GkeNetwork {
  const name = namer(fields);
  const { nodeCidr, podCidr, serviceCidr } = network;
  checkMinimumSize(name("nodeCidr"), nodeCidr, 29, "Google Cloud's smallest subnet range; it reserves 4 of its addresses");
  // The node pool leaves max_pods_per_node at 110, for which GKE gives each node a /24.
  checkMinimumSize(name("podCidr"), podCidr, 24, "GKE takes a /24 of it for each node (110 pods per node)");
  const need = `${maxNodes} nodes at once (the pool plus one surge node per zone during upgrades)`;
  const nodeAddresses = 2 ** (32 - prefixOf(nodeCidr)) - 4;
  if (nodeAddresses < maxNodes) fail(name("nodeCidr"), nodeCidr, `It has ${nodeAddresses} usable addresses but must hold ${need}; use a larger block.`);
  const podRanges = 2 ** (24 - prefixOf(podCidr));
  if (podRanges < maxNodes) fail(name("podCidr"), podCidr, `GKE takes a /24 per node, so it holds ${podRanges} nodes but must hold ${need}; use a larger block.`);
  checkDisjointCidrs([
    [name("nodeCidr"), nodeCidr],
    [name("podCidr"), podCidr],
    [name("serviceCidr"), serviceCidr],
  ]);
  return { nodeCidr, podCidr, serviceCidr };
}

export interface AksNetwork {
  /** The VNet's address space; contains `nodeCidr`. */
  readonly vnetCidr: string;
  /** The node subnet. */
  readonly nodeCidr: string;
  /** Azure CNI overlay pod range. */
  readonly podCidr: string;
  /** Service range; the cluster DNS Service takes its 10th address. */
  readonly serviceCidr: string;
}

/** Ranges AKS refuses for the VNet, pods and Services (Azure's AKS networking docs). */
const AKS_RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

/**
 * AksSite's address ranges; the topology file checks its `network` with this too.
 * @returns the ranges and the cluster DNS Service's address (the 10th of `serviceCidr`)
 */
export function checkAksNetwork(
  network: AksNetwork,
  fields: NetworkFieldNames<AksNetwork> = {},
): AksNetwork & { readonly dnsServiceIp: string } {
  const name = namer(fields);
  const { vnetCidr, nodeCidr, podCidr, serviceCidr } = network;
  const vnet = parseIpv4Cidr(name("vnetCidr"), vnetCidr);
  if (!contains(vnet, parseIpv4Cidr(name("nodeCidr"), nodeCidr))) {
    fail(name("nodeCidr"), nodeCidr, `The node subnet must lie inside ${name("vnetCidr")} (${vnetCidr}).`);
  }
  for (const key of ["vnetCidr", "podCidr", "serviceCidr"] as const) {
    const block = parseIpv4Cidr(name(key), network[key]);
    const reserved = AKS_RESERVED.find((range) => cidrsOverlap(block, parseIpv4Cidr("AKS reserved range", range)));
    if (reserved) fail(name(key), network[key], `AKS reserves ${reserved}; choose a range outside ${AKS_RESERVED.join(", ")}.`);
  }
  // Pods (overlay) and Services must stay outside the whole VNet, not just the subnet.
  checkDisjointCidrs([
    [name("vnetCidr"), vnetCidr],
    [name("podCidr"), podCidr],
    [name("serviceCidr"), serviceCidr],
  ]);
  return { vnetCidr, nodeCidr, podCidr, serviceCidr, dnsServiceIp: cidrHost(name("serviceCidr"), serviceCidr, 10) };
}

const GCP_PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

/** A Google Cloud project ID, the form GKE and the google provider take (not the name or number). */
export function checkGcpProjectId(field: string, project: string): string {
  if (typeof project !== "string" || !GCP_PROJECT_ID.test(project)) {
    fail(field, project, "Use a project ID (not the name or number) such as \"my-project-123\": 6-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'.");
  }
  return project;
}

const IAM_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** An IAM role or user ARN for an EKS access entry; a token (e.g. a variable) passes as is. */
export function checkIamPrincipalArn(field: string, arn: string): string {
  if (!Token.isUnresolved(arn) && (typeof arn !== "string" || !IAM_PRINCIPAL_ARN.test(arn))) {
    fail(field, arn, "Use an IAM role or user ARN such as \"arn:aws:iam::123456789012:role/admin\" (not an assumed-role session ARN).");
  }
  return arn;
}

/** How consuming stacks authenticate to EKS: "token" (aws_eks_cluster_auth) or "exec" (`aws eks get-token`). */
export const EKS_AUTHENTICATIONS = ["token", "exec"] as const;
export type EksAuthentication = (typeof EKS_AUTHENTICATIONS)[number];

/** EKS admin principals: each an IAM role or user ARN, each once (EKS takes one access entry per principal). */
export function checkAdminPrincipalArns(field: string, arns: readonly string[]): string[] {
  arns.forEach((arn, i) => checkIamPrincipalArn(`${field}[${i}]`, arn));
  if (new Set(arns).size !== arns.length) {
    fail(field, arns, "List each ARN once: EKS allows one access entry per principal.");
  }
  return [...arns];
}

const CLUSTER_NAME_PREFIX = "crdb-";
const MAX_CLUSTER_NAME_LENGTH = 40;

/**
 * `crdb-<siteName>`, whose length is checked against the site name: the user wrote that, not
 * the cluster name.
 */
export function defaultClusterName(field: string, siteName: string): string {
  const name = `${CLUSTER_NAME_PREFIX}${siteName}`;
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    fail(
      field,
      siteName,
      `Use at most ${MAX_CLUSTER_NAME_LENGTH - CLUSTER_NAME_PREFIX.length} characters: the cluster is named "${CLUSTER_NAME_PREFIX}" + the site name, and cluster names have at most ${MAX_CLUSTER_NAME_LENGTH}.`,
    );
  }
  return name;
}

/** GKE's rule is the strictest of the three clouds (letter first, at most 40 characters). */
export function checkClusterName(field: string, name: string): string {
  if (typeof name !== "string" || !/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(name)) {
    fail(field, name, "Use 1-40 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit.");
  }
  return name;
}

/** The `n`-th block of `newBits` more prefix bits inside `base` (Terraform's cidrsubnet). */
export function cidrSubnet(field: string, base: string, newBits: number, index: number): string {
  const parent = parseIpv4Cidr(field, base);
  const prefix = Number(base.split("/")[1]) + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    fail(field, base, `It is too small to hold subnet ${index} of /${prefix}.`);
  }
  const start = parent.start + index * 2 ** (32 - prefix);
  return `${ipv4ToString(start)}/${prefix}`;
}

/** The `offset`-th address of a block, e.g. the AKS DNS service IP (service CIDR + 10). */
export function cidrHost(field: string, cidr: string, offset: number): string {
  const block = parseIpv4Cidr(field, cidr);
  if (block.start + offset > block.end) fail(field, cidr, `It is too small to hold address number ${offset}.`);
  return ipv4ToString(block.start + offset);
}

export function checkPrefixLength(field: string, cidr: string, min: number, max: number, why: string): string {
  parseIpv4Cidr(field, cidr);
  const prefix = Number(cidr.split("/")[1]);
  if (prefix < min || prefix > max) fail(field, cidr, `Use a /${min} to /${max} block: ${why}.`);
  return cidr;
}

/** At least a /`maxPrefix` block, i.e. a prefix no longer than `maxPrefix`. */
function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

function checkMinimumSize(field: string, cidr: string, maxPrefix: number, why: string): string {
  parseIpv4Cidr(field, cidr);
  if (prefixOf(cidr) > maxPrefix) fail(field, cidr, `Use a /${maxPrefix} or larger block: ${why}.`);
  return cidr;
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((range) => parseIpv4Cidr("RFC 1918", range));

function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The site's inputs after defaults and checks; every cloud site starts from these. */
export interface CloudSiteInputs {
  readonly siteName: string;
  readonly region: string;
  readonly zones: string[];
  readonly clusterName: string;
  readonly kubernetesVersion?: string;
  readonly machineType: string;
  readonly nodeCount: number;
  readonly diskSizeGb: number;
  readonly apiAccessCidrs?: string[];
}

export function resolveCloudSiteInputs(cloud: CloudName, props: CloudSiteProps): CloudSiteInputs {
  const siteName = checkDnsLabel("siteName", props.siteName, 40);
  const region = checkRegion(cloud, "region", props.region);
  const zones = checkZones(cloud, "zones", props.zones ?? defaultZones(cloud, region), region);
  const apiAccessCidrs = props.apiAccessCidrs?.map((cidr, i) => parseIpv4Cidr(`apiAccessCidrs[${i}]`, cidr).text);
  if (apiAccessCidrs?.length === 0) {
    fail("apiAccessCidrs", props.apiAccessCidrs, "Give at least one CIDR block, or leave the prop out for an endpoint reachable from anywhere.");
  }
  return {
    siteName,
    region,
    zones,
    clusterName: props.clusterName === undefined ? defaultClusterName("siteName", siteName) : checkClusterName("clusterName", props.clusterName),
    kubernetesVersion: props.kubernetesVersion === undefined ? undefined : checkKubernetesVersion(cloud, "kubernetesVersion", props.kubernetesVersion),
    machineType: checkMachineType(cloud, "machineType", props.machineType ?? DEFAULT_MACHINE_TYPES[cloud]),
    nodeCount: checkInteger("nodeCount", props.nodeCount ?? DEFAULT_NODE_COUNT, 1),
    diskSizeGb: checkDiskSizeGb("diskSizeGb", props.diskSizeGb ?? DEFAULT_DISK_SIZE_GB),
    apiAccessCidrs,
  };
}

/** True when the value is a plain string, not a Terraform token (e.g. a TerraformVariable). */
export function isLiteral(value: string | undefined): value is string {
  return typeof value === "string" && !Token.isUnresolved(value);
}

function ipv4ToString(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function cloudLabel(cloud: CloudName): string {
  return { aws: "an AWS", gcp: "a Google Cloud", azure: "an Azure" }[cloud];
}

/**
 * Warns when a managed site's Kubernetes API endpoint accepts connections from the whole
 * internet: authentication still applies, but any credential leak or API flaw is then
 * exploitable from anywhere.
 */
export function warnIfApiOpen(scope: IConstruct, siteName: string, apiAccessCidrs: readonly string[] | undefined): void {
  if (apiAccessCidrs === undefined || apiAccessCidrs.some((cidr) => cidr.endsWith("/0"))) {
    warn(
      scope,
      `Site "${siteName}": the Kubernetes API endpoint is reachable from the whole internet; set apiAccessCidrs to the addresses of your operators and of where Terraform runs.`,
    );
  }
}
