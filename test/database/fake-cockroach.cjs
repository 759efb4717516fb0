#!/usr/bin/env node
/**
 * A stand-in `cockroach` for the init script tests. It keeps the cluster's state (users,
 * grants, databases and their regions, backup schedules) in $STATE/cluster.json across runs, so
 * the answers of IF NOT EXISTS, SHOW SCHEDULES and SHOW REGIONS change as the real ones would,
 * appends every statement it executes to $STATE/statements and every change to $STATE/changes,
 * and refuses what the real cluster would refuse (an unknown statement, a grant on a missing
 * database, a region outside the cluster, re-setting the primary region to itself).
 *
 * Environment: STATE (directory), NODES ("id=locality;..."), DENY_CLOUD (a cloud whose nodes
 * lack storage permissions).
 */
const fs = require("fs");
const path = require("path");

const args = process.argv.slice(2);
const stateDir = process.env.STATE;
const file = path.join(stateDir, "cluster.json");
const state = fs.existsSync(file)
  ? JSON.parse(fs.readFileSync(file, "utf8"))
  : { users: {}, databases: {}, schedules: [], nextId: 1000 };
const nodes = (process.env.NODES || "1=cloud=aws,region=us-east-1,zone=us-east-1a")
  .split(";")
  .map((entry) => ({ id: entry.slice(0, entry.indexOf("=")), locality: entry.slice(entry.indexOf("=") + 1) }));
const clusterRegions = [...new Set(nodes.map((n) => /region=([^,]+)/.exec(n.locality)[1]))];

const save = () => fs.writeFileSync(file, JSON.stringify(state, null, 2));
const change = (text) => fs.appendFileSync(path.join(stateDir, "changes"), `${text}\n`);
const fail = (message) => {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(1);
};
const print = (header, rows) => process.stdout.write([header, ...rows].map((r) => r.join("\t")).join("\n") + "\n");
const unquote = (literal) => literal.slice(1, -1).replace(/''/g, "'");
const redact = (uri) => uri.replace(/(AWS_SECRET_ACCESS_KEY|AZURE_ACCOUNT_KEY|CREDENTIALS)=[^&]*/g, "$1=redacted");

if (args[0] === "init") {
  process.stdout.write("Cluster successfully initialized\n");
  process.exit(0);
}
if (args[0] === "node") {
  print(["id"], nodes.map((n) => [n.id]));
  process.exit(0);
}
if (args[0] !== "sql") fail(`unexpected command ${args.join(" ")}`);

const execute = args.find((a) => a.startsWith("--execute="));
const sql = (execute ? execute.slice("--execute=".length) : fs.readFileSync(0, "utf8")).trim().replace(/;$/, "");
const host = (args.find((a) => a.startsWith("--host=")) || "").slice("--host=".length);
fs.appendFileSync(path.join(stateDir, "statements"), `${execute ? "argv" : "stdin"} ${host} ${sql.replace(/\n/g, " ")}\n`);
if (execute) {
  if (sql === "SELECT 1") print(["?column?"], [["1"]]);
  process.exit(0);
}

const scheduleRow = (s) => [s.id, s.recurrence, s.type, s.statement()];
function scheduleStatement(s) {
  const into = s.type === "1" ? `INTO LATEST IN '${redact(s.uri)}'` : `INTO '${redact(s.uri)}'`;
  const options = [s.revisions ? "revision_history = true" : undefined, "detached", `execution locality = '${s.locality}'`].filter(Boolean);
  return `BACKUP ${into} WITH OPTIONS (${options.join(", ")})`;
}
const withStatements = () => state.schedules.forEach((s) => Object.defineProperty(s, "statement", { value: () => scheduleStatement(s), enumerable: false }));
withStatements();
const nodeCloud = (n) => /cloud=([^,]+)/.exec(n.locality)[1];
const canUse = (n, uri) => {
  if (nodeCloud(n) === process.env.DENY_CLOUD) return false;
  const native = { aws: "s3://", gcp: "gs://", azure: "azure-blob://" }[nodeCloud(n)];
  if (native) return uri.startsWith(native) && /AUTH=implicit/.test(uri);
  return /AWS_SECRET_ACCESS_KEY=/.test(uri);
};

let m;
if ((m = /^CREATE USER IF NOT EXISTS "([a-z0-9_]+)"$/.exec(sql))) {
  if (!state.users[m[1]]) {
    state.users[m[1]] = { grants: [] };
    change(`create user ${m[1]}`);
  }
} else if ((m = /^ALTER USER "([a-z0-9_]+)" WITH LOGIN PASSWORD ('(?:[^']|'')*')$/.exec(sql))) {
  if (!state.users[m[1]]) fail(`role ${m[1]} does not exist`);
  state.users[m[1]].password = unquote(m[2]);
} else if ((m = /^GRANT admin TO "([a-z0-9_]+)"$/.exec(sql))) {
  if (!state.users[m[1]]) fail(`role ${m[1]} does not exist`);
  if (!state.users[m[1]].grants.includes("admin")) state.users[m[1]].grants.push("admin");
} else if ((m = /^GRANT ALL ON DATABASE "([a-z0-9_]+)" TO "([a-z0-9_]+)"$/.exec(sql))) {
  if (!state.databases[m[1]]) fail(`database "${m[1]}" does not exist`);
  if (!state.users[m[2]]) fail(`role ${m[2]} does not exist`);
  if (!state.users[m[2]].grants.includes(`db:${m[1]}`)) state.users[m[2]].grants.push(`db:${m[1]}`);
} else if ((m = /^CREATE DATABASE IF NOT EXISTS "([a-z0-9_]+)"$/.exec(sql))) {
  if (!state.databases[m[1]]) {
    state.databases[m[1]] = { regions: [], survive: "ZONE" };
    change(`create database ${m[1]}`);
  }
} else if ((m = /^SELECT region FROM \[SHOW REGIONS FROM DATABASE "([a-z0-9_]+)"\] WHERE "primary"$/.exec(sql))) {
  const db = state.databases[m[1]] || fail(`database "${m[1]}" does not exist`);
  print(["region"], db.primary ? [[db.primary]] : []);
} else if ((m = /^ALTER DATABASE "([a-z0-9_]+)" SET PRIMARY REGION "([^"]+)"$/.exec(sql))) {
  const db = state.databases[m[1]] || fail(`database "${m[1]}" does not exist`);
  if (!clusterRegions.includes(m[2])) fail(`region "${m[2]}" does not exist; valid regions: ${clusterRegions.join(", ")}`);
  if (db.primary === m[2]) fail(`region "${m[2]}" is already the primary region`);
  db.primary = m[2];
  if (!db.regions.includes(m[2])) db.regions.push(m[2]);
  change(`primary region ${m[1]} ${m[2]}`);
} else if ((m = /^ALTER DATABASE "([a-z0-9_]+)" ADD REGION IF NOT EXISTS "([^"]+)"$/.exec(sql))) {
  const db = state.databases[m[1]] || fail(`database "${m[1]}" does not exist`);
  if (!db.primary) fail("cannot add region: the database has no primary region");
  if (!clusterRegions.includes(m[2])) fail(`region "${m[2]}" does not exist`);
  if (!db.regions.includes(m[2])) {
    db.regions.push(m[2]);
    change(`add region ${m[1]} ${m[2]}`);
  }
} else if ((m = /^ALTER DATABASE "([a-z0-9_]+)" SURVIVE (REGION|ZONE) FAILURE$/.exec(sql))) {
  const db = state.databases[m[1]] || fail(`database "${m[1]}" does not exist`);
  if (m[2] === "REGION" && db.regions.length < 3) fail("at least 3 regions are required for surviving a region failure");
  if (db.survive !== m[2]) change(`survive ${m[1]} ${m[2]}`);
  db.survive = m[2];
} else if ((m = /^CHECK EXTERNAL CONNECTION ('(?:[^']|'')*') WITH transfer = '1MiB'$/.exec(sql))) {
  const uri = unquote(m[1]);
  print(
    ["node", "locality", "ok", "error", "transferred", "read_speed", "write_speed", "can_delete"],
    nodes.map((n) => (canUse(n, uri) ? [n.id, n.locality, "true", "", "1.0 MiB", "9 MiB/s", "9 MiB/s", "true"] : [n.id, n.locality, "false", "AccessDenied: no credentials", "", "", "", "false"])),
  );
} else if ((m = /^SELECT id, recurrence, COALESCE\(command->>'backup_type', '0'\), command->>'backup_statement' FROM \[SHOW SCHEDULES\] WHERE label = '([^']+)' ORDER BY id$/.exec(sql))) {
  print(["id", "recurrence", "coalesce", "?column?"], state.schedules.filter((s) => s.label === m[1]).map(scheduleRow));
} else if (
  (m = /^CREATE SCHEDULE IF NOT EXISTS '([^']+)' FOR BACKUP INTO ('(?:[^']|'')*') WITH revision_history = true, EXECUTION LOCALITY = '([^']+)' RECURRING '([^']+)' FULL BACKUP '([^']+)' WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups, on_execution_failure = 'reschedule', on_previous_running = 'wait'$/.exec(sql))
) {
  if (!state.schedules.some((s) => s.label === m[1])) {
    const common = { label: m[1], uri: unquote(m[2]), locality: m[3], revisions: true };
    state.schedules.push({ ...common, id: String(state.nextId++), type: "0", recurrence: m[5] }, { ...common, id: String(state.nextId++), type: "1", recurrence: m[4] });
    change(`create schedule ${m[1]}`);
  }
} else if ((m = /^ALTER BACKUP SCHEDULE (\d+) (.+)$/.exec(sql))) {
  const first = state.schedules.find((s) => s.id === m[1]) || fail(`schedule ${m[1]} does not exist`);
  const pair = state.schedules.filter((s) => s.label === first.label);
  for (const clause of m[2].split(/, (?=SET )/)) {
    let c;
    if ((c = /^SET RECURRING '([^']+)'$/.exec(clause))) pair.filter((s) => s.type === "1").forEach((s) => (s.recurrence = c[1]));
    else if ((c = /^SET FULL BACKUP '([^']+)'$/.exec(clause))) pair.filter((s) => s.type !== "1").forEach((s) => (s.recurrence = c[1]));
    else if ((c = /^SET INTO ('(?:[^']|'')*')$/.exec(clause))) pair.forEach((s) => (s.uri = unquote(c[1])));
    else if ((c = /^SET WITH EXECUTION LOCALITY = '([^']+)'$/.exec(clause))) pair.forEach((s) => (s.locality = c[1]));
    else if (clause === "SET WITH revision_history = true") pair.forEach((s) => (s.revisions = true));
    else fail(`unknown ALTER BACKUP SCHEDULE clause: ${clause}`);
    change(`alter schedule ${first.label}: ${clause}`);
  }
} else {
  fail(`the stub does not know this statement: ${sql}`);
}
save();
