/**
 * What the init Job sets up once every node has joined: backup schedules, SQL users and
 * databases. The SQL comes from pure functions (tested alone); the bash around them decides
 * from the cluster's answers what is missing or changed, so every run converges and a re-run
 * creates nothing twice. Statements reach `cockroach sql` on stdin, never in argv, because some
 * carry passwords or credentials.
 */
import { fail } from "../core/validation";
import { CERTS_DIR, OPERATOR_SQL_USER } from "./common";
import { shellQuote } from "./scripts";

/** A SQL identifier, double-quoted (so reserved words and case are kept). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_USERS = new Set(["root", "admin", "public", "node", "none", "current_user", "session_user"]);

/** A user or database name: lower-case, so it needs no quoting in applications' connection strings. */
export function checkSqlName(field: string, name: string): string {
  if (typeof name !== "string" || !SQL_NAME.test(name)) {
    fail(field, name, "Use 1-63 lower-case letters, digits and '_', starting with a letter or '_'.");
  }
  return name;
}

export function checkSqlUserName(field: string, name: string): string {
  checkSqlName(field, name);
  if (RESERVED_USERS.has(name)) fail(field, name, `CockroachDB reserves ${name}; choose another user name.`);
  if (name === OPERATOR_SQL_USER) fail(field, name, `${name} is the identity of the per-site Jobs (created by the init Job); choose another user name.`);
  return name;
}

// ---- backup schedules -------------------------------------------------------------------

export interface BackupScheduleSpec {
  /** `crdb-backup-<key>`. */
  readonly label: string;
  /** Collection URI (without credentials when `credentialsEnv` adds them at run time). */
  readonly uri: string;
  /** `EXECUTION LOCALITY` filter, e.g. "cloud=aws". */
  readonly executionLocality: string;
  /** `RECURRING` crontab of the incremental backups. */
  readonly incrementalSchedule: string;
  /** `FULL BACKUP` crontab. */
  readonly fullSchedule: string;
  /** `host:port` of a node inside `executionLocality`: only such nodes hold the credentials. */
  readonly gatewayHost: string;
  /**
   * Environment variable holding URI parameters with credentials, appended to `uri` at run time.
   * @default none
   */
  readonly credentialsEnv?: string;
}

type ScheduleSql = Pick<BackupScheduleSpec, "label" | "executionLocality" | "incrementalSchedule" | "fullSchedule">;

/**
 * One cloud's schedule pair (incremental on `RECURRING`, full on `FULL BACKUP`) of the whole
 * cluster, with revision history, run only by nodes matching the execution locality. The first
 * full backup runs right away; `ignore_existing_backups` lets a re-created schedule write into a
 * collection that still holds older backups (a restored deployment, a dropped schedule).
 * `uriLiteral` is the quoted URI (a placeholder when bash supplies it).
 */
export function createBackupScheduleSql(s: ScheduleSql, uriLiteral: string): string {
  return (
    `CREATE SCHEDULE IF NOT EXISTS ${quoteLiteral(s.label)} FOR BACKUP INTO ${uriLiteral}` +
    ` WITH revision_history = true, EXECUTION LOCALITY = ${quoteLiteral(s.executionLocality)}` +
    ` RECURRING ${quoteLiteral(s.incrementalSchedule)} FULL BACKUP ${quoteLiteral(s.fullSchedule)}` +
    ` WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups, on_execution_failure = 'reschedule', on_previous_running = 'wait';`
  );
}

/** The schedules of one label: id, recurrence, backup_type (1 = incremental) and the BACKUP statement. */
export function showBackupSchedulesSql(label: string): string {
  return (
    `SELECT id, recurrence, COALESCE(command->>'backup_type', '0'), command->>'backup_statement'` +
    ` FROM [SHOW SCHEDULES] WHERE label = ${quoteLiteral(label)} ORDER BY id;`
  );
}

export const setRecurringClause = (crontab: string) => `SET RECURRING ${quoteLiteral(crontab)}`;
export const setFullBackupClause = (crontab: string) => `SET FULL BACKUP ${quoteLiteral(crontab)}`;
export const setIntoClause = (uriLiteral: string) => `SET INTO ${uriLiteral}`;
export const setExecutionLocalityClause = (filter: string) => `SET WITH EXECUTION LOCALITY = ${quoteLiteral(filter)}`;
/** revision_history needs a value in ALTER BACKUP SCHEDULE (it is a flag only in CREATE). */
export const SET_REVISION_HISTORY_CLAUSE = "SET WITH revision_history = true";

/** Changes a schedule pair in place; `id` may be either schedule of the pair. */
export function alterBackupScheduleSql(id: string, clauses: readonly string[]): string {
  if (!/^\d+$/.test(id)) fail("schedule id", id, "Use the numeric id SHOW SCHEDULES reports.");
  return `ALTER BACKUP SCHEDULE ${id} ${clauses.join(", ")};`;
}

/** Writes, reads and deletes a small test file from every node (its rows carry each node's locality). */
export function checkExternalConnectionSql(uriLiteral: string): string {
  return `CHECK EXTERNAL CONNECTION ${uriLiteral} WITH transfer = '1MiB';`;
}

// ---- users and databases ----------------------------------------------------------------

export interface SqlUserSpec {
  readonly name: string;
  /** Environment variable with the password (from a Secret); never part of the Job spec. */
  readonly passwordEnv: string;
  /** Member of the `admin` role (people's DB Console login). */
  readonly admin?: boolean;
  /** Databases the user gets ALL privileges on. */
  readonly databases?: readonly string[];
}

export interface SqlDatabaseSpec {
  readonly name: string;
  /**
   * Regions of a multi-region database, its primary first; each must be a `region` locality tier
   * of some node. Empty: a plain database.
   */
  readonly regions?: readonly string[];
  /** With regions: "region" adds SURVIVE REGION FAILURE (needs 3+ regions). @default "zone" */
  readonly survivalGoal?: "region" | "zone";
}

export function createUserSql(name: string): string {
  return `CREATE USER IF NOT EXISTS ${quoteIdent(name)};`;
}

/** A printf format: `%s` takes the password with its quotes already doubled (done in bash). */
export function setPasswordSqlFormat(name: string): string {
  return `ALTER USER ${quoteIdent(name)} WITH LOGIN PASSWORD '%s';`;
}

/** Grants are idempotent: granting what a user already has changes nothing. */
export function userGrantsSql(user: SqlUserSpec): string[] {
  return [
    ...(user.admin ? [`GRANT admin TO ${quoteIdent(user.name)};`] : []),
    ...(user.databases ?? []).map((db) => `GRANT ALL ON DATABASE ${quoteIdent(db)} TO ${quoteIdent(user.name)};`),
  ];
}

/**
 * The per-site Jobs' identity (OPERATOR_SQL_USER): certificate login only (no password), member
 * of `admin`. That role is the least that works: `cockroach node status`, which both Jobs run,
 * reads crdb_internal.gossip_liveness and gossip_nodes, which require the admin role
 * (pkg/sql/crdb_internal.go), and the rollout guard sets cluster.preserve_downgrade_option.
 * What root has beyond it stays out of reach: every node RPC (decommission, drain, KV requests),
 * which CockroachDB accepts from root and node certificates only (pkg/rpc/auth.go).
 */
export function operatorUserSql(name: string): string[] {
  return [createUserSql(name), `GRANT admin TO ${quoteIdent(name)};`];
}

export function createDatabaseSql(name: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdent(name)};`;
}

export function primaryRegionSql(name: string): string {
  return `SELECT region FROM [SHOW REGIONS FROM DATABASE ${quoteIdent(name)}] WHERE "primary";`;
}

export function setPrimaryRegionSql(name: string, region: string): string {
  return `ALTER DATABASE ${quoteIdent(name)} SET PRIMARY REGION ${quoteIdent(region)};`;
}

/** The other regions and the survival goal, after the primary region is set. */
export function databaseRegionsSql(db: SqlDatabaseSpec): string[] {
  const regions = db.regions ?? [];
  if (regions.length === 0) return [];
  const goal = db.survivalGoal ?? "zone";
  if (goal === "region" && regions.length < 3) {
    fail(`databases.${db.name}.regions`, regions, "SURVIVE REGION FAILURE needs at least 3 regions; add sites in other regions or use survival goal \"zone\".");
  }
  return [
    ...regions.slice(1).map((region) => `ALTER DATABASE ${quoteIdent(db.name)} ADD REGION IF NOT EXISTS ${quoteIdent(region)};`),
    `ALTER DATABASE ${quoteIdent(db.name)} SURVIVE ${goal.toUpperCase()} FAILURE;`,
  ];
}

// ---- the bash program -------------------------------------------------------------------

export interface ProvisioningScriptOptions {
  /** `host:port` of the node that runs users and databases. */
  readonly host: string;
  readonly schedules: readonly BackupScheduleSpec[];
  readonly databases: readonly SqlDatabaseSpec[];
  /** Created after the databases, so their grants find them. */
  readonly users: readonly SqlUserSpec[];
  /** Attempts of CHECK EXTERNAL CONNECTION before the deploy fails (identities take a while to propagate). @default 10 */
  readonly checkAttempts?: number;
  /**
   * The per-site Jobs' SQL identity (operatorUserSql), created first, so that a failing backup
   * check does not keep it from the other sites' Jobs. @default none
   */
  readonly operatorUser?: string;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Bash lines (for the init script, after all nodes joined) that converge schedules, databases
 * and users. A failed connection check stops the Job with the failing nodes' errors: a permission
 * mistake fails the deploy, not the first backup.
 */
export function provisioningScript(o: ProvisioningScriptOptions): string[] {
  for (const env of [...o.users.map((u) => u.passwordEnv), ...o.schedules.flatMap((s) => (s.credentialsEnv ? [s.credentialsEnv] : []))]) {
    if (!ENV_NAME.test(env)) fail("env", env, "Use an environment variable name of upper-case letters, digits and '_'.");
  }
  const attempts = o.checkAttempts ?? 10;
  const lines = [
    "# Statements go to cockroach sql on stdin: some carry secrets, which must stay out of argv.",
    `sql_at() { timeout 300 cockroach sql --certs-dir=${CERTS_DIR} --host="$1" --format=tsv; }`,
    // Retries ride out a node restart; secret-bearing SQL is never echoed, not even in errors.
    'run_sql() { local out n; for n in 1 2 3 4 5 6; do if out="$(sql_at "$1" 2>&1 <<<"$2")"; then printf \'%s\\n\' "$out" | tail -n +2; return 0; fi; [ "${3:-}" = secret ] && out="(output withheld: the statement holds a secret)"; echo "SQL at $1 failed (attempt $n): ${out:0:500}" >&2; sleep 10; done; return 1; }',
    // Doubles single quotes: the SQL string escape. A variable holds the quote, so no bash quoting rule applies to it.
    "sql_escape() { local q=\"'\"; printf '%s' \"${1//$q/$q$q}\"; }",
    "sql_literal() { printf \"'%s'\" \"$(sql_escape \"$1\")\"; }",
    // A node's row counts when its locality has every key=value of the filter.
    "locality_matches() { local tier; local IFS=,; for tier in $2; do case \",$1,\" in *\",$tier,\"*) ;; *) return 1 ;; esac; done; return 0; }",
  ];
  if (o.operatorUser !== undefined) {
    const name = checkSqlName("operatorUser", o.operatorUser);
    for (const statement of operatorUserSql(name)) lines.push(`run_sql ${shellQuote(o.host)} ${shellQuote(statement)} >/dev/null || exit 1`);
    lines.push(`echo "SQL user ${name} (the per-site Jobs' identity, member of admin) is in place."`);
  }
  // Every destination is checked before any schedule changes, so one cloud's mistake leaves all schedules as they were.
  o.schedules.forEach((s, i) => lines.push(...checkLines(s, i, attempts)));
  for (const s of o.schedules) lines.push(...scheduleLines(s));
  for (const db of o.databases) lines.push(...databaseLines(db, o.host));
  for (const user of o.users) lines.push(...userLines(user, o.host));
  return lines;
}

/** Sets `uri` (with the credentials, if any), `uri_sql` (its SQL literal) and `host`. */
function destinationLines(s: BackupScheduleSpec): string[] {
  const uriSetup = s.credentialsEnv
    ? [
        `creds="\${${s.credentialsEnv}:-}"`,
        `uri=${shellQuote(s.uri)}`,
        'if [ -n "$creds" ]; then case "$uri" in *\\?*) uri="${uri}&${creds}" ;; *) uri="${uri}?${creds}" ;; esac; fi',
      ]
    : [`uri=${shellQuote(s.uri)}`];
  return [...uriSetup, 'uri_sql="$(sql_literal "$uri")"', `host=${shellQuote(s.gatewayHost)}`];
}

// printf formats: the URI literal is supplied by bash, where the credentials are.
function checkLines(s: BackupScheduleSpec, index: number, attempts: number): string[] {
  const v = (name: string) => `${name}_${index}`;
  const checkFormat = printfFormat(checkExternalConnectionSql("%s"));
  return [
    `# ${s.label}: run by ${s.executionLocality} into its own storage; checked from those nodes.`,
    ...destinationLines(s),
    `${v("checked")}=""`,
    `for ((n = 1; n <= ${attempts}; n++)); do`,
    `  rows="$(run_sql "$host" "$(printf ${shellQuote(checkFormat)} "$uri_sql")" secret)" || rows=""`,
    "  total=0; failed=0",
    "  while IFS=$'\\t' read -r node locality ok error rest; do",
    `    [ -n "$node" ] && locality_matches "$locality" ${shellQuote(s.executionLocality)} || continue`,
    "    total=$((total + 1))",
    '    if [ "$ok" != "true" ] && [ "$ok" != "t" ]; then failed=$((failed + 1)); echo "Node $node ($locality) cannot use the backup storage: ${error:0:300}" >&2; fi',
    '  done <<<"$rows"',
    `  if [ "$total" -gt 0 ] && [ "$failed" -eq 0 ]; then ${v("checked")}=yes; echo "${s.label}: all $total nodes of ${s.executionLocality} can write, read and delete in the backup storage."; break; fi`,
    `  echo "${s.label}: storage check not passed yet ($failed of $total nodes failed); retrying."`,
    "  sleep 30",
    "done",
    `if [ -z "$${v("checked")}" ]; then echo "${s.label}: the nodes of ${s.executionLocality} cannot use their backup storage; check the workload identity binding and the bucket permissions." >&2; exit 1; fi`,
  ];
}

function scheduleLines(s: BackupScheduleSpec): string[] {
  const createFormat = printfFormat(createBackupScheduleSql(s, "%s"));
  return [
    ...destinationLines(s),
    `existing="$(run_sql "$host" ${shellQuote(showBackupSchedulesSql(s.label))})" || exit 1`,
    'if [ -z "$existing" ]; then',
    `  run_sql "$host" "$(printf ${shellQuote(createFormat)} "$uri_sql")" secret >/dev/null || exit 1`,
    `  echo "${s.label}: created (incremental ${s.incrementalSchedule}, full ${s.fullSchedule})."`,
    "else",
    '  id=""; clauses=()',
    "  while IFS=$'\\t' read -r sid recurrence type statement; do",
    '    [ -n "$sid" ] || continue',
    '    [ -n "$id" ] || id="$sid"',
    `    if [ "$type" = "1" ]; then [ "$recurrence" = ${shellQuote(s.incrementalSchedule)} ] || clauses+=(${shellQuote(setRecurringClause(s.incrementalSchedule))}); fi`,
    `    if [ "$type" != "1" ]; then [ "$recurrence" = ${shellQuote(s.fullSchedule)} ] || clauses+=(${shellQuote(setFullBackupClause(s.fullSchedule))}); fi`,
    // SHOW SCHEDULES may redact credentials: compare the part of the URI without them.
    `    case "$statement" in *${shellQuote(s.uri)}*) ;; *) into=yes ;; esac`,
    `    case "$statement" in *${shellQuote(`'${s.executionLocality}'`)}*) ;; *) locality=yes ;; esac`,
    `    case "$statement" in *revision_history*) ;; *) revisions=yes ;; esac`,
    '  done <<<"$existing"',
    `  [ "\${into:-}" = yes ] && clauses+=("SET INTO $uri_sql")`,
    `  [ "\${locality:-}" = yes ] && clauses+=(${shellQuote(setExecutionLocalityClause(s.executionLocality))})`,
    `  [ "\${revisions:-}" = yes ] && clauses+=(${shellQuote(SET_REVISION_HISTORY_CLAUSE)})`,
    "  into=; locality=; revisions=",
    '  if [ "${#clauses[@]}" -gt 0 ]; then',
    '    joined=""; for clause in "${clauses[@]}"; do joined="${joined:+$joined, }$clause"; done',
    `    run_sql "$host" "ALTER BACKUP SCHEDULE $id $joined;" secret >/dev/null || exit 1`,
    `    echo "${s.label}: updated in place (\${#clauses[@]} change(s))."`,
    "  else",
    `    echo "${s.label}: up to date."`,
    "  fi",
    "fi",
  ];
}

/** A SQL template as a printf format with one `%s`; the templates hold no other `%` or `\\`. */
function printfFormat(template: string): string {
  if (/%(?!s)|\\/.test(template) || template.split("%s").length !== 2) fail("sql template", template, "A template needs exactly one %s and no other % or backslash.");
  return template;
}

function databaseLines(db: SqlDatabaseSpec, host: string): string[] {
  const lines = [`run_sql ${shellQuote(host)} ${shellQuote(createDatabaseSql(db.name))} >/dev/null || exit 1`];
  const regions = db.regions ?? [];
  if (regions.length > 0) {
    const primary = regions[0];
    lines.push(
      `current="$(run_sql ${shellQuote(host)} ${shellQuote(primaryRegionSql(db.name))})" || exit 1`,
      `if [ "$current" != ${shellQuote(primary)} ]; then run_sql ${shellQuote(host)} ${shellQuote(setPrimaryRegionSql(db.name, primary))} >/dev/null || exit 1; fi`,
    );
    for (const statement of databaseRegionsSql(db)) lines.push(`run_sql ${shellQuote(host)} ${shellQuote(statement)} >/dev/null || exit 1`);
  }
  lines.push(`echo "Database ${db.name} is in place."`);
  return lines;
}

function userLines(user: SqlUserSpec, host: string): string[] {
  return [
    `password="\${${user.passwordEnv}:-}"`,
    `if [ -z "$password" ]; then echo "No password for SQL user ${user.name} (${user.passwordEnv} is empty); check its Secret." >&2; exit 1; fi`,
    `run_sql ${shellQuote(host)} ${shellQuote(createUserSql(user.name))} >/dev/null || exit 1`,
    `run_sql ${shellQuote(host)} "$(printf ${shellQuote(setPasswordSqlFormat(user.name))} "$(sql_escape "$password")")" secret >/dev/null || exit 1`,
    ...userGrantsSql(user).map((statement) => `run_sql ${shellQuote(host)} ${shellQuote(statement)} >/dev/null || exit 1`),
    'password=""',
    `echo "SQL user ${user.name} is in place."`,
  ];
}
