/**
 * The status command against stand-in kubectl and cockroach programs (test/status/stubs) that
 * answer with recorded outputs in the real programs' formats and record every argv they get.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runStatusCli } from "../../stacks/status/cli";
import { evaluate, type StatusReport } from "../../stacks/status/evaluate";
import { SECRET_CERTIFICATES_JSONPATH, parseSqlIntervalSeconds, parseSqlTimestamp, type NodeStatusRow, type VoterGroup } from "../../stacks/status/parse";
import { SQL, kubectlTarget } from "../../stacks/status/probes";
import { commandRunner } from "../../stacks/status/run-command";
import { loadTopology, parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";

const ROOT = path.join(__dirname, "../..");
const FIXTURES = path.join(__dirname, "fixtures");
const STUBS = path.join(__dirname, "stubs");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every argv the stubs were called with, in call order. */
  readonly calls: string[][];
  readonly log: string;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-status-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A scenario that extends a recorded one with a few more files (`<site>/hang`, `<site>/client-ready`, ...). */
function variant(base: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(scratch, `${base}-`));
  fs.writeFileSync(path.join(dir, "inherit"), path.relative(scratch, path.join(FIXTURES, base)));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function status(scenario: string, args: readonly string[] = []): Promise<Run> {
  const log = path.join(fs.mkdtempSync(path.join(scratch, "log-")), "calls.ndjson");
  fs.writeFileSync(log, "");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${STUBS}${path.delimiter}${process.env.PATH}`,
    STUB_SCENARIO: path.isAbsolute(scenario) ? scenario : path.join(FIXTURES, scenario),
    STUB_LOG: log,
  };
  delete env.CRDB_TOPOLOGY;
  let stdout = "";
  let stderr = "";
  const code = await runStatusCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), run: commandRunner(env) });
  // Each call: its arguments, each ended by \x1f, then \x1e and a newline (see the stubs).
  const calls = fs
    .readFileSync(log, "utf8")
    .split("\x1e\n")
    .filter(Boolean)
    .map((call) => call.split("\x1f").slice(0, -1));
  return { code, stdout, stderr, calls, log };
}

/** Whether `pid` is gone (or a zombie) within a few seconds: SIGKILL is delivered asynchronously. */
async function ended(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (fs.existsSync("/proc/self/stat")) {
      // Linux: a zombie still answers kill(pid, 0), but it has ended.
      let state: string | undefined;
      try {
        state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      } catch {
        return true;
      }
      if (state === "Z" || state === "X") return true;
    } else {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const json = (run: Run) => JSON.parse(run.stdout) as StatusReport;
const siteRow = (run: Run, site: string) => run.stdout.split("\n").find((line) => line.startsWith(`${site} `));

/** Everything secret in the recorded Secrets: keys and the license, base64 and decoded. */
function recordedSecrets(): string[] {
  const secrets: string[] = [];
  for (const file of ["healthy/aws/secrets.json", "healthy/gcp/secrets.json"]) {
    const list = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as { items: { data: Record<string, string> }[] };
    for (const item of list.items) {
      for (const [key, value] of Object.entries(item.data)) {
        if (key.endsWith(".key") || key === "license") secrets.push(value, Buffer.from(value, "base64").toString("utf8").split("\n")[1] ?? "");
      }
    }
  }
  return secrets.filter((s) => s.length > 8);
}

describe("npm run status, healthy cluster", () => {
  let run: Run;
  beforeAll(async () => {
    run = await status("healthy");
  });

  test("exits 0 and says so in a table row per site", () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(siteRow(run, "aws")).toMatch(/^aws\s+aws\s+us-east-1\s+ok\s+Ready \(3 sites\)\s+2\/2 Ready\s+3\/0\/0 of 3\s+2027-05-30 \(179 d, client\.root\.crt\)$/);
    expect(siteRow(run, "gcp")).toMatch(/^gcp\s+gcp\s+us-east4\s+ok\s+Ready \(3 sites\)\s+-\s+3\/0\/0 of 3/);
    expect(siteRow(run, "azure")).toMatch(/^azure\s+azure\s+eastus\s+ok\s+Ready \(3 sites\)\s+1\/1 Ready\s+3\/0\/0 of 3/);
    expect(run.stdout).toContain("Ranges: 0 unavailable, 0 under-replicated");
    expect(run.stdout).toContain("Survival goal region (5 replicas): holds: losing any one more site keeps a majority of every range (130 checked)");
    expect(run.stdout).toMatch(/ {2}gcp\s+crdb-backup-gcp\s+2 schedules\s+2026-12-01 09:00 UTC \(1 h ago\)\s+ok/);
    expect(run.stdout).toContain("No problems found.");
    expect(run.stdout.trimEnd().split("\n").pop()).toBe("Health: healthy (exit 0)");
  });

  test("asks every site by its context, with a request timeout, and never through a shell", () => {
    const kubectl = run.calls.filter((c) => c[0] === "kubectl");
    for (const site of ["aws", "gcp", "azure"]) {
      expect(kubectl).toContainEqual(["kubectl", "--context", site, "--namespace", "cockroachdb", "--request-timeout=19s", "get", "--raw", "/readyz"]);
      expect(kubectl).toContainEqual(["kubectl", "--context", site, "--namespace", "cockroachdb", "--request-timeout=19s", "get", "sites.skupper.io,links.skupper.io", "-o", "json"]);
      expect(kubectl).toContainEqual([
        "kubectl", "--context", site, "--namespace", "cockroachdb", "--request-timeout=19s", "get", "secrets", "-o", `jsonpath=${SECRET_CERTIFICATES_JSONPATH}`,
      ]);
    }
    // The statement reaches cockroach as one argv element, exactly as written.
    const exec = ["kubectl", "--context", "aws", "--namespace", "cockroachdb", "--request-timeout=19s", "exec", "deploy/cockroachdb-client", "-c", "client", "--", "cockroach"];
    expect(kubectl).toContainEqual([...exec, "node", "status", "--ranges", "--decommission", "--format=ndjson"]);
    expect(kubectl).toContainEqual([...exec, "sql", "--format=ndjson", "-e", SQL.voterGroups]);
    expect(kubectl).toContainEqual([...exec, "sql", "--format=ndjson", "-e", SQL.backupSchedules]);
  });

  test("runs the cockroach commands once, in the first site's SQL client, and asks for jobs of the schedules it found", () => {
    const cockroach = run.calls.filter((c) => c[0] === "cockroach");
    expect(cockroach.map((c) => c.slice(1, 4))).toEqual(
      expect.arrayContaining([["(in aws)", "node", "status"], ["(in aws)", "sql", "--format=ndjson"]]),
    );
    expect(cockroach.every((c) => c[1] === "(in aws)")).toBe(true);
    expect(cockroach).toHaveLength(6);
    const jobs = cockroach.find((c) => c.at(-1)?.includes("SHOW JOBS"))?.at(-1) ?? "";
    expect(jobs.split(" UNION ALL ")).toHaveLength(6);
    expect(jobs).toContain("SELECT 1119318231037149185 AS schedule_id, max(finished) AS last_success FROM [SHOW JOBS FOR SCHEDULE 1119318231037149185] WHERE status = 'succeeded'");
  });

  test("--json carries the same verdict for pipelines", async () => {
    const report = json(await status("healthy", ["--json"]));
    expect(report.exitCode).toBe(0);
    expect(report.health).toBe("healthy");
    expect(report.clock).toBe("cluster");
    expect(report.checkedAt).toBe("2026-12-01T10:00:00.184Z");
    expect(report.sqlClientSite).toBe("aws");
    expect(report.survival).toEqual({ goal: "region", replicationFactor: 5, failureDomain: "site", holds: true, rangesChecked: 130, unavailableRanges: 0, atRisk: [] });
    expect(report.backups.map((b) => [b.key, b.schedules, b.state, b.lastSuccess])).toEqual([
      ["aws", 2, "ok", "2026-12-01T09:00:38.665Z"],
      ["gcp", 2, "ok", "2026-12-01T09:00:40.118Z"],
      ["azure", 2, "ok", "2026-12-01T09:00:47.514Z"],
    ]);
    expect(report.sites.map((s) => s.nodes?.list.map((n) => `${n.id}:${n.pod}:${n.state}`))).toEqual([
      ["1:crdb-aws-0:live", "2:crdb-aws-1:live", "3:crdb-aws-2:live"],
      ["4:crdb-gcp-0:live", "5:crdb-gcp-1:live", "6:crdb-gcp-2:live"],
      ["7:crdb-azure-0:live", "8:crdb-azure-1:live", "9:crdb-azure-2:live"],
    ]);
    expect(report.problems).toEqual([]);
  });

  test("prints no private key and no license, in the table or the JSON", async () => {
    const secrets = recordedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const both = run.stdout + (await status("healthy", ["--json"])).stdout;
    for (const secret of secrets) expect(both).not.toContain(secret);
  });
});

describe("npm run status, degraded: one node suspect, ranges under-replicated", () => {
  test("exits 2: with n6 down, losing aws or azure would leave some ranges without a majority", async () => {
    const run = await status("degraded");
    expect(run.code).toBe(2);
    expect(siteRow(run, "gcp")).toMatch(/\s2\/1\/0 of 3\s/);
    expect(run.stdout).toContain("Ranges: 0 unavailable, 60 under-replicated");
    expect(run.stdout).toContain("Survival goal region (5 replicas): DOES NOT HOLD: losing aws would take 35 ranges; losing azure would take 25 ranges");
    expect(run.stdout).toContain("[degraded] gcp: Nodes not live: n6 (crdb-gcp-2) suspect.");
    expect(run.stdout).toContain("[AT RISK] Survival goal region does not hold: losing aws (35 ranges) or azure (25 ranges) would leave those ranges without a majority.");
    expect(run.stdout.trimEnd().split("\n").pop()).toBe("Health: AT RISK (exit 2)");
    const report = json(await status("degraded", ["--json"]));
    expect(report.ranges).toEqual({ unavailable: 0, underReplicated: 60 });
    expect(report.sites[1].nodes).toMatchObject({ live: 2, suspect: 1, dead: 0, missing: 0 });
    expect(report.survival.atRisk).toEqual([{ domain: "aws", ranges: 35 }, { domain: "azure", ranges: 25 }]);
  });

  test("a node silent for longer than server.time_until_store_dead is dead, not suspect", async () => {
    const report = json(await status(variant("degraded", { "cluster/setting.ndjson": '{"server.time_until_store_dead":"00:00:30"}\n' }), ["--json"]));
    expect(report.sites[1].nodes).toMatchObject({ live: 2, suspect: 0, dead: 1 });
  });
});

describe("npm run status, needs attention (exit 1)", () => {
  test("a link down, a backup late and a certificate expiring soon, while the survival goal holds", async () => {
    const run = await status("attention");
    expect(run.code).toBe(1);
    expect(siteRow(run, "azure")).toMatch(/\s0\/1 Ready\s/);
    expect(run.stdout).toContain("holds: losing any one more site");
    expect(run.stdout).toMatch(/gcp\s+crdb-backup-gcp\s+2 schedules\s+2026-11-30 08:00 UTC \(26 h ago\)\s+late/);
    const problems = json(await status("attention", ["--json"])).problems;
    expect(problems).toEqual([
      { severity: "degraded", site: "aws", message: "Certificate cockroachdb-root-client-certs/client.root.crt expires in 19 days (2026-12-21T00:00:00.000Z)." },
      { severity: "degraded", site: "azure", message: "Skupper Link azure-to-gcp is Error: dial tcp 34.86.20.11:55671: connect: connection timed out." },
      { severity: "degraded", message: "Backup crdb-backup-gcp last succeeded 26 h ago (more than 25 h)." },
    ]);
  });

  test("a managed cloud without a backup schedule is reported", async () => {
    const schedules = fs
      .readFileSync(path.join(FIXTURES, "healthy/cluster/schedules.ndjson"), "utf8")
      .split("\n")
      .filter((line) => !line.includes("crdb-backup-azure"))
      .join("\n");
    const report = json(await status(variant("healthy", { "cluster/schedules.ndjson": schedules }), ["--json"]));
    expect(report.exitCode).toBe(1);
    expect(report.backups.find((b) => b.key === "azure")).toEqual({ key: "azure", label: "crdb-backup-azure", schedules: 0, state: "missing" });
    expect(report.problems).toEqual([{ severity: "degraded", message: "No backup schedule labelled crdb-backup-azure." }]);
  });
});

describe("npm run status, a lost cloud", () => {
  let run: Run;
  beforeAll(async () => {
    run = await status("lost-cloud");
  });

  test("exits 2: azure unreachable, its nodes dead, and the two clouds left cannot lose another", () => {
    expect(run.code).toBe(2);
    expect(siteRow(run, "azure")).toMatch(/^azure\s+azure\s+eastus\s+unreachable\s+\?\s+\?\s+0\/0\/3 of 3\s+\?$/);
    expect(siteRow(run, "aws")).toMatch(/\sReady \(2 sites\)\s+1\/2 Ready\s/);
    expect(run.stdout).toContain("[degraded] azure: kubectl cannot reach the cluster: Unable to connect to the server: dial tcp 20.81.112.40:443: i/o timeout.");
    expect(run.stdout).toContain("[degraded] azure: Nodes not live: n7 (crdb-azure-0) dead, n8 (crdb-azure-1) dead, n9 (crdb-azure-2) dead.");
    expect(run.stdout).toContain("[degraded] aws: Skupper Link aws-to-azure is Error: dial tcp 20.81.112.41:55671: connect: connection timed out.");
    expect(run.stdout).toContain("DOES NOT HOLD: losing aws would take 130 ranges; losing gcp would take 87 ranges");
    // Ranges stay available: 5 replicas, at most 2 in the lost cloud.
    expect(run.stdout).toContain("Ranges: 0 unavailable, 62 under-replicated");
  });

  test("asks the lost cloud only whether it is reachable", () => {
    const azure = run.calls.filter((c) => c[0] === "kubectl" && c[2] === "azure");
    expect(azure).toEqual([["kubectl", "--context", "azure", "--namespace", "cockroachdb", "--request-timeout=19s", "get", "--raw", "/readyz"]]);
  });

  test("a cloud that never answers costs one timeout per call, and its kubectl is killed", async () => {
    const hanging = await status(variant("lost-cloud", { "azure/hang": "" }), ["--timeout", "2", "--json"]);
    const report = json(hanging);
    expect(report.sites[2].kubectl).toEqual({ reachable: false, error: "no answer within 2s" });
    expect(report.exitCode).toBe(2);
    const pid = Number(fs.readFileSync(`${hanging.log}.hang-pid`, "utf8"));
    expect(await ended(pid)).toBe(true);
  });

  test("the JSON report names the lost site's nodes and the ranges at risk", async () => {
    const report = json(await status("lost-cloud", ["--json"]));
    expect(report.sites[2]).toMatchObject({ name: "azure", kubectl: { reachable: false }, skupper: { links: [] }, nodes: { live: 0, dead: 3 }, certificates: {} });
    expect(report.survival).toMatchObject({ holds: false, unavailableRanges: 0, atRisk: [{ domain: "aws", ranges: 130 }, { domain: "gcp", ranges: 87 }] });
    expect(report.health).toBe("atRisk");
  });
});

describe("npm run status, where the SQL client is", () => {
  test("falls back to the next site's client when the first one cannot reach the database", async () => {
    const scenario = variant("healthy", { "aws/sql-fails": "ERROR: cannot dial server.\nFailed running \"sql\"\n", "gcp/client-ready": "1" });
    const run = await status(scenario, ["--json"]);
    expect(json(run).sqlClientSite).toBe("gcp");
    const cockroach = run.calls.filter((c) => c[0] === "cockroach").map((c) => c[1]);
    expect(cockroach[0]).toBe("(in aws)");
    expect(cockroach.slice(1).every((site) => site === "(in gcp)")).toBe(true);
    expect(json(run).exitCode).toBe(0);
  });

  test("--client-site picks the client", async () => {
    const run = await status(variant("healthy", { "azure/client-ready": "1" }), ["--client-site", "azure", "--json"]);
    expect(json(run).sqlClientSite).toBe("azure");
    expect(run.calls.filter((c) => c[0] === "cockroach").every((c) => c[1] === "(in azure)")).toBe(true);
  });

  test("exits 3 when no reachable site has a client (the client lives only in the lost site)", async () => {
    // By default (sqlClientPod) only the first site runs a client.
    const run = await status(variant("lost-cloud", { "aws/unreachable": "Unable to connect to the server: dial tcp 52.4.1.9:443: i/o timeout\n" }));
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("[OUTAGE] No SQL client could be reached, so the database was not asked: no reachable site has a ready deploy/cockroachdb-client (a site runs one with sqlClientPod: true).");
    expect(run.stdout).toContain("Survival goal region (5 replicas): unknown (no SQL client could be reached)");
    expect(siteRow(run, "gcp")).toMatch(/\s\?\s+20\d\d-/);
    expect(run.calls.some((c) => c[0] === "cockroach")).toBe(false);
  });
});

describe("npm run status, inputs", () => {
  test("--outputs reads the replication factor and which sites' database stacks exist", async () => {
    const outputs = path.join(scratch, "outputs.json");
    fs.writeFileSync(
      outputs,
      JSON.stringify({ "cluster-init": { replication_factor: 5 }, "aws-database": { sql_shell: "kubectl ...", db_console: "kubectl ..." }, "gcp-database": { sql_shell: "kubectl ..." } }),
    );
    const report = json(await status("healthy", ["--outputs", outputs, "--json"]));
    expect(report.survival.replicationFactor).toBe(5);
    expect(report.problems).toEqual([{ severity: "degraded", site: "azure", message: "The outputs file has no outputs of this site's database stack: is it deployed?" }]);
  });

  test("bad arguments and topologies exit 4 with the reason, before any program runs", async () => {
    const unknown = await status("healthy", ["--jsn"]);
    expect([unknown.code, unknown.stderr.split("\n")[0]]).toEqual([4, 'Unknown argument "--jsn".']);
    expect(unknown.calls).toEqual([]);
    const timeout = await status("healthy", ["--timeout", "0"]);
    expect([timeout.code, timeout.stderr.split("\n")[0]]).toEqual([4, "--timeout takes whole seconds from 2 to 600."]);
    const client = await status("healthy", ["--client-site", "dc9"]);
    expect([client.code, client.stderr.split("\n")[0]]).toEqual([4, '--client-site "dc9" is not a site of the topology (aws, gcp, azure).']);
    const topology = await status("healthy", ["--topology", path.join(ROOT, "test/stacks/fixtures/invalid/bad-site-name.yaml")]);
    expect(topology.code).toBe(4);
    expect(topology.stderr).toMatch(/^Invalid topology .*bad-site-name\.yaml/);
    expect((await status("healthy", ["--help"])).stdout).toContain("Exit codes: 0 healthy;");
  });

  test("an existing site is reached through its kubeconfig and context, with ~ expanded", () => {
    const topology = loadTopology(path.join(ROOT, "test/stacks/fixtures/valid/full.yaml"));
    const dc1 = topology.sites.find((s) => s.cloud === "existing");
    expect(dc1 && kubectlTarget(dc1, "cockroachdb")).toEqual([
      "--kubeconfig", path.join(ROOT, "test/stacks/fixtures/valid/kube/dc1.yaml"), "--context", "dc1-admin", "--namespace", "cockroachdb",
    ]);
    const tilde = { ...dc1, kubeconfig: { path: "~/.kube/config", context: "dc1-admin" } } as typeof dc1 & object;
    expect(kubectlTarget(tilde, "db")[1]).toBe(path.join(os.homedir(), ".kube/config"));
  });

  test("only numeric schedule IDs reach the jobs statement", () => {
    expect(SQL.lastSuccess(["12", "1; DROP TABLE x", "34"])).toBe(
      "SELECT 12 AS schedule_id, max(finished) AS last_success FROM [SHOW JOBS FOR SCHEDULE 12] WHERE status = 'succeeded' UNION ALL " +
        "SELECT 34 AS schedule_id, max(finished) AS last_success FROM [SHOW JOBS FOR SCHEDULE 34] WHERE status = 'succeeded'",
    );
  });

  test("reads the cockroach CLI's timestamp and interval formats", () => {
    expect(parseSqlTimestamp("2026-12-01 09:59:57.901224")?.toISOString()).toBe("2026-12-01T09:59:57.901Z");
    expect(parseSqlTimestamp("2026-12-01 10:00:00.184512+00")?.toISOString()).toBe("2026-12-01T10:00:00.184Z");
    expect(parseSqlTimestamp("2026-12-01 15:30:00+05:30")?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(parseSqlTimestamp("NULL")).toBeUndefined();
    expect(parseSqlIntervalSeconds("00:05:00")).toBe(300);
    expect(parseSqlIntervalSeconds("1 day 02:00:00")).toBe(93600);
    expect(parseSqlIntervalSeconds("5m0s")).toBeUndefined();
  });
});

describe("the recorded outputs", () => {
  // The stub prints secrets.txt; this proves it is what the real kubectl prints for that template.
  const realKubectl = ["/usr/local/bin/kubectl", "/usr/bin/kubectl"].find((p) => fs.existsSync(p));
  const itWithKubectl = realKubectl ? test : test.skip;
  if (!realKubectl) console.log("Skipping the real-kubectl check of the recorded Secret output: no kubectl in /usr/local/bin or /usr/bin.");

  itWithKubectl("secrets.txt is the real kubectl's JSONPath output for secrets.json, and holds no key", () => {
    // `label --local` prints each object of the list through the template inside the range.
    const perItem = SECRET_CERTIFICATES_JSONPATH.replace(/^\{range \.items\[\*\]\}/, "").replace(/\{end\}$/, "");
    for (const scenario of ["healthy", "attention"]) {
      for (const site of fs.readdirSync(path.join(FIXTURES, scenario)).filter((d) => fs.existsSync(path.join(FIXTURES, scenario, d, "secrets.json")))) {
        const dir = path.join(FIXTURES, scenario, site);
        const rendered = spawnSync(realKubectl as string, ["label", "--local", "-f", path.join(dir, "secrets.json"), "x=y", "-o", `jsonpath=${perItem}`], {
          encoding: "utf8",
          env: { ...process.env, KUBECONFIG: "/dev/null" },
        });
        expect(rendered.stderr).toBe("");
        expect(rendered.stdout).toBe(fs.readFileSync(path.join(dir, "secrets.txt"), "utf8"));
        for (const secret of recordedSecrets()) expect(rendered.stdout).not.toContain(secret);
      }
    }
  });
});

describe("the crdb-status entry point", () => {
  test("runs as a program and exits with the report's code", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "stacks/status/main.ts", "--json"], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        CRDB_TOPOLOGY: "",
        PATH: `${STUBS}${path.delimiter}${process.env.PATH}`,
        STUB_SCENARIO: path.join(FIXTURES, "lost-cloud"),
        STUB_LOG: path.join(scratch, "entry-point.ndjson"),
      },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(2);
    expect((JSON.parse(result.stdout) as StatusReport).sites[2].kubectl.reachable).toBe(false);
  });
});

describe("the README's chaos runbook", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const examples = [...readme.matchAll(/<!-- status-example: ([a-z-]+) -->\n```text\n([\s\S]*?)```/g)];

  test("shows a lost cloud, its recovery and the healthy end state", () => {
    expect(examples.map((m) => m[1])).toEqual(["lost-cloud", "recovering", "healthy"]);
  });

  test.each(examples.map((m) => [m[1], m[2]]))("its %s output is what npm run status prints for that state", async (scenario, shown) => {
    const run = await status(scenario);
    expect(shown).toBe(run.stdout);
    expect(run.code).toBe(Number(/\(exit (\d)\)\n$/.exec(shown)?.[1]));
  });
});

describe("the survival check with goal zone", () => {
  const topology = parseTopology({ ...DEFAULT_TOPOLOGY_FILE, survivalGoal: "zone" }, "zone test");
  const zones = ["a", "b", "c"];
  const node = (id: number, site: string, ordinal: number, live: boolean, membership = "active"): NodeStatusRow => ({
    id,
    address: `crdb-${site}-${ordinal}.cockroachdb.svc.cluster.local:26257`,
    locality: `cloud=${site},region=r,zone=${zones[ordinal]}`,
    isLive: live,
    isAvailable: live,
    updatedAt: new Date("2026-12-01T09:59:50Z"),
    membership,
    rangesUnavailable: 0,
    rangesUnderreplicated: 0,
  });
  const observe = (nodes: NodeStatusRow[], voters: VoterGroup[]) =>
    evaluate(topology, {
      now: new Date("2026-12-01T10:00:00Z"),
      clock: "cluster",
      sites: new Map(topology.sites.map((s) => [s.name, { reachable: { ok: true, value: true } as const }])),
      sqlClientSite: "aws",
      nodes: { ok: true, value: nodes },
      voterGroups: { ok: true, value: voters },
      backupSchedules: { ok: true, value: [] },
    });
  const all = () => ["aws", "gcp", "azure"].flatMap((site, s) => [0, 1, 2].map((i) => node(s * 3 + i + 1, site, i, true)));

  test("3 replicas in 3 zones survive losing any one zone", () => {
    const report = observe(all(), [{ voters: [1, 4, 7], ranges: 10 }, { voters: [2, 5, 8], ranges: 5 }]);
    expect(report.survival).toMatchObject({ goal: "zone", replicationFactor: 3, failureDomain: "zone", holds: true, rangesChecked: 15, atRisk: [] });
  });

  test("with one voter's node down, losing the zone of either other voter takes the range", () => {
    const nodes = all().map((n) => (n.id === 4 ? { ...n, isLive: false, isAvailable: false } : n));
    const report = observe(nodes, [{ voters: [1, 4, 7], ranges: 10 }, { voters: [2, 5, 8], ranges: 5 }]);
    expect(report.survival.holds).toBe(false);
    expect(report.survival.atRisk).toEqual([
      { domain: "cloud=aws,region=r,zone=a", ranges: 10 },
      { domain: "cloud=azure,region=r,zone=a", ranges: 10 },
    ]);
    expect(report.exitCode).toBe(2);
  });

  test("two voters down is an outage; decommissioning nodes still vote; pods that never joined are missing", () => {
    const nodes = all()
      .filter((n) => n.id !== 9)
      .map((n) => (n.id === 4 || n.id === 7 ? { ...n, isLive: false, isAvailable: false } : n.id === 2 ? { ...n, membership: "decommissioning" } : n));
    const report = observe(nodes, [{ voters: [1, 4, 7], ranges: 10 }, { voters: [2, 5, 8], ranges: 5 }]);
    expect(report.survival).toMatchObject({ holds: false, unavailableRanges: 10, rangesChecked: 15 });
    expect(report.sites[0].nodes).toMatchObject({ live: 2, suspect: 1, dead: 0, missing: 0 });
    expect(report.sites[2].nodes).toMatchObject({ live: 1, suspect: 1, missing: 1 });
    expect(report.exitCode).toBe(3);
    expect(report.problems).toContainEqual({ severity: "outage", message: "10 ranges have no majority of live voters." });
  });
});
