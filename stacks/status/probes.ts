/**
 * What the status command asks each cluster and the database, as argv arrays. kubectl reaches
 * a site by the context the deployment gave it; the cockroach CLI runs inside the SQL client
 * pod (`deploy/cockroachdb-client`), which holds the root client certificate and finds the
 * cluster through COCKROACH_HOST / COCKROACH_CERTS_DIR.
 */
import * as os from "os";
import type { Site, Topology } from "../topology/types";
import type { CommandResult, CommandRunner } from "./run-command";
import { SECRET_CERTIFICATES_JSONPATH } from "./parse";

export const SQL_CLIENT_DEPLOYMENT = "cockroachdb-client";
/** The container of CockroachSqlClient's pod. */
const SQL_CLIENT_CONTAINER = "client";

/**
 * The kubectl flags that select a site's cluster and namespace. Managed sites: the context the
 * `<site>-cluster` stack's `kubectl_credentials` command creates (named after the site);
 * existing sites: the topology's kubeconfig and context.
 */
export function kubectlTarget(site: Site, namespace: string): string[] {
  if (site.cloud !== "existing") return ["--context", site.name, "--namespace", namespace];
  // No shell expands `~` here; the kubernetes provider does it for Terraform, this does it for kubectl.
  const home = site.kubeconfig.path.startsWith("~/") ? os.homedir() + site.kubeconfig.path.slice(1) : site.kubeconfig.path;
  return ["--kubeconfig", home, "--context", site.kubeconfig.context, "--namespace", namespace];
}

/** The first non-empty line of a failed call's output, for the report (kubectl errors carry no secrets). */
export function failureReason(result: CommandResult, timeoutMs: number): string {
  if (result.timedOut) return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  const line = `${result.stderr}\n${result.stdout}`.split("\n").map((l) => l.trim()).find((l) => l.length > 0);
  return (line ?? `exit code ${result.exitCode ?? "unknown"}`).slice(0, 200);
}

/** The SQL the status runs, each one statement (verified against CockroachDB v26.2's docs and source). */
export const SQL = {
  /** The cluster's clock: ages (liveness, backups, certificates) are measured against it, not the operator's. */
  clock: "SELECT now() AS now",
  /** How long a node may be unreachable before CockroachDB declares it dead and moves its replicas. */
  timeUntilStoreDead: "SHOW CLUSTER SETTING server.time_until_store_dead",
  /** Ranges grouped by their voting replicas: enough to tell which sites' loss each range survives. */
  voterGroups: "SELECT voting_replicas::STRING AS voting_replicas, count(*) AS ranges FROM [SHOW CLUSTER RANGES] GROUP BY 1",
  /** Backup schedules by their label; never the command column (it holds the destination URIs). */
  backupSchedules: "SELECT id, label, schedule_status FROM [SHOW SCHEDULES FOR BACKUP] WHERE label LIKE 'crdb-backup-%' ORDER BY label, id",
  /** The newest successful job of each schedule (a full and an incremental schedule share one label). */
  lastSuccess(scheduleIds: readonly string[]): string {
    return scheduleIds
      .filter((id) => /^\d+$/.test(id))
      .map((id) => `SELECT ${id} AS schedule_id, max(finished) AS last_success FROM [SHOW JOBS FOR SCHEDULE ${id}] WHERE status = 'succeeded'`)
      .join(" UNION ALL ");
  },
};

export class SiteProbe {
  private readonly target: string[];

  constructor(
    readonly site: Site,
    topology: Topology,
    private readonly run: CommandRunner,
    readonly timeoutMs: number,
  ) {
    this.target = kubectlTarget(site, topology.namespace);
  }

  private kubectl(args: readonly string[]): Promise<CommandResult> {
    // kubectl's own request timeout as well, so it gives up cleanly before it is killed.
    const requestTimeout = `--request-timeout=${Math.max(1, Math.floor(this.timeoutMs / 1000) - 1)}s`;
    return this.run(["kubectl", ...this.target, requestTimeout, ...args], this.timeoutMs);
  }

  /** The API server's readiness endpoint: open to every authenticated user. */
  readyz(): Promise<CommandResult> {
    return this.kubectl(["get", "--raw", "/readyz"]);
  }

  skupper(): Promise<CommandResult> {
    return this.kubectl(["get", "sites.skupper.io,links.skupper.io", "-o", "json"]);
  }

  certificates(): Promise<CommandResult> {
    return this.kubectl(["get", "secrets", "-o", `jsonpath=${SECRET_CERTIFICATES_JSONPATH}`]);
  }

  /** Ready replicas of the SQL client; empty output when it has none, NotFound when the site has no client. */
  sqlClient(): Promise<CommandResult> {
    return this.kubectl(["get", "deployment", SQL_CLIENT_DEPLOYMENT, "-o", "jsonpath={.status.readyReplicas}"]);
  }

  cockroach(args: readonly string[]): Promise<CommandResult> {
    return this.kubectl(["exec", `deploy/${SQL_CLIENT_DEPLOYMENT}`, "-c", SQL_CLIENT_CONTAINER, "--", "cockroach", ...args]);
  }

  nodeStatus(): Promise<CommandResult> {
    return this.cockroach(["node", "status", "--ranges", "--decommission", "--format=ndjson"]);
  }

  sql(statement: string): Promise<CommandResult> {
    return this.cockroach(["sql", "--format=ndjson", "-e", statement]);
  }
}
