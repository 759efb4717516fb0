/**
 * Turns what the clusters and the database answered into the operator's verdict: per site
 * reachability, Skupper, nodes and certificates; for the cluster ranges, the survival goal
 * and backups; every problem with its severity; and the exit code.
 */
import { statefulSetName } from "../../lib/core/naming";
import { REGION_FAILURE_REPLICAS } from "../../lib/database/sites";
import { planBackups } from "../backup";
import type { Site, SurvivalGoal, Topology } from "../topology/types";
import type { CertificateExpiry, NodeStatusRow, SkupperState, VoterGroup } from "./parse";

/** A schedule that has not succeeded for this long is late (a daily full backup plus an hour). */
export const DEFAULT_BACKUP_MAX_AGE_HOURS = 25;
/** Certificates expiring sooner than this need rotating now. */
export const CERTIFICATE_WARNING_DAYS = 30;
/** CockroachDB's default `server.time_until_store_dead`, used when the setting cannot be read. */
export const DEFAULT_TIME_UNTIL_STORE_DEAD_SECONDS = 300;

/**
 * Exit codes, worst wins. 1: needs attention, yet every range is available and the survival
 * goal holds. 2: the survival goal does not hold right now (one more site or zone lost would make
 * ranges unavailable), or it cannot be checked. 3: ranges are unavailable now, or no SQL client
 * could be reached to ask the database at all. 4 (from the CLI): the command could not run.
 */
export const EXIT = { healthy: 0, degraded: 1, atRisk: 2, outage: 3, usage: 4 } as const;
export type Severity = "degraded" | "atRisk" | "outage";

export interface Problem {
  readonly severity: Severity;
  /** The site it concerns; absent for cluster-wide problems. */
  readonly site?: string;
  readonly message: string;
}

/** An answer or the reason there is none. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface SiteObservation {
  readonly reachable: Answer<true>;
  readonly skupper?: Answer<SkupperState>;
  readonly certificates?: Answer<CertificateExpiry[]>;
}

export interface BackupSchedule {
  readonly id: string;
  readonly label: string;
  readonly status: string;
}

export interface Observations {
  readonly now: Date;
  /** "cluster" when `now` is the database's clock, "local" when the database could not be asked. */
  readonly clock: "cluster" | "local";
  readonly sites: ReadonlyMap<string, SiteObservation>;
  /** The site whose SQL client ran the cockroach commands; undefined when none could. */
  readonly sqlClientSite?: string;
  readonly sqlClientError?: string;
  readonly nodes?: Answer<NodeStatusRow[]>;
  readonly timeUntilStoreDeadSeconds?: number;
  readonly voterGroups?: Answer<VoterGroup[]>;
  readonly backupSchedules?: Answer<BackupSchedule[]>;
  /** Newest successful job per schedule ID (undefined: none in the job history). */
  readonly lastSuccess?: Answer<ReadonlyMap<string, Date | undefined>>;
  /** From the stacks' outputs file, when one was given. */
  readonly outputs?: { readonly replicationFactor?: number; readonly deployedSites?: ReadonlySet<string> };
}

export type NodeState = "live" | "suspect" | "dead" | "decommissioning";

export interface NodeReport {
  readonly id: number;
  readonly pod?: string;
  readonly state: NodeState;
}

export interface SiteReport {
  readonly name: string;
  readonly cloud: string;
  readonly region: string;
  readonly kubectl: { readonly reachable: boolean; readonly error?: string };
  readonly skupper: {
    readonly site?: { readonly status: string; readonly sitesInNetwork?: number; readonly message?: string };
    readonly links: readonly { readonly name: string; readonly remoteSite?: string; readonly status: string; readonly message?: string }[];
    readonly error?: string;
  };
  readonly nodes?: {
    readonly expected: number;
    readonly live: number;
    readonly suspect: number;
    readonly dead: number;
    /** Pods of the site that never joined as a node. */
    readonly missing: number;
    readonly list: readonly NodeReport[];
  };
  readonly certificates: { readonly nearest?: { readonly source: string; readonly notAfter: string; readonly daysLeft: number }; readonly error?: string };
}

export interface BackupReport {
  /** The locality `cloud` tier (aws, gcp, azure) or an existing site's name (see planBackups). */
  readonly key: string;
  readonly label: string;
  readonly schedules: number;
  readonly lastSuccess?: string;
  readonly ageHours?: number;
  readonly state: "ok" | "late" | "never" | "missing" | "unknown";
}

export interface SurvivalReport {
  readonly goal: SurvivalGoal;
  /** null: it could not be checked. */
  readonly holds: boolean | null;
  readonly replicationFactor: number;
  /** What the goal survives the loss of: a whole site, or one zone. */
  readonly failureDomain: "site" | "zone";
  readonly rangesChecked: number;
  /** Ranges without a majority of live voters now. */
  readonly unavailableRanges: number;
  /** For each site (or zone) still up: ranges that would lose their majority with it. */
  readonly atRisk: readonly { readonly domain: string; readonly ranges: number }[];
  readonly reason?: string;
}

export interface StatusReport {
  readonly topology: string;
  readonly checkedAt: string;
  readonly clock: "cluster" | "local";
  readonly sqlClientSite: string | null;
  readonly sites: readonly SiteReport[];
  readonly ranges?: { readonly unavailable: number; readonly underReplicated: number };
  readonly survival: SurvivalReport;
  readonly backups: readonly BackupReport[];
  readonly problems: readonly Problem[];
  readonly health: "healthy" | Severity;
  readonly exitCode: number;
}

/** The site a node belongs to, from its advertised address `<prefix>-<site>-<ordinal>.<namespace>...`. */
export function siteOfNode(topology: Topology, address: string): { site: Site; pod: string } | undefined {
  const pod = address.split(".")[0].split(":")[0];
  for (const site of topology.sites) {
    const match = new RegExp(`^${statefulSetName(topology.statefulSetPrefix, site.name)}-(\\d+)$`).exec(pod);
    if (match) return { site, pod };
  }
  return undefined;
}

function nodeState(node: NodeStatusRow, now: Date, deadAfterSeconds: number): NodeState {
  if (node.isLive) return node.membership === "decommissioning" ? "decommissioning" : "live";
  const silentFor = node.updatedAt ? (now.getTime() - node.updatedAt.getTime()) / 1000 : Infinity;
  return silentFor > deadAfterSeconds ? "dead" : "suspect";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const SEVERITY_ORDER: readonly Severity[] = ["degraded", "atRisk", "outage"];
const EXIT_OF: Record<Severity, number> = { degraded: EXIT.degraded, atRisk: EXIT.atRisk, outage: EXIT.outage };

export function evaluate(topology: Topology, seen: Observations): StatusReport {
  const problems: Problem[] = [];
  const problem = (severity: Severity, message: string, site?: string) => problems.push({ severity, message, ...(site ? { site } : {}) });
  const deadAfter = seen.timeUntilStoreDeadSeconds ?? DEFAULT_TIME_UNTIL_STORE_DEAD_SECONDS;

  // Nodes, each mapped to its site by the name it advertises.
  const nodesBySite = new Map<string, NodeReport[]>();
  const stateOf = new Map<number, NodeState>();
  const domainOf = new Map<number, string>();
  const nodes = seen.nodes?.ok ? seen.nodes.value.filter((n) => n.membership !== "decommissioned") : undefined;
  for (const node of nodes ?? []) {
    const state = nodeState(node, seen.now, deadAfter);
    const owner = siteOfNode(topology, node.address);
    stateOf.set(node.id, state);
    const siteName = owner?.site.name ?? `unknown (${node.address})`;
    // A zone is the whole locality (cloud, region, zone tiers); a site is the site.
    domainOf.set(node.id, topology.survivalGoal === "zone" ? node.locality || siteName : siteName);
    if (!owner) problem("degraded", `Node n${node.id} (${node.address}) belongs to no site of the topology.`);
    const list = nodesBySite.get(siteName) ?? [];
    list.push({ id: node.id, ...(owner ? { pod: owner.pod } : {}), state });
    nodesBySite.set(siteName, list);
  }

  const sites: SiteReport[] = topology.sites.map((site) => {
    const observed = seen.sites.get(site.name);
    const reachable = observed?.reachable.ok ?? false;
    if (!reachable) {
      problem("degraded", `kubectl cannot reach the cluster: ${observed && !observed.reachable.ok ? observed.reachable.error : "not checked"}.`, site.name);
    }
    if (seen.outputs?.deployedSites && !seen.outputs.deployedSites.has(site.name)) {
      problem("degraded", "The outputs file has no outputs of this site's database stack: is it deployed?", site.name);
    }

    let skupper: SiteReport["skupper"] = { links: [] };
    if (observed?.skupper && !observed.skupper.ok) {
      skupper = { links: [], error: observed.skupper.error };
      problem("degraded", `Skupper objects cannot be read: ${observed.skupper.error}.`, site.name);
    } else if (observed?.skupper?.ok) {
      const state = observed.skupper.value;
      skupper = { ...(state.site ? { site: { status: state.site.status, sitesInNetwork: state.site.sitesInNetwork, message: state.site.message } } : {}), links: state.links };
      if (!state.site) problem("degraded", "No Skupper Site exists in the namespace.", site.name);
      else if (state.site.status !== "Ready") problem("degraded", `Skupper Site is ${state.site.status}${state.site.message ? `: ${state.site.message}` : ""}.`, site.name);
      else if (state.site.sitesInNetwork !== undefined && state.site.sitesInNetwork < topology.sites.length) {
        problem("degraded", `Skupper sees ${state.site.sitesInNetwork} of ${topology.sites.length} sites in the network.`, site.name);
      }
      for (const link of state.links.filter((l) => l.status !== "Ready")) {
        problem("degraded", `Skupper Link ${link.name} is ${link.status}${link.message ? `: ${link.message}` : ""}.`, site.name);
      }
    }

    let nodeSummary: SiteReport["nodes"];
    if (nodes) {
      const list = (nodesBySite.get(site.name) ?? []).sort((a, b) => a.id - b.id);
      const tally = (state: NodeState) => list.filter((n) => n.state === state).length;
      const joinedPods = new Set(list.map((n) => n.pod));
      const missing = Array.from({ length: site.replicas }, (_, i) => `${statefulSetName(topology.statefulSetPrefix, site.name)}-${i}`).filter((pod) => !joinedPods.has(pod)).length;
      nodeSummary = { expected: site.replicas, live: tally("live"), suspect: tally("suspect") + tally("decommissioning"), dead: tally("dead"), missing, list };
      const notLive = list.filter((n) => n.state !== "live");
      if (notLive.length > 0) problem("degraded", `Nodes not live: ${notLive.map((n) => `n${n.id}${n.pod ? ` (${n.pod})` : ""} ${n.state}`).join(", ")}.`, site.name);
      if (missing > 0) problem("degraded", `${plural(missing, "pod")} of ${site.replicas} never joined the cluster.`, site.name);
    }

    let certificates: SiteReport["certificates"] = {};
    if (observed?.certificates && !observed.certificates.ok) {
      certificates = { error: observed.certificates.error };
      problem("degraded", `Certificate Secrets cannot be read: ${observed.certificates.error}.`, site.name);
    } else if (observed?.certificates?.ok) {
      const nearest = [...observed.certificates.value].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())[0];
      if (nearest) {
        const daysLeft = Math.floor((nearest.notAfter.getTime() - seen.now.getTime()) / 86_400_000);
        certificates = { nearest: { source: nearest.source, notAfter: nearest.notAfter.toISOString(), daysLeft } };
        if (daysLeft < 0) problem("outage", `Certificate ${nearest.source} expired on ${nearest.notAfter.toISOString()}.`, site.name);
        else if (daysLeft < CERTIFICATE_WARNING_DAYS) problem("degraded", `Certificate ${nearest.source} expires in ${plural(daysLeft, "day")} (${nearest.notAfter.toISOString()}).`, site.name);
      }
    }

    return {
      name: site.name,
      cloud: site.cloud,
      region: site.region,
      kubectl: reachable ? { reachable } : { reachable, error: observed && !observed.reachable.ok ? observed.reachable.error : "not checked" },
      skupper,
      ...(nodeSummary ? { nodes: nodeSummary } : {}),
      certificates,
    };
  });

  if (!seen.sqlClientSite) problem("outage", `No SQL client could be reached, so the database was not asked: ${seen.sqlClientError ?? "no reachable site has one"}.`);
  else if (seen.nodes && !seen.nodes.ok) problem("outage", `cockroach node status failed: ${seen.nodes.error}.`);

  let ranges: StatusReport["ranges"];
  if (nodes) {
    // Dead nodes keep their last reported metrics; only live nodes count.
    const live = nodes.filter((n) => n.isLive);
    ranges = { unavailable: live.reduce((s, n) => s + n.rangesUnavailable, 0), underReplicated: live.reduce((s, n) => s + n.rangesUnderreplicated, 0) };
    if (ranges.unavailable > 0) problem("outage", `${plural(ranges.unavailable, "range")} unavailable.`);
    if (ranges.underReplicated > 0) problem("degraded", `${plural(ranges.underReplicated, "range")} under-replicated.`);
  }

  const survival = checkSurvival(topology, seen, stateOf, domainOf);
  if (survival.holds === false) {
    if (survival.unavailableRanges > 0) problem("outage", `${plural(survival.unavailableRanges, "range")} have no majority of live voters.`);
    const losses = survival.atRisk.map((r) => `${r.domain} (${plural(r.ranges, "range")})`).join(" or ");
    if (losses) problem("atRisk", `Survival goal ${survival.goal} does not hold: losing ${losses} would leave those ranges without a majority.`);
  } else if (survival.holds === null && seen.sqlClientSite) {
    problem("atRisk", `Survival goal ${survival.goal} cannot be checked: ${survival.reason}.`);
  }

  const backups = checkBackups(topology, seen, problem);

  const worst = SEVERITY_ORDER.filter((s) => problems.some((p) => p.severity === s)).pop();
  return {
    topology: topology.source,
    checkedAt: seen.now.toISOString(),
    clock: seen.clock,
    sqlClientSite: seen.sqlClientSite ?? null,
    sites,
    ...(ranges ? { ranges } : {}),
    survival,
    backups,
    problems,
    health: worst ?? "healthy",
    exitCode: worst ? EXIT_OF[worst] : EXIT.healthy,
  };
}

/**
 * For every group of ranges with the same voters: is a majority of them live now, and would
 * it stay so if any one site (goal region) or zone (goal zone) that still has live voters went
 * down too? That is what the goal promises, checked on the replicas as they are placed now.
 */
function checkSurvival(
  topology: Topology,
  seen: Observations,
  stateOf: ReadonlyMap<number, NodeState>,
  domainOf: ReadonlyMap<number, string>,
): SurvivalReport {
  const goal = topology.survivalGoal;
  const replicationFactor = seen.outputs?.replicationFactor ?? (goal === "region" ? REGION_FAILURE_REPLICAS : 3);
  const base = { goal, replicationFactor, failureDomain: goal === "region" ? ("site" as const) : ("zone" as const) };
  const unknown = (reason: string): SurvivalReport => ({ ...base, holds: null, rangesChecked: 0, unavailableRanges: 0, atRisk: [], reason });
  if (!seen.sqlClientSite) return unknown("no SQL client could be reached");
  if (!seen.nodes?.ok) return unknown("node status is unknown");
  if (!seen.voterGroups) return unknown("range placement was not read");
  if (!seen.voterGroups.ok) return unknown(`SHOW CLUSTER RANGES failed: ${seen.voterGroups.error}`);

  let rangesChecked = 0;
  let unavailableRanges = 0;
  const atRisk = new Map<string, number>();
  for (const group of seen.voterGroups.value) {
    if (group.voters.length === 0) continue;
    rangesChecked += group.ranges;
    const majority = Math.floor(group.voters.length / 2) + 1;
    // A decommissioning node still votes until its replicas have moved.
    const live = group.voters.filter((id) => ["live", "decommissioning"].includes(stateOf.get(id) ?? "dead"));
    if (live.length < majority) {
      unavailableRanges += group.ranges;
      continue;
    }
    for (const domain of new Set(live.map((id) => domainOf.get(id) ?? `n${id}`))) {
      const remaining = live.filter((id) => (domainOf.get(id) ?? `n${id}`) !== domain).length;
      if (remaining < majority) atRisk.set(domain, (atRisk.get(domain) ?? 0) + group.ranges);
    }
  }
  if (rangesChecked === 0) return unknown("SHOW CLUSTER RANGES returned no ranges");
  return {
    ...base,
    holds: unavailableRanges === 0 && atRisk.size === 0,
    rangesChecked,
    unavailableRanges,
    atRisk: [...atRisk.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([domain, ranges]) => ({ domain, ranges })),
  };
}

function checkBackups(topology: Topology, seen: Observations, problem: (severity: Severity, message: string, site?: string) => void): BackupReport[] {
  // The schedules the deployment creates: one per cloud, one per existing site with a destination.
  const targets = planBackups(topology);
  if (!seen.backupSchedules || !seen.backupSchedules.ok) {
    const reason = seen.backupSchedules && !seen.backupSchedules.ok ? seen.backupSchedules.error : "the database was not asked";
    if (seen.sqlClientSite) problem("degraded", `Backup schedules cannot be read: ${reason}.`);
    return targets.map(({ key, label }) => ({ key, label, schedules: 0, state: "unknown" as const }));
  }
  const schedules = seen.backupSchedules.value;
  const successes = seen.lastSuccess?.ok ? seen.lastSuccess.value : undefined;
  if (seen.lastSuccess && !seen.lastSuccess.ok) problem("degraded", `Backup jobs cannot be read: ${seen.lastSuccess.error}.`);
  return targets.map(({ key, label, siteName }): BackupReport => {
    const own = schedules.filter((s) => s.label === label);
    if (own.length === 0) {
      problem("degraded", `No backup schedule labelled ${label}.`);
      return { key, label, schedules: 0, state: "missing" };
    }
    if (!successes) return { key, label, schedules: own.length, state: "unknown" };
    const last = own
      .map((s) => successes.get(s.id))
      .filter((d): d is Date => d !== undefined)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    const paused = own.filter((s) => s.status !== "ACTIVE");
    if (paused.length > 0) problem("degraded", `Backup schedule ${label} is ${paused.map((s) => s.status).join(", ")}.`);
    if (!last) {
      problem("degraded", `Backup ${label} has never succeeded (in the job history).`);
      return { key, label, schedules: own.length, state: "never" };
    }
    // The same limit as the site's backup alert; a site without that alert still gets the default.
    const maxAgeHours = topology.sites.find((s) => s.name === siteName)?.monitoring.backupMaxAgeHours || DEFAULT_BACKUP_MAX_AGE_HOURS;
    const ageHours = Math.round(((seen.now.getTime() - last.getTime()) / 3_600_000) * 10) / 10;
    const late = ageHours > maxAgeHours;
    if (late) problem("degraded", `Backup ${label} last succeeded ${ageHours} h ago (more than ${maxAgeHours} h).`);
    return { key, label, schedules: own.length, lastSuccess: last.toISOString(), ageHours, state: late ? "late" : "ok" };
  });
}
