/**
 * The init Job the app synthesizes, run as Kubernetes would run it (the command after
 * Terraform's template rendering) against the stateful stub cockroach: the whole path from the
 * topology file to the SQL the cluster receives.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planBackups } from "../../stacks/backup";
import { parseTopology } from "../../stacks/topology";
import { hasTool, renderedByTerraform, runBash, stubDir } from "../database/helpers";
import { Json, synthApp } from "./synth-app";

const file = {
  sites: [
    { name: "aws", cloud: "aws", region: "us-east-1" },
    { name: "gcp", cloud: "gcp", region: "us-east4" },
    { name: "azure", cloud: "azure", region: "eastus" },
  ],
  cockroach: {
    databases: [{ name: "shop", multiRegion: true, primaryRegion: "us-east4" }, { name: "reports" }],
    users: [
      { name: "shop_app", databases: ["shop"] },
      { name: "analyst", databases: ["reports"], passwordSecret: "analyst-login" },
    ],
  },
};
const topology = parseTopology(file, "test");
const { stacks } = synthApp(topology);
const init = stacks["cluster-init"];
const job: Json = Object.values(init.resource.kubernetes_job_v1)[0];
const container = job.spec.template.spec.container[0];
const env: Json[] = container.env;

describe("the init Job of a topology with databases and users", () => {
  test("reads each password and no other secret from a Secret, never from its spec", () => {
    const refs = env.filter((e) => e.name.startsWith("SQL_PASSWORD_")).map((e) => [e.name, e.value_from.secret_key_ref.name, e.value_from.secret_key_ref.key]);
    expect(refs).toEqual([
      ["SQL_PASSWORD_0", "cockroachdb-sql-crdb-admin", "password"],
      ["SQL_PASSWORD_1", "cockroachdb-sql-shop-app", "password"],
      ["SQL_PASSWORD_2", "analyst-login", "password"],
    ]);
    expect(env.every((e) => e.value === undefined)).toBe(true);
  });

  test("generated passwords live in the pki stack (sensitive output) and in a Secret in every site", () => {
    expect(Object.values(stacks.pki.resource.random_password).map((p: Json) => [p.length, p.special])).toEqual([
      [32, false],
      [32, false],
    ]);
    expect(stacks.pki.output.admin_password.sensitive).toBe(true);
    for (const site of ["aws", "gcp", "azure"]) {
      const names = Object.values(stacks[`${site}-platform`].resource.kubernetes_secret_v1).map((s: Json) => s.metadata.name);
      expect(names).toEqual(expect.arrayContaining(["cockroachdb-sql-crdb-admin", "cockroachdb-sql-shop-app"]));
      expect(names).not.toContain("analyst-login");
    }
    const secret: Json = Object.values(stacks["aws-platform"].resource.kubernetes_secret_v1).find((s: Json) => s.metadata.name === "cockroachdb-sql-crdb-admin");
    expect(secret.data.username).toBe("crdb_admin");
    expect(secret.data.password).toMatch(/^\$\{data\.terraform_remote_state\./);
  });

  test("the db_console output says who logs in and where the password is", () => {
    const { db_console, db_console_password } = stacks["gcp-database"].output;
    expect(db_console.value).toBe("kubectl --context gcp --namespace cockroachdb port-forward svc/cockroachdb-public 8080");
    expect(db_console.description).toContain("log in as crdb_admin with the password that the db_console_password output's command prints");
    expect(db_console_password.value).toBe(
      "kubectl --context gcp --namespace cockroachdb get secret cockroachdb-sql-crdb-admin -o 'go-template={{.data.password | base64decode}}'",
    );
  });
});

const haveTools = hasTool("bash") && hasTool("node") && hasTool("timeout");
if (!haveTools) console.warn("bash, node or timeout not found: skipping the run of the synthesized init Job");
(haveTools ? test : test.skip)(
  "run twice with the stub cockroach: schedules per cloud, a multi-region database with its primary, users; the second run changes nothing",
  () => {
    const script = renderedByTerraform(container.command[2]);
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-init-job-"));
    const stubs = stubDir({ cockroach: `exec node ${JSON.stringify(path.join(__dirname, "../database/fake-cockroach.cjs"))} "$@"`, sleep: "exit 0" });
    const nodes = ["aws|us-east-1", "gcp|us-east4", "azure|eastus"]
      .flatMap((entry) => [1, 2, 3].map((i) => entry.split("|").concat(String(i))))
      .map(([cloud, region, i], n) => `${n + 1}=cloud=${cloud},region=${region},zone=${region}-${i}`)
      .join(";");
    const runEnv = { STATE: state, NODES: nodes, SQL_PASSWORD_0: "admin-pw", SQL_PASSWORD_1: "app-pw", SQL_PASSWORD_2: "analyst-pw", COCKROACH_LICENSE: "" };
    const changes = () => fs.readFileSync(path.join(state, "changes"), "utf8").split("\n").filter(Boolean);

    const first = runBash(script, stubs, runEnv, 120_000);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(changes()).toEqual([
      // The per-site Jobs' identity comes first, so a failing backup check cannot hold it back.
      "create user crdb_operator",
      "create schedule crdb-backup-aws",
      "create schedule crdb-backup-gcp",
      "create schedule crdb-backup-azure",
      "create database shop",
      "primary region shop us-east4",
      "add region shop us-east-1",
      "add region shop eastus",
      "survive shop REGION",
      "create database reports",
      "create user crdb_admin",
      "create user shop_app",
      "create user analyst",
    ]);
    const cluster = JSON.parse(fs.readFileSync(path.join(state, "cluster.json"), "utf8"));
    const uris = Object.fromEntries(planBackups(topology).map((t) => [t.label, t.uri]));
    expect(cluster.schedules.filter((s: Json) => s.type === "1").map((s: Json) => [s.label, s.uri, s.locality])).toEqual([
      ["crdb-backup-aws", uris["crdb-backup-aws"], "cloud=aws"],
      ["crdb-backup-gcp", uris["crdb-backup-gcp"], "cloud=gcp"],
      ["crdb-backup-azure", uris["crdb-backup-azure"], "cloud=azure"],
    ]);
    const statements = fs.readFileSync(path.join(state, "statements"), "utf8");
    expect(statements).toContain("stdin crdb-azure-0.cockroachdb.svc.cluster.local:26257 CHECK EXTERNAL CONNECTION 'azure-blob://backups?AUTH=implicit");

    const second = runBash(script, stubs, runEnv, 120_000);
    expect(second.status).toBe(0);
    expect(changes()).toHaveLength(13);
  },
  300_000,
);
