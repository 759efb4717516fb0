import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { initScript, shellQuote, startScript, zoneLookupScript } from "../../lib/database/scripts";
import { hasTool, runBash, stubDir } from "./helpers";

const haveBash = hasTool("bash");
if (!haveBash) console.warn("bash not found: skipping the tests that run the generated container scripts");
const describeWithBash = haveBash ? describe : describe.skip;

/** A stub that appends its arguments, one per line, then a separator, to $CALLS. */
const RECORD = 'printf "%s\\n" "$(basename "$0")" "$@" "--" >> "$CALLS"';

function calls(file: string): string[][] {
  if (!fs.existsSync(file)) return [];
  const groups: string[][] = [];
  let current: string[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n").slice(0, -1)) {
    if (line === "--") {
      groups.push(current);
      current = [];
    } else current.push(line);
  }
  return groups;
}

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crdb-")), name);
}

describeWithBash("start script", () => {
  const base = { namespace: "db", clusterDomain: "example.internal", locality: "cloud=aws,region=us-west-2", cacheMiB: 4096, maxSqlMemoryMiB: 4096 };

  test("starts cockroach with the advertised FQDN, the join list, the locality and memory flags", () => {
    const callsFile = tempFile("calls");
    const zoneFile = tempFile("zone");
    fs.writeFileSync(zoneFile, "us-west-2b");
    const result = runBash(startScript({ ...base, zoneFile }), stubDir({ cockroach: RECORD }), {
      CALLS: callsFile,
      POD_NAME: "crdb-aws-1",
      COCKROACH_JOIN: "crdb-aws-0.db.svc.example.internal:26257,crdb-gcp-0.db.svc.example.internal:26257",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(calls(callsFile)).toEqual([
      [
        "cockroach",
        "start",
        "--certs-dir=/cockroach/cockroach-certs",
        "--store=/cockroach/cockroach-data",
        "--listen-addr=:26257",
        "--http-addr=:8080",
        "--advertise-addr=crdb-aws-1.db.svc.example.internal:26257",
        "--join=crdb-aws-0.db.svc.example.internal:26257,crdb-gcp-0.db.svc.example.internal:26257",
        "--locality=cloud=aws,region=us-west-2,zone=us-west-2b",
        "--cache=4096MiB",
        "--max-sql-memory=4096MiB",
        "--log={sinks: {stderr: {filter: INFO}}}",
      ],
    ]);
  });

  test("without the zone tier the locality is cloud and region only", () => {
    const callsFile = tempFile("calls");
    const result = runBash(startScript(base), stubDir({ cockroach: RECORD }), { CALLS: callsFile, POD_NAME: "p-0", COCKROACH_JOIN: "a:26257" });
    expect(result.status).toBe(0);
    expect(calls(callsFile)[0]).toContain("--locality=cloud=aws,region=us-west-2");
  });

  test("refuses to start without a join list, a pod name or a zone", () => {
    const stubs = stubDir({ cockroach: RECORD });
    const callsFile = tempFile("calls");
    const noJoin = runBash(startScript(base), stubs, { CALLS: callsFile, POD_NAME: "p-0" });
    expect(noJoin.status).not.toBe(0);
    expect(noJoin.stderr).toContain("COCKROACH_JOIN is empty");
    const noPod = runBash(startScript(base), stubs, { CALLS: callsFile, COCKROACH_JOIN: "a:26257" });
    expect(noPod.status).not.toBe(0);
    expect(noPod.stderr).toContain("POD_NAME");
    const emptyZone = tempFile("zone");
    fs.writeFileSync(emptyZone, "");
    const noZone = runBash(startScript({ ...base, zoneFile: emptyZone }), stubs, { CALLS: callsFile, POD_NAME: "p-0", COCKROACH_JOIN: "a:26257" });
    expect(noZone.status).not.toBe(0);
    expect(noZone.stderr).toContain("The zone lookup left no zone.");
    expect(calls(callsFile)).toEqual([]);
  });
});

describeWithBash("zone lookup script", () => {
  function lookup(nodeJson: string) {
    const saDir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-sa-"));
    fs.writeFileSync(path.join(saDir, "token"), "TOKEN");
    fs.writeFileSync(path.join(saDir, "ca.crt"), "CA");
    const zoneFile = tempFile("zone");
    const callsFile = tempFile("calls");
    const curl = `${RECORD}\nprintf '%s' '${nodeJson}'`;
    const result = runBash(zoneLookupScript({ serviceAccountDir: saDir, zoneFile }), stubDir({ curl }), { CALLS: callsFile, NODE_NAME: "ip-10-0-1-5" });
    return { result, zoneFile, curlArgs: calls(callsFile)[0] ?? [], saDir };
  }

  test("reads the node's zone label from the API with the service account token", () => {
    const { result, zoneFile, curlArgs, saDir } = lookup(
      '{"kind":"Node","metadata":{"name":"ip-10-0-1-5","labels":{"kubernetes.io/hostname":"ip-10-0-1-5","topology.kubernetes.io/region":"us-west-2","topology.kubernetes.io/zone":"us-west-2c"}}}',
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(fs.readFileSync(zoneFile, "utf8")).toBe("us-west-2c");
    expect(curlArgs).toContain("https://kubernetes.default.svc/api/v1/nodes/ip-10-0-1-5");
    expect(curlArgs).toContain("Authorization: Bearer TOKEN");
    expect(curlArgs).toContain(`${saDir}/ca.crt`);
  });

  test("also parses pretty-printed JSON", () => {
    const { result, zoneFile } = lookup('{"metadata": {"labels": {"topology.kubernetes.io/zone": "europe-west1-b"}}}');
    expect(result.status).toBe(0);
    expect(fs.readFileSync(zoneFile, "utf8")).toBe("europe-west1-b");
  });

  test("fails loudly when the node has no zone label or an unusable one", () => {
    const missing = lookup('{"metadata":{"labels":{"kubernetes.io/hostname":"n1"}}}');
    expect(missing.result.status).not.toBe(0);
    expect(missing.result.stderr).toContain("Node ip-10-0-1-5 has no topology.kubernetes.io/zone label.");
    const bad = lookup('{"metadata":{"labels":{"topology.kubernetes.io/zone":"a,b=c"}}}');
    expect(bad.result.status).not.toBe(0);
    expect(bad.result.stderr).toContain('The zone label "a,b=c" of node ip-10-0-1-5 cannot be a locality value.');
    expect(fs.existsSync(bad.zoneFile)).toBe(false);
  });
});

describeWithBash("cluster init script", () => {
  const options = {
    initHost: "crdb-aws-0.db.svc.cluster.local:26257",
    probeHosts: ["crdb-aws-0.db.svc.cluster.local:26257", "crdb-gcp-0.db.svc.cluster.local:26257"],
    expectedNodes: 3,
    statements: ["ALTER RANGE default CONFIGURE ZONE USING num_replicas = 5"],
  };

  /**
   * A fake cluster. `init` fails $INIT_FAILURES times, then initialises (and with
   * $LOSE_REPLY still reports an error). `SELECT 1` answers from $ANSWERING_HOST only if
   * set, else from any host once initialised, never with $SQL_DOWN. Other SQL succeeds
   * once initialised. `node ls` lists one more node per call.
   */
  const fakeCockroach = `${RECORD}
host=""; for a in "$@"; do case "$a" in --host=*) host="\${a#--host=}";; esac; done
initialised() { [ -e "$STATE/initialised" ] || [ -n "\${ANSWERING_HOST:-}" ]; }
case "$1" in
  init)
    n=$(cat "$STATE/init-attempts" 2>/dev/null || echo 0); echo $((n+1)) > "$STATE/init-attempts"
    if initialised; then echo "ERROR: cluster has already been initialized" >&2; exit 1; fi
    if [ "$n" -lt "\${INIT_FAILURES:-0}" ]; then echo "ERROR: connection refused" >&2; exit 1; fi
    touch "$STATE/initialised"
    if [ -n "\${LOSE_REPLY:-}" ]; then echo "ERROR: connection reset" >&2; exit 1; fi
    echo "Cluster successfully initialized"; exit 0 ;;
  sql)
    case "$*" in
      *"SELECT 1"*)
        [ -z "\${SQL_DOWN:-}" ] || exit 1
        if [ -n "\${ANSWERING_HOST:-}" ]; then [ "$host" = "$ANSWERING_HOST" ]; exit; fi
        initialised; exit ;;
      *) initialised; exit ;;
    esac ;;
  node)
    n=$(cat "$STATE/nodes" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$STATE/nodes"
    echo id; seq 1 "$n"; exit 0 ;;
esac
exit 2`;

  function run(env: Record<string, string>, script = initScript(options)) {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-state-"));
    const callsFile = path.join(state, "calls");
    const stubs = stubDir({ cockroach: fakeCockroach, sleep: "exit 0" });
    const result = runBash(script, stubs, { CALLS: callsFile, STATE: state, ...env });
    const all = calls(callsFile);
    return { result, all, inits: all.filter((c) => c[1] === "init") };
  }

  test("retries init until it succeeds, waits for every node, then applies the survival setting", () => {
    const { result, all, inits } = run({ INIT_FAILURES: "2" });
    expect(result.status).toBe(0);
    expect(inits).toHaveLength(3);
    expect(inits[2]).toEqual(["cockroach", "init", "--certs-dir=/cockroach/cockroach-certs", "--host=crdb-aws-0.db.svc.cluster.local:26257"]);
    expect(all.filter((c) => c[1] === "node")).toHaveLength(3);
    const last = all[all.length - 1];
    expect(last).toEqual([
      "cockroach",
      "sql",
      "--certs-dir=/cockroach/cockroach-certs",
      "--host=crdb-aws-0.db.svc.cluster.local:26257",
      "--execute=ALTER RANGE default CONFIGURE ZONE USING num_replicas = 5",
    ]);
    expect(result.stdout).toContain("Initialised the cluster through crdb-aws-0.db.svc.cluster.local:26257.");
    expect(result.stdout).toContain("All 3 nodes have joined.");
  });

  test("never sends init when some node already answers (a re-run must not bootstrap a second cluster)", () => {
    const { result, inits, all } = run({ ANSWERING_HOST: "crdb-gcp-0.db.svc.cluster.local:26257" });
    expect(result.status).toBe(0);
    expect(inits).toEqual([]);
    expect(all[0]).toEqual(["cockroach", "sql", "--certs-dir=/cockroach/cockroach-certs", "--host=crdb-aws-0.db.svc.cluster.local:26257", "--execute=SELECT 1"]);
    expect(all[1][3]).toBe("--host=crdb-gcp-0.db.svc.cluster.local:26257");
  });

  test("treats 'already initialized' after a lost reply as success, and sends no third init", () => {
    const { result, inits } = run({ LOSE_REPLY: "1", SQL_DOWN: "1" });
    expect(result.status).toBe(0);
    expect(inits).toHaveLength(2);
    expect(result.stdout).toContain("The cluster is initialised.");
  });
});

describeWithBash("cluster init script with a license", () => {
  const script = initScript({
    initHost: "crdb-aws-0.db.svc.cluster.local:26257",
    probeHosts: ["crdb-aws-0.db.svc.cluster.local:26257"],
    expectedNodes: 1,
    statements: [],
    licenseEnv: "COCKROACH_LICENSE",
    licenseOrganizationEnv: "COCKROACH_LICENSE_ORGANIZATION",
  });
  // A cluster that is already initialised and answers every SQL statement.
  function run(license: string | undefined, organization?: string) {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-license-"));
    const callsFile = path.join(state, "calls");
    // sql records its stdin as one more argument, so the test sees the statement and where it came from.
    const stubs = stubDir({ cockroach: `case "$1" in sql) set -- "$@" "stdin=$(cat)" ;; esac\n${RECORD}\ncase "$1" in node) echo id; echo 1 ;; esac\nexit 0`, sleep: "exit 0" });
    const env: Record<string, string> = { CALLS: callsFile };
    if (license !== undefined) env.COCKROACH_LICENSE = license;
    if (organization !== undefined) env.COCKROACH_LICENSE_ORGANIZATION = organization;
    const result = runBash(script, stubs, env);
    const sqlCalls = calls(callsFile).filter((c) => c[1] === "sql");
    // The key never reaches argv: only the recorded stdin may hold it.
    for (const call of sqlCalls) expect(call.slice(0, -1).join(" ")).not.toContain("ChB0ZXN0");
    return { result, sql: sqlCalls.map((c) => c.at(-1)!) };
  }

  test("applies the key right after init and never prints it", () => {
    const { result, sql } = run("crl-0-ChB0ZXN0+/=_.-");
    expect(result.status).toBe(0);
    expect(sql).toContain("stdin=SET CLUSTER SETTING enterprise.license = 'crl-0-ChB0ZXN0+/=_.-'");
    expect(result.stdout + result.stderr).not.toContain("ChB0ZXN0");
    expect(result.stdout).toContain("Applied the license key.");
  });

  test("without a key it says so and goes on", () => {
    for (const license of [undefined, ""]) {
      const { result, sql } = run(license);
      expect(result.status).toBe(0);
      expect(sql.filter((s) => s.includes("enterprise.license"))).toEqual([]);
      expect(result.stdout).toContain("No license key: a multi-node cluster runs on a 7-day grace period without one.");
    }
  });

  test("refuses a key that could break out of the SQL string", () => {
    const { result, sql } = run("x'; DROP DATABASE defaultdb; --");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("The license key holds characters no key has; check its Secret.");
    expect(result.stderr).not.toContain("DROP");
    expect(sql.filter((s) => s.includes("enterprise.license"))).toEqual([]);
  });

  test("sets cluster.organization before the key, as one SQL string whatever it holds", () => {
    const { result, sql } = run("crl-0-ChB0ZXN0", `O'Brien & "Sons"; $(touch /tmp/x) \`id\``);
    expect(result.status).toBe(0);
    expect(sql.filter((s) => s.includes("SET CLUSTER SETTING"))).toEqual([
      `stdin=SET CLUSTER SETTING cluster.organization = 'O''Brien & "Sons"; $(touch /tmp/x) \`id\`'`,
      "stdin=SET CLUSTER SETTING enterprise.license = 'crl-0-ChB0ZXN0'",
    ]);
    expect(result.stdout).toContain("Set cluster.organization for the license.");
  });

  test("without an organization, or without a key, it sets no organization", () => {
    for (const [license, organization] of [["crl-0-ChB0ZXN0", undefined], [undefined, "Acme"]]) {
      const { result, sql } = run(license, organization);
      expect(result.status).toBe(0);
      expect(sql.filter((s) => s.includes("cluster.organization"))).toEqual([]);
    }
  });
});

test("shellQuote survives single quotes", () => {
  expect(shellQuote("it's")).toBe("'it'\\''s'");
});
