/**
 * Turns a parsed topology file into a resolved `Topology`, reporting every problem at once:
 * zod's schema issues and the checks that span fields, each as `<path>: invalid value <v>. <fix>`.
 */
import * as os from "os";
import * as path from "path";
import type { z } from "zod";
import {
  ConfigError,
  cidrsOverlap,
  describeValue,
  findUnsafeCharacter,
  parseCpuMillis,
  parseIpv4Cidr,
  quoteForMessage,
  type Ipv4Cidr,
} from "../../lib/core/validation";
import { parseMemoryBytes, parseStorageBytes } from "../../lib/core/units";
import { DEFAULT_CLUSTER_DOMAIN, statefulSetName } from "../../lib/core/naming";
import { FULL_MESH_MAX_SITES } from "../../lib/skupper/mesh";
import { COCKROACH_IMAGE, DEFAULT_COCKROACH_CPU, DEFAULT_COCKROACH_MEMORY } from "../../lib/database/common";
import { checkPodsFitNodes } from "../../lib/sites/node-fit";
import { cockroachImageVersion } from "../../lib/database/upgrade-path";
import { MAX_REPLICAS_PER_SITE, REGION_FAILURE_REPLICAS, regionFailureCapacity } from "../../lib/database/sites";
import {
  MAX_ZONES,
  checkAdminPrincipalArns,
  checkAksNetwork,
  checkEksNetwork,
  checkGkeNetwork,
  checkGkeNodeCount,
  checkZone,
  checkZoneList,
  defaultClusterName,
  defaultZones,
} from "../../lib/sites/site-inputs";
import { checkAksAuthentication, checkEksControlPlaneLogs, checkGkeSecretsEncryptionKey } from "../../lib/sites/control-plane";
import { DEFAULT_REPLICAS, MAX_DEFAULT_NETWORK_SITES, defaultAwsNetwork, defaultAzureNetwork, defaultGcpNetwork } from "./defaults";
import { backupProblems } from "../backup";
import { MAX_NESTING_DEPTH, MAX_SITES, nestingDeeperThan } from "./limits";
import { derivedNameProblems } from "./collisions";
import { GLOBAL_STACKS, stackNames } from "../naming";
import { MAX_WORKSPACE_NAME_LENGTH, parseImageReference } from "../../lib/core/formats";
import { cockroachReleaseFix } from "../../lib/database/releases";
import { unknownRegionFix, unknownZoneFix, unsupportedKubernetesVersionFix } from "../../lib/sites/known-locations";
import { DEFAULT_SKUPPER_CONTROLLER_NAMESPACE } from "../../lib/skupper/controller";
import { sqlProblems } from "../sql";
import { siteSchema, topologySchema, type ParsedSite, type ParsedTopology } from "./schema";
import type { BackendSettings, ManagedSite, Site, SurvivalGoal, Topology } from "./types";

/** Every problem of one topology, one per line; `problems` keeps them structured for tools and tests. */
export class TopologyError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly ConfigError[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    // A fix may quote input; no line may carry a control character into the terminal.
    const lines = problems.map((p) => `  ${escapeUnsafe(p.message)}`);
    super(`Invalid topology (${escapeUnsafe(source)}), ${count}:\n${lines.join("\n")}`);
    this.name = "TopologyError";
  }
}

function escapeUnsafe(line: string): string {
  let out = "";
  for (const char of line) out += findUnsafeCharacter(char) ? quoteForMessage(char).slice(1, -1) : char;
  return out;
}

/**
 * Validates `raw` (the parsed JSON/YAML) and applies every default. `source` names the file in
 * messages; relative paths in it (kubeconfig, local state directory) resolve against `baseDir`.
 */
export function parseTopology(raw: unknown, source: string, baseDir: string = process.cwd()): Topology {
  const tooLarge = limitProblem(raw);
  if (tooLarge) throw new TopologyError(source, [tooLarge]);
  const result = topologySchema.safeParse(raw, { error: fixFor });
  const problems: ConfigError[] = result.success ? [] : schemaProblems(raw, result.error.issues);
  const top = topLevel(raw);
  const sites = resolveSites(top, baseDir, problems);
  problems.push(...crossFieldProblems(top, sites));
  problems.push(...derivedNameProblems(sites.map(({ index, site }) => ({ index, name: site.name, cloud: site.cloud, replicas: site.replicas })), top.statefulSetPrefix));
  problems.push(...topLevelProblems(raw, sites.length));
  const backend = result.success ? resolveBackend(result.data.backend, baseDir) : undefined;
  problems.push(...backendProblems(backend));
  if (!result.success || problems.length > 0) throw new TopologyError(source, problems);

  const parsed = result.data;
  const topology: Topology = {
    source,
    sites: sites.map((entry) => entry.site),
    namespace: parsed.namespace,
    clusterDomain: parsed.clusterDomain,
    statefulSetPrefix: parsed.statefulSetPrefix,
    cockroach: parsed.cockroach,
    survivalGoal: parsed.survivalGoal,
    backup: parsed.backup,
    skupper: { ...parsed.skupper, mesh: parsed.skupper.mesh === "auto" ? (sites.length > FULL_MESH_MAX_SITES ? "partial" : "full") : parsed.skupper.mesh },
    backend: backend!,
    accounts: parsed.accounts,
    security: parsed.security,
  };
  const later = [...backupProblems(topology), ...sqlProblems(topology)];
  if (later.length > 0) throw new TopologyError(source, later);
  return topology;
}

/** A topology past the limits is reported alone: nothing else is checked, as checks grow with its size. */
function limitProblem(raw: unknown): ConfigError | undefined {
  const tooDeep = nestingDeeperThan(raw, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    return new ConfigError(tooDeep.at, tooDeep.value, `It nests deeper than ${MAX_NESTING_DEPTH} levels; a topology needs fewer than 10. Check for a runaway list or mapping.`);
  }
  const sites = valueAt(raw, ["sites"]);
  if (Array.isArray(sites) && sites.length > MAX_SITES) {
    return new ConfigError(
      "sites",
      `${sites.length} sites`,
      `A topology has at most ${MAX_SITES} sites (every site links to every other and runs a Listener for every remote pod); split it into several deployments.`,
    );
  }
  return undefined;
}

// ---- schema issues -------------------------------------------------------------------------

function fieldPath(pathKeys: readonly PropertyKey[]): string {
  let out = "";
  for (const key of pathKeys) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "topology";
}

function valueAt(raw: unknown, pathKeys: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of pathKeys) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of fields",
};

/** The "fix" half of messages for issues whose schema has no message of its own. */
function fixFor(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `This field is required: give ${expected}.` : `Use ${expected}.`;
    }
    case "invalid_value":
      return `Use one of ${issue.values.map((v) => describeValue(v)).join(", ")}.`;
    case "invalid_union":
      return Array.isArray(issue.options) ? `Use one of ${issue.options.map((v: unknown) => describeValue(v)).join(", ")}.` : undefined;
    case "too_small":
      return issue.origin === "array" ? `Give at least ${issue.minimum} item(s).` : undefined;
    default:
      return undefined;
  }
}

function schemaProblems(raw: unknown, issues: readonly z.core.$ZodIssue[]): ConfigError[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => new ConfigError(fieldPath([...issue.path, key]), valueAt(raw, [...issue.path, key]), issue.message))
      : [new ConfigError(fieldPath(issue.path), valueAt(raw, issue.path), issue.message)],
  );
}

// ---- resolution ----------------------------------------------------------------------------

interface ResolvedSite {
  readonly index: number;
  readonly site: Site;
}

function expandPath(file: string, baseDir: string): string {
  // The kubernetes provider expands "~" itself; anything else must be absolute because
  // Terraform runs in cdktf.out/stacks/<stack>, not where the topology file is.
  return file.startsWith("~") ? file : path.resolve(baseDir, file);
}

/** The top-level fields the cross-field checks need, each undefined when it is itself invalid. */
interface TopLevel {
  readonly raw: unknown;
  readonly rawSites: readonly unknown[];
  readonly statefulSetPrefix?: string;
  readonly clusterDomain?: string;
  readonly survivalGoal?: SurvivalGoal;
  readonly cockroach?: { readonly cpu?: string; readonly memory?: string };
  readonly networkPolicies: boolean;
  readonly restrictLinkSources: boolean;
}

function topLevel(raw: unknown): TopLevel {
  const field = <T>(schema: z.ZodType<T>, key: string): T | undefined => schema.safeParse(valueAt(raw, [key])).data;
  const rawSites = valueAt(raw, ["sites"]);
  const shape = topologySchema.shape;
  return {
    raw,
    rawSites: Array.isArray(rawSites) ? rawSites : [],
    statefulSetPrefix: field(shape.statefulSetPrefix, "statefulSetPrefix"),
    clusterDomain: field(shape.clusterDomain, "clusterDomain"),
    survivalGoal: field(shape.survivalGoal, "survivalGoal"),
    cockroach: field(shape.cockroach, "cockroach"),
    networkPolicies: field(shape.security, "security")?.networkPolicies ?? true,
    restrictLinkSources: field(shape.skupper, "skupper")?.restrictLinkSources ?? true,
  };
}

/**
 * Runs a check of lib/sites, which names fields as a site's props do ("zones[2]"), and reports
 * its problem at the field's path in the file ("sites[1].zones[2]").
 * @returns what the check returns, or undefined when it failed
 */
function siteCheck<T>(at: string, problems: ConfigError[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(new ConfigError(`${at}.${error.field}`, error.value, error.fix));
    return undefined;
  }
}

/** Sites that pass the schema on their own, with defaults applied; broken ones are already reported. */
function resolveSites(top: TopLevel, baseDir: string, problems: ConfigError[]): ResolvedSite[] {
  return top.rawSites.flatMap((rawSite, index) => {
    const parsed = siteSchema.safeParse(rawSite);
    if (!parsed.success) return [];
    const site = parsed.data;
    const at = `sites[${index}]`;
    if (site.cloud !== "existing" && index >= MAX_DEFAULT_NETWORK_SITES && !hasFullNetwork(site)) {
      problems.push(
        new ConfigError(
          `${at}.network`,
          site.network,
          `Default CIDR blocks exist for the first ${MAX_DEFAULT_NETWORK_SITES} sites only; set every range of this site's network.`,
        ),
      );
      return [];
    }
    // Existing clusters have no default: their zones come from node labels.
    const zones = site.zones ?? (site.cloud === "existing" ? [] : siteCheck(at, problems, () => defaultZones(site.cloud, site.region)));
    if (zones === undefined) return [];
    return [{ index, site: resolveSite(site, zones, index, top, baseDir) }];
  });
}

/** The control-plane settings' rules of the site constructs (lib/sites/control-plane), at the file's paths. */
function controlPlaneProblems(site: ManagedSite, at: string): ConfigError[] {
  const problems: ConfigError[] = [];
  if (site.cloud === "aws") siteCheck(at, problems, () => checkEksControlPlaneLogs(site.controlPlaneLogTypes, site.controlPlaneLogRetentionDays));
  if (site.cloud === "gcp" && site.secretsEncryptionKey !== undefined) {
    siteCheck(at, problems, () => checkGkeSecretsEncryptionKey("secretsEncryptionKey", site.secretsEncryptionKey!, site.region));
  }
  if (site.cloud === "azure") siteCheck(at, problems, () => checkAksAuthentication(site.kubernetesAuth, site.adminGroupObjectIds));
  return problems;
}

function hasFullNetwork(site: Exclude<ParsedSite, { cloud: "existing" }>): boolean {
  const wanted = { aws: 2, gcp: 3, azure: 4 }[site.cloud];
  return Object.values(site.network ?? {}).filter(Boolean).length === wanted;
}

function resolveSite(site: ParsedSite, zones: readonly string[], index: number, top: TopLevel, baseDir: string): Site {
  const clusterDomain = top.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  // Unset stays unset: the app puts the pod where cluster-init runs, which depends on the sites' credentials.
  const sqlClientPod = site.sqlClientPod;
  if (site.cloud !== "existing") {
    const managed = { zones, replicas: site.replicas ?? site.nodes.count, sqlClientPod, networkPolicyEnforcement: site.networkPolicyEnforcement ?? top.networkPolicies };
    switch (site.cloud) {
      case "aws":
        return { ...site, ...managed, network: { ...defaultAwsNetwork(index), ...site.network } };
      case "gcp":
        return { ...site, ...managed, network: { ...defaultGcpNetwork(index), ...site.network } };
      case "azure":
        return { ...site, ...managed, network: { ...defaultAzureNetwork(index), ...site.network } };
    }
  }
  return {
    ...site,
    sqlClientPod,
    zones,
    replicas: site.replicas ?? DEFAULT_REPLICAS,
    kubeconfig: { ...site.kubeconfig, path: expandPath(site.kubeconfig.path, baseDir) },
    clusterDomain: site.clusterDomain ?? clusterDomain,
  };
}

function resolveBackend(backend: ParsedTopology["backend"], baseDir: string): BackendSettings {
  if (backend.type !== "local") return backend;
  // Terraform's local backend does not expand "~", so the directory is made absolute here.
  const home = backend.directory === "~" || backend.directory.startsWith("~/");
  return { ...backend, directory: home ? path.join(os.homedir(), backend.directory.slice(1)) : path.resolve(baseDir, backend.directory) };
}

/** The local state directory as Terraform will see it: the file's own directory may bring in "${". */
function backendProblems(backend: BackendSettings | undefined): ConfigError[] {
  if (backend?.type !== "local" || !/[$%]\{/.test(backend.directory)) return [];
  return [
    new ConfigError(
      "backend.directory",
      backend.directory,
      'The state directory resolves (against the topology file\'s directory) to a path with "${" or "%{", which Terraform reads as a template; give an absolute directory without them.',
    ),
  ];
}

// ---- checks that span fields -----------------------------------------------------------------

interface CidrEntry {
  readonly field: string;
  readonly cidr: Ipv4Cidr;
  /** Routable beyond its cluster (nodes, VPC-native pods): must be unique across sites too. */
  readonly routable: boolean;
}

function crossFieldProblems(top: TopLevel, sites: readonly ResolvedSite[]): ConfigError[] {
  const problems: ConfigError[] = [];
  const add = (field: string, value: unknown, fix: string) => problems.push(new ConfigError(field, value, fix));
  const { statefulSetPrefix: prefix, clusterDomain, survivalGoal, restrictLinkSources } = top;
  const siteCount = top.rawSites.length;

  const names = new Map<string, number>();
  const regions = new Map<string, number>();
  const kubeconfigs = new Map<string, number>();
  const cidrs: CidrEntry[] = [];
  let firstDialOnly: ResolvedSite | undefined;
  for (const { index, site } of sites) {
    const at = `sites[${index}]`;
    const first = names.get(site.name);
    if (first === undefined) names.set(site.name, index);
    else add(`${at}.name`, site.name, `sites[${first}] has the same name; site names must be unique.`);

    // The locality's region tier is the site's region: two sites in one region are one failure
    // domain to CockroachDB, which then cannot promise to survive the loss of either.
    const sameRegion = regions.get(site.region);
    if (sameRegion === undefined) regions.set(site.region, index);
    else if (survivalGoal === "region") {
      add(
        `${at}.region`,
        site.region,
        `sites[${sameRegion}] is in the same region, and CockroachDB treats one region as one failure domain; survivalGoal "region" needs each site in its own region (or use "zone").`,
      );
    }

    if (prefix !== undefined) {
      try {
        statefulSetName(prefix, site.name);
      } catch {
        const sts = `${prefix}-${site.name}`;
        add(
          `${at}.name`,
          site.name,
          `The StatefulSet name "${sts}" (statefulSetPrefix + "-" + name) has ${sts.length} characters; at most 52 keep pod names and their labels within 63. Shorten the name or statefulSetPrefix.`,
        );
      }
    }

    // Two sites that accept no links could never be joined (planLinks fails on them too).
    if (site.linkAccess === "none") {
      if (firstDialOnly === undefined) firstDialOnly = { index, site };
      else {
        add(
          `${at}.linkAccess`,
          site.linkAccess,
          `sites[${firstDialOnly.index}] ("${firstDialOnly.site.name}") accepts no links either, so "${site.name}" and "${firstDialOnly.site.name}" cannot link to each other; give one of them inbound link access (loadbalancer, or on an existing cluster nodeport or route).`,
        );
      }
    }

    if (site.linkSourceCidrs !== undefined) {
      if (site.linkAccess !== "loadbalancer") {
        add(`${at}.linkSourceCidrs`, site.linkSourceCidrs, `Only a load balancer takes source ranges (this site has linkAccess "${site.linkAccess}"); remove linkSourceCidrs and filter at your firewall.`);
      } else if (!restrictLinkSources) {
        add(`${at}.linkSourceCidrs`, site.linkSourceCidrs, "skupper.restrictLinkSources is false, which leaves every router unrestricted; remove one of the two.");
      }
    }

    if (site.cloud === "existing") {
      if (site.linkAccess === "nodeport" && site.nodePortHost === undefined) {
        add(`${at}.nodePortHost`, site.nodePortHost, 'linkAccess "nodeport" needs the IP or DNS name of a node that the other sites can reach.');
      } else if (site.linkAccess !== "nodeport" && site.nodePortHost !== undefined) {
        add(`${at}.nodePortHost`, site.nodePortHost, `Only linkAccess "nodeport" uses nodePortHost (this site has "${site.linkAccess}"); remove it or set linkAccess: nodeport.`);
      }
      const key = `${site.kubeconfig.path}\u0000${site.kubeconfig.context}`;
      const same = kubeconfigs.get(key);
      if (same === undefined) kubeconfigs.set(key, index);
      else add(`${at}.kubeconfig.context`, site.kubeconfig.context, `sites[${same}] uses the same kubeconfig and context; each site must be a different cluster.`);
      if (clusterDomain !== undefined && site.clusterDomain !== clusterDomain) {
        add(
          `${at}.clusterDomain`,
          site.clusterDomain,
          `Every node advertises <pod>.<namespace>.svc.<clusterDomain> and every cluster must resolve it, so all sites share clusterDomain ${describeValue(clusterDomain)}. Use that, or a cluster whose domain is the same.`,
        );
      }
    } else {
      // The site constructs' own rules, reported here so that they name the file's fields.
      siteCheck(at, problems, () => defaultClusterName("name", site.name));
      const zonesOfRegion = site.zones.filter((zone, i) => siteCheck(at, problems, () => checkZone(site.cloud, `zones[${i}]`, zone, site.region)) !== undefined);
      const zoneList = siteCheck(at, problems, () => checkZoneList("zones", site.zones, MAX_ZONES[site.cloud]));
      problems.push(...plausibilityProblems(site, at, zonesOfRegion.length === site.zones.length && zoneList !== undefined));
      if (site.replicas > site.nodes.count) {
        add(
          `${at}.replicas`,
          site.replicas,
          `Each CockroachDB pod is sized for a node of its own and the site has ${site.nodes.count}; raise nodes.count or lower replicas.`,
        );
      }
      if (site.cloud === "gcp") siteCheck(at, problems, () => checkGkeNodeCount("nodes.count", site.nodes.count, site.zones.length));
      if (top.cockroach) {
        const { cockroach } = top;
        siteCheck(at, problems, () =>
          checkPodsFitNodes({
            cloud: site.cloud,
            machineType: site.nodes.machineType,
            nodeCount: site.nodes.count,
            replicas: site.replicas,
            databaseCpu: cockroach.cpu ?? DEFAULT_COCKROACH_CPU,
            databaseMemory: cockroach.memory ?? DEFAULT_COCKROACH_MEMORY,
          }),
        );
      }
      if (site.cloud === "aws") siteCheck(at, problems, () => checkAdminPrincipalArns("adminPrincipalArns", site.adminPrincipalArns));
      problems.push(...controlPlaneProblems(site, at));
      siteCheck(at, problems, () => checkSiteNetwork(site));
      cidrs.push(...siteCidrs(site, at));
    }
  }

  // Only routable ranges must differ between sites: Skupper needs no routes between clusters, but
  // node and VPC-native pod ranges must not collide if the networks are ever peered.
  // Service ranges and Azure overlay pod ranges never leave their cluster and may repeat.
  const routable = cidrs.filter((entry) => entry.routable);
  for (let i = 0; i < routable.length; i++) {
    for (let j = i + 1; j < routable.length; j++) {
      const [a, b] = [routable[i], routable[j]];
      if (siteOf(a.field) !== siteOf(b.field) && cidrsOverlap(a.cidr, b.cidr)) {
        add(b.field, b.cidr.text, `It overlaps ${a.field} (${a.cidr.text}) of another site; node and pod ranges must be disjoint across sites.`);
      }
    }
  }

  problems.push(...finalizeProblems(top.raw));
  if (siteCount > 0 && sites.length === siteCount) problems.push(...rootClientSiteProblems(top.raw, [...names.keys()]));

  const allParsed = sites.length === siteCount;
  if (survivalGoal === "region") {
    if (siteCount > 0 && siteCount < 3) {
      add(
        "survivalGoal",
        survivalGoal,
        `Surviving the loss of a site needs at least 3 sites (the ${siteCount} here cannot keep a majority without the lost one); add sites or use "zone".`,
      );
    } else if (allParsed && siteCount >= 3) {
      const capacity = regionFailureCapacity(sites.map(({ site }) => site.replicas));
      if (capacity < REGION_FAILURE_REPLICAS) {
        add(
          "survivalGoal",
          survivalGoal,
          `Surviving a site needs ${REGION_FAILURE_REPLICAS} replicas with at most ${MAX_REPLICAS_PER_SITE} in any site, but the sites' replicas hold only ${capacity} that way; give at least two sites ${MAX_REPLICAS_PER_SITE} or more replicas, or use "zone".`,
        );
      }
    }
  } else if (survivalGoal === "zone" && allParsed && siteCount > 0) {
    const total = sites.reduce((sum, { site }) => sum + site.replicas, 0);
    if (total < 3) {
      add("survivalGoal", survivalGoal, `Keeping 3 replicas needs at least 3 CockroachDB pods; the sites run ${total}. Raise replicas.`);
    }
  }
  return problems;
}

/** Every site named in cockroach.rootClientSites must exist. */
function rootClientSiteProblems(raw: unknown, siteNames: readonly string[]): ConfigError[] {
  const listed = topologySchema.shape.cockroach.safeParse(valueAt(raw, ["cockroach"])).data?.rootClientSites ?? [];
  return listed.flatMap((name, i) =>
    siteNames.includes(name)
      ? []
      : [new ConfigError(`cockroach.rootClientSites[${i}]`, name, `No site has this name; use one of the sites' names (${siteNames.join(", ")}).`)],
  );
}

/** finalizeUpgrade must name the major the image runs: finalizing any other is premature or meaningless. */
function finalizeProblems(raw: unknown): ConfigError[] {
  const cockroach = topologySchema.shape.cockroach.safeParse(valueAt(raw, ["cockroach"])).data;
  if (cockroach?.finalizeUpgrade === undefined) return [];
  const version = cockroachImageVersion("cockroach.image", cockroach.image ?? COCKROACH_IMAGE);
  const major = version ? `${version.major}.${version.minor}` : undefined;
  if (cockroach.finalizeUpgrade === major) return [];
  return [
    new ConfigError(
      "cockroach.finalizeUpgrade",
      cockroach.finalizeUpgrade,
      major
        ? `The image runs CockroachDB ${major}; finalize only the major every site runs (${JSON.stringify(major)}), after the rollout is complete.`
        : "The image names no version (digest only); tag it with vX.Y.Z to finalize an upgrade here.",
    ),
  ];
}

/** Names and versions of the right shape that the cloud does not have or offer (lists in lib/sites/known-locations). */
function plausibilityProblems(site: ManagedSite, at: string, zonesWellFormed: boolean): ConfigError[] {
  const problems: ConfigError[] = [];
  if (!site.allowUnknownRegion) {
    const regionFix = unknownRegionFix(site.cloud, site.region);
    if (regionFix) problems.push(new ConfigError(`${at}.region`, site.region, regionFix));
    else if (zonesWellFormed) {
      site.zones.forEach((zone, i) => {
        const zoneFix = unknownZoneFix(site.cloud, site.region, zone);
        if (zoneFix) problems.push(new ConfigError(`${at}.zones[${i}]`, zone, zoneFix));
      });
    }
  }
  if (site.kubernetesVersion !== undefined && !site.allowUnsupportedKubernetesVersion) {
    const versionFix = unsupportedKubernetesVersionFix(site.cloud, site.kubernetesVersion);
    if (versionFix) problems.push(new ConfigError(`${at}.kubernetesVersion`, site.kubernetesVersion, versionFix));
  }
  return problems;
}

/** Namespaces that belong to Kubernetes itself or to the Skupper controller (cluster scope). */
const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default", DEFAULT_SKUPPER_CONTROLLER_NAMESPACE];

const CPU_MILLIS = { min: 500, max: 128_000 };
const MEMORY_BYTES = { min: 2 * 2 ** 30, max: 2 ** 40 };
const STORAGE_BYTES = { min: 10 * 2 ** 30, max: 64 * 2 ** 40 };

/** Top-level values that are well-formed but cannot deploy; each is looked at only when its own format passed. */
function topLevelProblems(raw: unknown, siteCount: number): ConfigError[] {
  const problems: ConfigError[] = [];
  const add = (field: string, value: unknown, fix: string) => problems.push(new ConfigError(field, value, fix));
  const shape = topologySchema.shape;
  const namespace = shape.namespace.safeParse(valueAt(raw, ["namespace"])).data;
  if (namespace !== undefined && RESERVED_NAMESPACES.includes(namespace)) {
    add("namespace", namespace, `It belongs to Kubernetes or the Skupper controller (${RESERVED_NAMESPACES.join(", ")} are reserved); use a namespace of its own such as "cockroachdb".`);
  }
  const cockroach = shape.cockroach.safeParse(valueAt(raw, ["cockroach"])).data;
  if (cockroach !== undefined) {
    if (cockroach.image !== undefined && !cockroach.allowUnsupportedVersion) {
      const fix = cockroachReleaseFix(parseImageReference(cockroach.image)?.tag);
      if (fix) add("cockroach.image", cockroach.image, fix);
    }
    const bounded = (field: string, text: string | undefined, value: number, bounds: { min: number; max: number }, range: string) => {
      if (text !== undefined && (value < bounds.min || value > bounds.max)) add(`cockroach.${field}`, text, `Use ${range} per pod.`);
    };
    if (cockroach.cpu !== undefined) bounded("cpu", cockroach.cpu, parseCpuMillis("cpu", cockroach.cpu), CPU_MILLIS, 'between "500m" and "128" cores (a number without unit is cores: "7000" is 7000 cores)');
    if (cockroach.memory !== undefined) bounded("memory", cockroach.memory, parseMemoryBytes("memory", cockroach.memory), MEMORY_BYTES, 'between "2Gi" and "1Ti" (a number without unit is bytes)');
    if (cockroach.storageSize !== undefined) {
      bounded("storageSize", cockroach.storageSize, parseStorageBytes("storageSize", cockroach.storageSize), STORAGE_BYTES, 'between "10Gi" and "64Ti" (a number without unit is bytes: "100" is 100 bytes; write "100Gi")');
    }
  }
  const backend = shape.backend.safeParse(valueAt(raw, ["backend"])).data;
  if (backend?.type === "cloud" && siteCount > 0) {
    // The longest stack name a site can get; the backend itself would fail only at its first stack.
    const longest = Math.max(...[...GLOBAL_STACKS, ...topLevelSiteNames(raw).flatMap((name) => Object.values(stackNames).map((stack) => stack(name)))].map((n) => n.length));
    const length = backend.workspacePrefix.length + 1 + longest;
    if (length > MAX_WORKSPACE_NAME_LENGTH) {
      add("backend.workspacePrefix", backend.workspacePrefix, `Workspace names ("<prefix>-<stack>") have at most ${MAX_WORKSPACE_NAME_LENGTH} characters, and the longest stack name here makes ${length}; shorten the prefix or the site names.`);
    }
  }
  return problems;
}

function topLevelSiteNames(raw: unknown): string[] {
  const sites = valueAt(raw, ["sites"]);
  return Array.isArray(sites) ? sites.map((s) => valueAt(s, ["name"])).filter((n): n is string => typeof n === "string") : [];
}

function siteOf(field: string): string {
  return field.slice(0, field.indexOf("]") + 1);
}

/** The site construct's own network check, naming the file's fields (`network.subnetCidr`, ...). */
function checkSiteNetwork(site: ManagedSite): void {
  switch (site.cloud) {
    case "aws":
      checkEksNetwork(site.network, { vpcCidr: "network.vpcCidr", serviceCidr: "network.serviceCidr" });
      return;
    case "gcp":
      checkGkeNetwork(
        { nodeCidr: site.network.subnetCidr, podCidr: site.network.podsCidr, serviceCidr: site.network.servicesCidr },
        { nodeCidr: "network.subnetCidr", podCidr: "network.podsCidr", serviceCidr: "network.servicesCidr" },
        site.nodes.count + site.zones.length,
      );
      return;
    case "azure":
      checkAksNetwork(
        { vnetCidr: site.network.vnetCidr, nodeCidr: site.network.subnetCidr, podCidr: site.network.podCidr, serviceCidr: site.network.serviceCidr },
        { vnetCidr: "network.vnetCidr", nodeCidr: "network.subnetCidr", podCidr: "network.podCidr", serviceCidr: "network.serviceCidr" },
      );
      return;
  }
}

/** The site's ranges for the checks across sites; those within the site are checkSiteNetwork's. */
function siteCidrs(site: ManagedSite, at: string): CidrEntry[] {
  const entry = (key: string, text: string, routable: boolean): CidrEntry => ({
    field: `${at}.network.${key}`,
    cidr: parseIpv4Cidr(`${at}.network.${key}`, text),
    routable,
  });
  switch (site.cloud) {
    case "aws":
      return [entry("vpcCidr", site.network.vpcCidr, true), entry("serviceCidr", site.network.serviceCidr, false)];
    case "gcp":
      return [
        entry("subnetCidr", site.network.subnetCidr, true),
        entry("podsCidr", site.network.podsCidr, true),
        entry("servicesCidr", site.network.servicesCidr, false),
      ];
    case "azure":
      // The subnet lies in the VNet, so the VNet alone stands for both in the checks across sites.
      return [
        entry("vnetCidr", site.network.vnetCidr, true),
        entry("podCidr", site.network.podCidr, false),
        entry("serviceCidr", site.network.serviceCidr, false),
      ];
  }
}
