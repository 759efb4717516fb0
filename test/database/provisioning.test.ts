import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  BackupScheduleSpec,
  ProvisioningScriptOptions,
  alterBackupScheduleSql,
  checkExternalConnectionSql,
  checkSqlUserName,
  createBackupScheduleSql,
  databaseRegionsSql,
  provisioningScript,
  quoteIdent,
  quoteLiteral,
  setRecurringClause,
  showBackupSchedulesSql,
  userGrantsSql,
} from "../../lib/database/provisioning";
import { initScript } from "../../lib/database/scripts";
import { hasTool, runBash, stubDir } from "./helpers";

const aws: BackupScheduleSpec = {
  label: "crdb-backup-aws",
  uri: "s3://crdb-backup-aws-0123abcd?AUTH=implicit&AWS_REGION=us-east-1",
  executionLocality: "cloud=aws",
  incrementalSchedule: "@hourly",
  fullSchedule: "@daily",
  gatewayHost: "crdb-aws-0.db.svc.cluster.local:26257",
};

describe("provisioning SQL", () => {
  test("quoting", () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  test("one schedule pair per cloud: whole cluster, revision history, pinned to the cloud's nodes", () => {
    expect(createBackupScheduleSql(aws, quoteLiteral(aws.uri))).toBe(
      "CREATE SCHEDULE IF NOT EXISTS 'crdb-backup-aws' FOR BACKUP INTO 's3://crdb-backup-aws-0123abcd?AUTH=implicit&AWS_REGION=us-east-1'" +
        " WITH revision_history = true, EXECUTION LOCALITY = 'cloud=aws' RECURRING '@hourly' FULL BACKUP '@daily'" +
        " WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups, on_execution_failure = 'reschedule', on_previous_running = 'wait';",
    );
    expect(showBackupSchedulesSql("crdb-backup-aws")).toBe(
      "SELECT id, recurrence, COALESCE(command->>'backup_type', '0'), command->>'backup_statement' FROM [SHOW SCHEDULES] WHERE label = 'crdb-backup-aws' ORDER BY id;",
    );
    expect(alterBackupScheduleSql("1000", [setRecurringClause("0 */2 * * *"), "SET FULL BACKUP '@weekly'"])).toBe(
      "ALTER BACKUP SCHEDULE 1000 SET RECURRING '0 */2 * * *', SET FULL BACKUP '@weekly';",
    );
    expect(() => alterBackupScheduleSql("1; DROP", [])).toThrow('schedule id: invalid value "1; DROP".');
    expect(checkExternalConnectionSql("'gs://b?AUTH=implicit'")).toBe("CHECK EXTERNAL CONNECTION 'gs://b?AUTH=implicit' WITH transfer = '1MiB';");
  });

  test("users, grants and multi-region databases", () => {
    expect(userGrantsSql({ name: "app", passwordEnv: "P", admin: true, databases: ["shop"] })).toEqual([
      'GRANT admin TO "app";',
      'GRANT ALL ON DATABASE "shop" TO "app";',
    ]);
    expect(databaseRegionsSql({ name: "shop", regions: ["us-east-1", "us-east4", "eastus"], survivalGoal: "region" })).toEqual([
      'ALTER DATABASE "shop" ADD REGION IF NOT EXISTS "us-east4";',
      'ALTER DATABASE "shop" ADD REGION IF NOT EXISTS "eastus";',
      'ALTER DATABASE "shop" SURVIVE REGION FAILURE;',
    ]);
    expect(databaseRegionsSql({ name: "plain" })).toEqual([]);
    expect(() => databaseRegionsSql({ name: "shop", regions: ["a", "b"], survivalGoal: "region" })).toThrow(
      'databases.shop.regions: invalid value ["a","b"]. SURVIVE REGION FAILURE needs at least 3 regions',
    );
    expect(() => checkSqlUserName("users[0].name", "root")).toThrow("CockroachDB reserves root");
    expect(() => checkSqlUserName("users[0].name", "App")).toThrow('users[0].name: invalid value "App". Use 1-63 lower-case letters');
  });
});

const haveTools = hasTool("bash") && hasTool("node") && hasTool("timeout");
if (!haveTools) console.warn("bash, node or timeout not found: skipping the runs of the provisioning script");
const describeRun = haveTools ? describe : describe.skip;

const NODES = [
  "1=cloud=aws,region=us-east-1,zone=us-east-1a",
  "2=cloud=aws,region=us-east-1,zone=us-east-1b",
  "3=cloud=gcp,region=us-east4,zone=us-east4-a",
  "4=cloud=gcp,region=us-east4,zone=us-east4-b",
  "5=cloud=azure,region=eastus,zone=eastus-1",
  "6=cloud=existing,region=dc1,zone=rack1",
].join(";");

// Each run starts the Node stub some 40 times: generous on a loaded machine.
const RUN_TIMEOUT_MS = 120_000;
jest.setTimeout(4 * RUN_TIMEOUT_MS);

describeRun("provisioning script with a stateful stub cockroach", () => {
  const stub = path.join(__dirname, "fake-cockroach.cjs");
  const schedules = (incremental = "@hourly", full = "@daily"): BackupScheduleSpec[] => [
    { ...aws, incrementalSchedule: incremental, fullSchedule: full },
    { ...aws, label: "crdb-backup-gcp", uri: "gs://crdb-backup-gcp-0123abcd?AUTH=implicit", executionLocality: "cloud=gcp", gatewayHost: "crdb-gcp-0:26257", incrementalSchedule: incremental, fullSchedule: full },
    { ...aws, label: "crdb-backup-azure", uri: "azure-blob://backups?AUTH=implicit&AZURE_ACCOUNT_NAME=crdbazure0123abcd", executionLocality: "cloud=azure", gatewayHost: "crdb-azure-0:26257", incrementalSchedule: incremental, fullSchedule: full },
    {
      ...aws,
      label: "crdb-backup-dc1",
      uri: "s3://onprem-backups/crdb?AUTH=specified",
      executionLocality: "cloud=existing,region=dc1",
      gatewayHost: "crdb-dc1-0:26257",
      credentialsEnv: "BACKUP_CREDENTIALS_3",
      incrementalSchedule: incremental,
      fullSchedule: full,
    },
  ];
  const initWith = (options: Omit<ProvisioningScriptOptions, "host">) =>
    initScript({
      initHost: "crdb-aws-0:26257",
      probeHosts: ["crdb-aws-0:26257"],
      expectedNodes: 6,
      statements: [],
      afterJoin: provisioningScript({ host: "crdb-aws-0:26257", ...options }),
    });
  const script = (incremental?: string, full?: string) =>
    initWith({
      schedules: schedules(incremental, full),
      databases: [{ name: "shop", regions: ["us-east-1", "us-east4", "eastus", "dc1"], survivalGoal: "region" }, { name: "reports" }],
      users: [
        { name: "crdb_admin", passwordEnv: "ADMIN_PASSWORD", admin: true },
        { name: "shop_app", passwordEnv: "USER_PASSWORD_1", databases: ["shop", "reports"] },
      ],
      checkAttempts: 2,
    });
  const secrets = {
    ADMIN_PASSWORD: "s3cr3t-Admin'quote",
    USER_PASSWORD_1: "app-pass-&-$HOME",
    BACKUP_CREDENTIALS_3: "AWS_ACCESS_KEY_ID=AKIAEXAMPLE&AWS_SECRET_ACCESS_KEY=topsecretkey",
  };

  function cluster() {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-provision-"));
    const stubs = stubDir({ cockroach: `exec node ${JSON.stringify(stub)} "$@"`, sleep: "exit 0" });
    const read = (name: string) => (fs.existsSync(path.join(state, name)) ? fs.readFileSync(path.join(state, name), "utf8").split("\n").filter(Boolean) : []);
    return {
      run: (text: string, env: Record<string, string> = {}) => runBash(text, stubs, { STATE: state, NODES, ...secrets, ...env }, RUN_TIMEOUT_MS),
      changes: () => read("changes"),
      statements: () => read("statements"),
      data: () => JSON.parse(fs.readFileSync(path.join(state, "cluster.json"), "utf8")),
    };
  }

  test("a first run creates the schedules, databases with their regions and the users; a second creates nothing and fails nothing", () => {
    const c = cluster();
    const first = c.run(script());
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(c.changes()).toEqual([
      "create schedule crdb-backup-aws",
      "create schedule crdb-backup-gcp",
      "create schedule crdb-backup-azure",
      "create schedule crdb-backup-dc1",
      "create database shop",
      "primary region shop us-east-1",
      "add region shop us-east4",
      "add region shop eastus",
      "add region shop dc1",
      "survive shop REGION",
      "create database reports",
      "create user crdb_admin",
      "create user shop_app",
    ]);
    const data = c.data();
    expect(data.users.crdb_admin).toEqual({ grants: ["admin"], password: secrets.ADMIN_PASSWORD });
    expect(data.users.shop_app).toEqual({ grants: ["db:shop", "db:reports"], password: secrets.USER_PASSWORD_1 });
    expect(data.schedules.map((s: { label: string; type: string; recurrence: string; locality: string }) => [s.label, s.type, s.recurrence, s.locality])).toEqual([
      ["crdb-backup-aws", "0", "@daily", "cloud=aws"],
      ["crdb-backup-aws", "1", "@hourly", "cloud=aws"],
      ["crdb-backup-gcp", "0", "@daily", "cloud=gcp"],
      ["crdb-backup-gcp", "1", "@hourly", "cloud=gcp"],
      ["crdb-backup-azure", "0", "@daily", "cloud=azure"],
      ["crdb-backup-azure", "1", "@hourly", "cloud=azure"],
      ["crdb-backup-dc1", "0", "@daily", "cloud=existing,region=dc1"],
      ["crdb-backup-dc1", "1", "@hourly", "cloud=existing,region=dc1"],
    ]);
    expect(data.schedules[6].uri).toBe(`s3://onprem-backups/crdb?AUTH=specified&${secrets.BACKUP_CREDENTIALS_3}`);
    expect(first.stdout).toContain("crdb-backup-gcp: all 2 nodes of cloud=gcp can write, read and delete in the backup storage.");

    // Each cloud's storage is checked and scheduled through a node of that cloud.
    const gcpCheck = c.statements().find((line) => line.includes("CHECK EXTERNAL CONNECTION 'gs://"));
    expect(gcpCheck).toMatch(/^stdin crdb-gcp-0:26257 /);

    const second = c.run(script());
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(c.changes()).toHaveLength(13);
    expect(second.stdout).toContain("crdb-backup-aws: up to date.");
    expect(second.stdout).toContain("crdb-backup-dc1: up to date.");
  });

  test("passwords and storage credentials never reach argv or the script's output", () => {
    const c = cluster();
    const result = c.run(script());
    expect(result.status).toBe(0);
    const argv = c.statements().filter((line) => line.startsWith("argv "));
    for (const secret of [...Object.values(secrets), "topsecretkey", "s3cr3t"]) {
      expect(argv.join("\n")).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
    expect(c.statements().some((line) => line.startsWith("stdin ") && line.includes("WITH LOGIN PASSWORD 's3cr3t-Admin''quote'"))).toBe(true);
  });

  test("a changed schedule updates the existing pair in place", () => {
    const c = cluster();
    expect(c.run(script()).status).toBe(0);
    const result = c.run(script("0 */2 * * *", "@weekly"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const changes = c.changes().slice(13);
    expect(changes).toContain("alter schedule crdb-backup-aws: SET RECURRING '0 */2 * * *'");
    expect(changes).toContain("alter schedule crdb-backup-aws: SET FULL BACKUP '@weekly'");
    expect(changes.filter((line) => line.startsWith("create"))).toEqual([]);
    expect(c.data().schedules.filter((s: { label: string }) => s.label === "crdb-backup-gcp").map((s: { recurrence: string }) => s.recurrence)).toEqual(["@weekly", "0 */2 * * *"]);
    expect(result.stdout).toContain("crdb-backup-aws: updated in place (2 change(s)).");
  });

  test("a moved destination or execution locality is updated in place too", () => {
    const c = cluster();
    expect(c.run(script()).status).toBe(0);
    const moved = initWith({
      schedules: [{ ...aws, uri: "s3://other-bucket?AUTH=implicit&AWS_REGION=us-east-1", executionLocality: "cloud=aws,region=us-east-1" }],
      databases: [],
      users: [],
    });
    const result = c.run(moved);
    expect(result.status).toBe(0);
    expect(c.changes().slice(13)).toEqual([
      "alter schedule crdb-backup-aws: SET INTO 's3://other-bucket?AUTH=implicit&AWS_REGION=us-east-1'",
      "alter schedule crdb-backup-aws: SET WITH EXECUTION LOCALITY = 'cloud=aws,region=us-east-1'",
    ]);
  });

  test("a permission mistake fails the deploy before any schedule changes, naming the failing nodes", () => {
    const c = cluster();
    const result = c.run(script(), { DENY_CLOUD: "gcp" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Node 3 (cloud=gcp,region=us-east4,zone=us-east4-a) cannot use the backup storage: AccessDenied");
    expect(result.stderr).toContain("crdb-backup-gcp: the nodes of cloud=gcp cannot use their backup storage");
    expect(c.changes()).toEqual([]);
  });

  test("an empty password Secret fails with the user's name", () => {
    const c = cluster();
    const result = c.run(script(), { USER_PASSWORD_1: "" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("No password for SQL user shop_app (USER_PASSWORD_1 is empty); check its Secret.");
  });

  test("the per-site Jobs' operator identity: created first, member of admin, certificate login only, even when a backup check fails", () => {
    const c = cluster();
    const withOperator = initWith({ operatorUser: "crdb_operator", schedules: schedules(), databases: [], users: [], checkAttempts: 1 });
    const denied = c.run(withOperator, { DENY_CLOUD: "gcp" });
    expect(denied.status).not.toBe(0);
    expect(c.changes()).toEqual(["create user crdb_operator"]);
    // No password: only its certificate, signed by the cluster CA, logs it in.
    expect(c.data().users.crdb_operator).toEqual({ grants: ["admin"] });
    const operatorStatements = c.statements().filter((line) => line.includes("crdb_operator"));
    expect(operatorStatements).toEqual(['stdin crdb-aws-0:26257 CREATE USER IF NOT EXISTS "crdb_operator"', 'stdin crdb-aws-0:26257 GRANT admin TO "crdb_operator"']);
    const again = c.run(withOperator);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("SQL user crdb_operator (the per-site Jobs' identity, member of admin) is in place.");
    expect(c.changes().filter((line) => line.includes("crdb_operator"))).toEqual(["create user crdb_operator"]);
  });
});
