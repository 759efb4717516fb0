/**
 * Asks every site and then the database, in parallel where the answers are independent, each
 * call under its own deadline: a lost cloud shows up as one site's errors, never as a hang.
 */
import type { Topology } from "../topology/types";
import type { Answer, BackupSchedule, Observations, SiteObservation } from "./evaluate";
import { parseNdjson, parseNodeStatus, parseSecretCertificates, parseSkupper, parseSqlIntervalSeconds, parseSqlTimestamp, parseVoterGroups } from "./parse";
import { SQL, SiteProbe, failureReason } from "./probes";
import type { CommandResult, CommandRunner } from "./run-command";

export interface CollectOptions {
  readonly run: CommandRunner;
  readonly timeoutMs: number;
  /** Run the cockroach commands in this site's SQL client instead of the first reachable one. */
  readonly clientSite?: string;
  readonly outputs?: Observations["outputs"];
}

function answer<T>(result: CommandResult, timeoutMs: number, read: (stdout: string) => T): Answer<T> {
  if (!result.ok) return { ok: false, error: failureReason(result, timeoutMs) };
  try {
    return { ok: true, value: read(result.stdout) };
  } catch (error) {
    return { ok: false, error: `unreadable output (${(error as Error).message.split("\n")[0]})` };
  }
}

export async function collect(topology: Topology, options: CollectOptions): Promise<Observations> {
  const { run, timeoutMs } = options;
  const probes = topology.sites.map((site) => new SiteProbe(site, topology, run, timeoutMs));

  const perSite = await Promise.all(
    probes.map(async (probe): Promise<[string, SiteObservation, boolean]> => {
      const readyz = await probe.readyz();
      if (!readyz.ok) return [probe.site.name, { reachable: { ok: false, error: failureReason(readyz, timeoutMs) } }, false];
      const [skupper, certificates, client] = await Promise.all([probe.skupper(), probe.certificates(), probe.sqlClient()]);
      const readyClients = client.ok ? Number.parseInt(client.stdout.trim() || "0", 10) : 0;
      return [
        probe.site.name,
        {
          reachable: { ok: true, value: true },
          skupper: answer(skupper, timeoutMs, parseSkupper),
          certificates: answer(certificates, timeoutMs, parseSecretCertificates),
        },
        readyClients > 0,
      ];
    }),
  );
  const sites = new Map(perSite.map(([name, observation]) => [name, observation]));

  // The root client certificate may live in one site only: take the first reachable site whose
  // ready client answers SQL (a site whose own nodes are all down has a client that cannot connect).
  const candidates = probes.filter((p) => perSite.some(([name, , hasClient]) => hasClient && name === p.site.name));
  const tried: string[] = [];
  let chosen: SiteProbe | undefined;
  let clock: CommandResult | undefined;
  for (const probe of candidates.filter((p) => !options.clientSite || p.site.name === options.clientSite)) {
    clock = await probe.sql(SQL.clock);
    if (clock.ok) {
      chosen = probe;
      break;
    }
    tried.push(`${probe.site.name}: ${failureReason(clock, timeoutMs)}`);
  }
  if (!chosen || !clock) {
    const none = options.clientSite
      ? `site ${options.clientSite} is unreachable or has no ready deploy/cockroachdb-client`
      : "no reachable site has a ready deploy/cockroachdb-client (a site runs one with sqlClientPod: true)";
    return { now: new Date(), clock: "local", sites, sqlClientError: tried.length > 0 ? tried.join("; ") : none, outputs: options.outputs };
  }

  const [setting, nodes, voters, schedules] = await Promise.all([
    chosen.sql(SQL.timeUntilStoreDead),
    chosen.nodeStatus(),
    chosen.sql(SQL.voterGroups),
    chosen.sql(SQL.backupSchedules),
  ]);
  const clusterNow = parseSqlTimestamp(parseNdjson(clock.stdout)[0]?.now);
  const settingRow = setting.ok ? parseNdjson(setting.stdout)[0] : undefined;
  const backupSchedules = answer(schedules, timeoutMs, (out): BackupSchedule[] =>
    parseNdjson(out).map((row) => ({ id: row.id, label: row.label, status: row.schedule_status })),
  );

  let lastSuccess: Observations["lastSuccess"];
  if (backupSchedules.ok && backupSchedules.value.length > 0) {
    const jobs = await chosen.sql(SQL.lastSuccess(backupSchedules.value.map((s) => s.id)));
    lastSuccess = answer(jobs, timeoutMs, (out) => new Map(parseNdjson(out).map((row) => [row.schedule_id, parseSqlTimestamp(row.last_success)])));
  }

  return {
    now: clusterNow ?? new Date(),
    clock: clusterNow ? "cluster" : "local",
    sites,
    sqlClientSite: chosen.site.name,
    nodes: answer(nodes, timeoutMs, parseNodeStatus),
    timeUntilStoreDeadSeconds: parseSqlIntervalSeconds(settingRow && Object.values(settingRow)[0]),
    voterGroups: answer(voters, timeoutMs, parseVoterGroups),
    backupSchedules,
    ...(lastSuccess ? { lastSuccess } : {}),
    outputs: options.outputs,
  };
}
