/**
 * Bad and hostile topology files, by class: parse errors, limits, formats of every string that
 * reaches Terraform or a shell, invisible characters. Each case pins the exact path in the file
 * and the key words of the fix.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TopologyError, loadTopology, parseTopology, type Topology } from "../../stacks/topology";
import { LEAST_VALID_TOPOLOGY, MAX_FILE_BYTES, MAX_SITES } from "../../stacks/topology/limits";
import { describeValue } from "../../lib/core/validation";
import { runApp } from "../../stacks/app-entry";
import * as app from "../../stacks/app";

const PARSE_FIXTURES = path.join(__dirname, "fixtures", "parse");

/** The problems of a topology that must be invalid, as [path, message] pairs. */
function problemsOf(load: () => Topology): Array<[string, string]> {
  try {
    load();
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    return error.problems.map((p) => [p.field, p.message]);
  }
  throw new Error("expected a TopologyError");
}

/** Asserts exactly one problem, at `field`, whose message contains every one of `words`. */
function expectOneProblem(load: () => Topology, field: string, words: readonly string[]): void {
  const problems = problemsOf(load);
  expect(problems.map(([f]) => f)).toEqual([field]);
  for (const word of words) expect(problems[0][1]).toContain(word);
}

describe("parse errors a person can act on", () => {
  const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
    ["trailing-comma.json", ["not valid JSON at line 4, column 61", "Expected double-quoted property name"]],
    ["truncated.json", ["not valid JSON at line 1, column 94"]],
    ["duplicate-key.json", ['The key "name" appears twice', "line 4, column 61", "Remove one of them"]],
    ["duplicate-key.yaml", ["not valid YAML at line 6, column 5", "Map keys must be unique"]],
    ["empty.json", ["The file is empty", `The least valid topology is: ${LEAST_VALID_TOPOLOGY}`]],
    ["only-comments.yaml", ["no content, only comments", `The least valid topology is: ${LEAST_VALID_TOPOLOGY}`]],
    ["two-documents.yaml", ["holds 2 YAML documents", "line 4", "put the whole topology in one document"]],
    ["unclosed-flow.yaml", ["not valid YAML at line 4, column 1"]],
    ["latin1.json", ["not UTF-8 text (line 1, column 84)", "save it as UTF-8"]],
  ];
  test.each(CASES)("%s", (file, words) => {
    expectOneProblem(() => loadTopology(path.join(PARSE_FIXTURES, file)), "topology file", words);
  });

  test("a YAML alias bomb is stopped at the nesting limit, not expanded", () => {
    const [[field, message]] = problemsOf(() => loadTopology(path.join(PARSE_FIXTURES, "alias-bomb.yaml")));
    expect(field).toMatch(/^[abc]\[/);
    expect(message).toContain("It nests deeper than 32 levels");
  });

  test.each(["byte-order-mark.json", "byte-order-mark.yaml"])("a byte-order mark is accepted: %s", (file) => {
    expect(loadTopology(path.join(PARSE_FIXTURES, file)).sites.map((s) => s.name)).toEqual(["aws"]);
  });

  test("the least valid topology named in the empty-file message is valid", () => {
    expect(parseTopology(JSON.parse(LEAST_VALID_TOPOLOGY), "inline").sites).toHaveLength(1);
  });
});

describe("limits", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "topology-limits-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test("a file over 1 MiB is refused before it is read", () => {
    const file = write("big.json", " ".repeat(MAX_FILE_BYTES + 1));
    expectOneProblem(() => loadTopology(file), "topology file", [`${MAX_FILE_BYTES + 1} bytes`, "at most 1048576 (1 MiB"]);
  });

  test.each([
    ["deep.json", `{"sites": ${"[".repeat(100000)}${"]".repeat(100000)}}`, "sites[0][0]"],
    ["deep.yaml", `sites: ${"[".repeat(100000)}${"]".repeat(100000)}\n`, "topology file"],
    ["deep-block.yaml", `sites:\n${Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}- `).join("\n")}x\n`, "sites[0][0]"],
  ])("nesting 100000 levels deep is a message, not a stack overflow: %s", (name, text, start) => {
    const problems = problemsOf(() => loadTopology(write(name, text)));
    expect(problems).toHaveLength(1);
    expect(problems[0][0].startsWith(start)).toBe(true);
    expect(problems[0][1]).toMatch(/nests (deeper than 32 levels|too deeply to read)/);
  });

  test("more sites than the limit are one problem, found before any site is checked", () => {
    const sites = Array.from({ length: 20000 }, (_, i) => ({ name: `s${i}`, cloud: "azure", region: "eastus" }));
    const file = write("many.json", JSON.stringify({ sites }));
    expectOneProblem(() => loadTopology(file), "sites", ['"20000 sites"', `at most ${MAX_SITES} sites`, "split it"]);
  });

  test(`${MAX_SITES} sites are accepted, 48 (the benchmark) among them`, () => {
    expect(MAX_SITES).toBeGreaterThanOrEqual(48);
    const sites = Array.from({ length: MAX_SITES }, (_, i) => ({
      name: `dc${i}`,
      cloud: "existing",
      region: `dc${i}`,
      kubeconfig: { context: `dc${i}` },
      storageClassName: "ssd",
      replicas: 1,
    }));
    expect(parseTopology({ sites, survivalGoal: "zone" }, "inline").sites).toHaveLength(MAX_SITES);
  });
});

describe("values are shown so that what is wrong is visible", () => {
  test.each([
    ["a Cyrillic look-alike", "\u0430ws", '"\\u0430ws"'],
    ["a zero-width space", "aws\u200b", '"aws\\u200b"'],
    ["a right-to-left override", "aws\u202e", '"aws\\u202e"'],
    ["a newline and a NUL", "a\nb\u0000", '"a\\nb\\u0000"'],
    ["an emoji (two UTF-16 units)", "\u{1f600}", '"\\ud83d\\ude00"'],
  ])("%s", (_name, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  test("long and deep values are cut, never overflow", () => {
    expect(describeValue("a".repeat(5000))).toBe(`"${"a".repeat(160)}..." (5000 characters)`);
    let deep: unknown = 1;
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(describeValue(deep)).toBe("[[[[...]]]]");
    expect(describeValue(Array.from({ length: 30 }, (_, i) => i))).toMatch(/,19,\.\.\. \(30 items\)\]$/);
  });

  test("a look-alike site name is reported escaped, so it does not read like its fix", () => {
    expectOneProblem(
      () => parseTopology({ survivalGoal: "zone", sites: [{ name: "\u0430ws", cloud: "aws", region: "us-east-1" }] }, "inline"),
      "sites[0].name",
      ['invalid value "\\u0430ws"', "U+0430"],
    );
  });
});

describe("the app's last line of defence", () => {
  const run = (env: NodeJS.ProcessEnv) => {
    const lines: string[] = [];
    const code = runApp({ env, outdir: fs.mkdtempSync(path.join(os.tmpdir(), "run-app-")), writeError: (text) => lines.push(text) });
    return { code, stderr: lines.join("") };
  };
  afterEach(() => jest.restoreAllMocks());

  test("an unexpected exception is one line saying it is a bug and how to report it; no trace", () => {
    jest.spyOn(app, "buildDeployment").mockImplementation(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'name')\n    at somewhere (file.ts:1:1)");
    });
    const { code, stderr } = run({ CRDB_TOPOLOGY: "" });
    expect(code).toBe(2);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "Internal error (a bug in cdktf-multicloud-cockroachdb, not a problem in your topology): TypeError: Cannot read properties of undefined (reading 'name'). " +
        "Please report it to the maintainers with the topology file and the output of: CRDB_DEBUG=1 CRDB_TOPOLOGY=<topology-file> npx cdktf synth",
    ]);
  });

  test("CRDB_DEBUG=1 adds the stack trace", () => {
    jest.spyOn(app, "buildDeployment").mockImplementation(() => {
      throw new RangeError("boom");
    });
    const { code, stderr } = run({ CRDB_TOPOLOGY: "", CRDB_DEBUG: "1" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Internal error .*RangeError: boom\. .*\nRangeError: boom\n\s+at /);
  });

  test("a bad topology is the user's message, exit 1", () => {
    const { code, stderr } = run({ CRDB_TOPOLOGY: path.join(PARSE_FIXTURES, "empty.json") });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Invalid topology \(.*empty\.json\), 1 problem:\n {2}topology file: /);
    expect(stderr).not.toContain("    at ");
  });
});

/** One field wrong in an otherwise valid one-site topology: [name, overrides, exact path, key words of the fix]. */
const awsSite = { name: "aws", cloud: "aws", region: "us-east-1" };
const existing = (name: string, extra: Record<string, unknown> = {}) => ({ name, cloud: "existing", region: name, kubeconfig: { context: name }, storageClassName: "ssd", ...extra });
const FIELD_CASES: ReadonlyArray<readonly [string, Record<string, unknown>, string, readonly string[]]> = [
  // Formats of strings that reach Terraform or a shell.
  ["aws profile template", { accounts: { awsProfile: '${file("/etc/passwd")}' } }, "accounts.awsProfile", ["profile in ~/.aws/config"]],
  ["aws profile space", { accounts: { awsProfile: "my profile" } }, "accounts.awsProfile", ["profile"]],
  ["aws profile newline", { accounts: { awsProfile: "prod\nid" } }, "accounts.awsProfile", ["U+000A", "remove it"]],
  ["image template", { cockroach: { image: "cockroachdb/cockroach:${x}" } }, "cockroach.image", ["valid image reference"]],
  ["image upper case", { cockroach: { image: "CockroachDB/cockroach:v26.2.7" } }, "cockroach.image", ["lower-case repository path"]],
  ["image shell", { cockroach: { image: "cockroachdb/cockroach:v26.2.7;id" } }, "cockroach.image", ["valid image reference"]],
  ["kubeconfig context quote", { sites: [existing("dc", { kubeconfig: { context: "a'b" } })] }, "sites[0].kubeconfig.context", ["kubectl config get-contexts"]],
  ["kubeconfig context NUL", { sites: [existing("dc", { kubeconfig: { context: "a\u0000" } })] }, "sites[0].kubeconfig.context", ["U+0000"]],
  ["kubeconfig path of another user", { sites: [existing("dc", { kubeconfig: { path: "~bob/.kube/config", context: "dc" } })] }, "sites[0].kubeconfig.path", ['Only "~" and "~/..." are expanded']],
  ["kubeconfig path bidi", { sites: [existing("dc", { kubeconfig: { path: "/etc/\u202ekube", context: "dc" } })] }, "sites[0].kubeconfig.path", ["U+202E"]],
  ["state directory template", { backend: { type: "local", directory: "/state/${path.root}" } }, "backend.directory", ['"${" and "%{"']],
  ["state directory of another user", { backend: { type: "local", directory: "~root/state" } }, "backend.directory", ['Only "~" and "~/..."']],
  ["s3 bucket dots", { backend: { type: "s3", bucket: "a..b", region: "us-east-1" } }, "backend.bucket", ["no '..'"]],
  ["s3 bucket ip", { backend: { type: "s3", bucket: "192.168.1.1", region: "us-east-1" } }, "backend.bucket", ["IP address"]],
  ["s3 key prefix template", { backend: { type: "s3", bucket: "state", region: "us-east-1", keyPrefix: "crdb/${x}" } }, "backend.keyPrefix", ["segments of letters"]],
  ["s3 key prefix dot-dot", { backend: { type: "s3", bucket: "state", region: "us-east-1", keyPrefix: "crdb/../x" } }, "backend.keyPrefix", ["'..'"]],
  ["dynamodb table", { backend: { type: "s3", bucket: "state", region: "us-east-1", dynamodbTable: "locks;drop" } }, "backend.dynamodbTable", ["DynamoDB table name"]],
  ["kms key", { backend: { type: "s3", bucket: "state", region: "us-east-1", kmsKeyId: "${var.k}" } }, "backend.kmsKeyId", ["KMS key ID", "alias"]],
  ["kms aws managed alias", { backend: { type: "s3", bucket: "state", region: "us-east-1", kmsKeyId: "alias/aws/s3" } }, "backend.kmsKeyId", ["AWS managed keys"]],
  ["gcs google", { backend: { type: "gcs", bucket: "google-state" } }, "backend.bucket", ['"google"']],
  ["gcs prefix", { backend: { type: "gcs", bucket: "state", prefix: "a//b" } }, "backend.prefix", ["single '/'"]],
  ["resource group", { backend: { type: "azurerm", resourceGroupName: "rg.", storageAccountName: "acct", containerName: "tfstate" } }, "backend.resourceGroupName", ["not ending with '.'"]],
  ["hcp organization", { backend: { type: "cloud", organization: "acme corp", workspacePrefix: "crdb" } }, "backend.organization", ["letters, digits, '-' and '_'"]],
  ["hcp hostname", { backend: { type: "cloud", organization: "acme", workspacePrefix: "crdb", hostname: "https://tfe.example.com" } }, "backend.hostname", ['without "https://"']],
  ["hcp project", { backend: { type: "cloud", organization: "acme", workspacePrefix: "crdb", project: "x" } }, "backend.project", ["3-40"]],
  ["hcp workspace too long", { backend: { type: "cloud", organization: "acme", workspacePrefix: "w".repeat(60) }, sites: [{ ...awsSite, name: "a".repeat(30) }] }, "backend.workspacePrefix", ["at most 90 characters", "shorten"]],
  // Plausibility, with escape hatches.
  ["unknown aws region", { sites: [{ ...awsSite, region: "us-east-7" }] }, "sites[0].region", ["AWS has no region", "allowUnknownRegion: true"]],
  ["unknown gcp region", { sites: [{ name: "g", cloud: "gcp", region: "us-north9" }] }, "sites[0].region", ["Google Cloud has no region", "allowUnknownRegion"]],
  ["azure region without zones", { sites: [{ name: "az", cloud: "azure", region: "westus" }] }, "sites[0].region", ["has no availability zones"]],
  ["unknown azure region", { sites: [{ name: "az", cloud: "azure", region: "moonbase" }] }, "sites[0].region", ["Azure has no region"]],
  ["unknown aws zone", { sites: [{ ...awsSite, region: "us-east-2", zones: ["us-east-2a", "us-east-2b", "us-east-2f"] }] }, "sites[0].zones[2]", ['no zone "us-east-2f"', "us-east-2c"]],
  ["eks version too old", { sites: [{ ...awsSite, kubernetesVersion: "1.29" }] }, "sites[0].kubernetesVersion", ["EKS no longer offers Kubernetes 1.29", "allowUnsupportedKubernetesVersion"]],
  ["aks version too new", { sites: [{ name: "az", cloud: "azure", region: "eastus", kubernetesVersion: "1.45" }] }, "sites[0].kubernetesVersion", ["AKS does not offer yet"]],
  ["gke version too old", { sites: [{ name: "g", cloud: "gcp", region: "us-east4", kubernetesVersion: "1.28.3-gke.100" }] }, "sites[0].kubernetesVersion", ["GKE no longer offers"]],
  ["cockroach tag not a release", { cockroach: { image: "cockroachdb/cockroach:banana" } }, "cockroach.image", ["Tag the image with the CockroachDB release it holds", "v26.2.7"]],
  ["cockroach tag without patch", { cockroach: { image: "cockroachdb/cockroach:v26.2" } }, "cockroach.image", ["Tag the image with the CockroachDB release it holds"]],
  ["cockroach future major", { cockroach: { image: "cockroachdb/cockroach:v99.1.0" } }, "cockroach.image", ["v99.1 is not a CockroachDB release known"]],
  ["cockroach out of support", { cockroach: { image: "cockroachdb/cockroach:v23.1.4" } }, "cockroach.image", ["out of support", "v24.3"]],
  ["cockroach expired innovation", { cockroach: { image: "cockroachdb/cockroach:v26.1.3" } }, "cockroach.image", ["v26.1 is out of support since 2026-08-02"]],
  ["cpu without unit is cores", { cockroach: { cpu: "7000" } }, "cockroach.cpu", ['"7000" is 7000 cores']],
  ["cpu too small", { cockroach: { cpu: "100m" } }, "cockroach.cpu", ['"500m"']],
  ["memory too small", { cockroach: { memory: "512Mi" } }, "cockroach.memory", ['"2Gi"']],
  ["memory absurd", { cockroach: { memory: "64Ti" } }, "cockroach.memory", ['"1Ti"']],
  ["storage without unit", { cockroach: { storageSize: "100" } }, "cockroach.storageSize", ['"100" is 100 bytes', '"100Gi"']],
  ["storage absurd", { cockroach: { storageSize: "1000Ti" } }, "cockroach.storageSize", ['"64Ti"']],
  ["reserved namespace kube-system", { namespace: "kube-system" }, "namespace", ["reserved", '"cockroachdb"']],
  ["reserved namespace default", { namespace: "default" }, "namespace", ["reserved"]],
  ["skupper controller namespace", { namespace: "skupper" }, "namespace", ["Skupper controller"]],
  // Derived names that collide.
  ["existing site construct vs stack", { sites: [existing("x"), { ...awsSite, name: "x-existing" }] }, "sites[1].name", ['cluster stack "x-existing-cluster"', 'existing-cluster construct "x-existing-cluster" of sites[0] ("x")']],
  ["statefulset vs pod", { sites: [existing("a"), existing("a-0")] }, "sites[1].name", ['StatefulSet Service "crdb-a-0"', 'pod Service "crdb-a-0" of sites[0] ("a")']],
  ["statefulset vs public service", { statefulSetPrefix: "cockroachdb", sites: [existing("public")] }, "sites[0].name", ['"cockroachdb-public"', "the public SQL Service"]],
  ["statefulset selects the client pod", { statefulSetPrefix: "cockroachdb", sites: [existing("client")] }, "sites[0].name", ["app.kubernetes.io/instance", "the SQL client pod"]],
];

describe("every string field, plausibility and derived names", () => {
  test.each(FIELD_CASES)("%s", (_name, overrides, field, words) => {
    const raw = { survivalGoal: "zone", sites: [awsSite], ...overrides };
    const problems = problemsOf(() => parseTopology(raw, "inline")).filter(([f]) => f === field);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    for (const word of words) expect(problems.map(([, m]) => m).join("\n")).toContain(word);
  });

  test.each([
    ["allowUnknownRegion", { sites: [{ ...awsSite, region: "us-east-7", zones: ["us-east-7a", "us-east-7b", "us-east-7c"], allowUnknownRegion: true }] }],
    ["allowUnsupportedKubernetesVersion", { sites: [{ ...awsSite, kubernetesVersion: "1.29", allowUnsupportedKubernetesVersion: true }] }],
    ["allowUnsupportedVersion", { cockroach: { image: "cockroachdb/cockroach:v23.1.4", allowUnsupportedVersion: true } }],
    ["a digest names no version", { cockroach: { image: `cockroachdb/cockroach@sha256:${"a".repeat(64)}` } }],
    ["free text in a kubeconfig path is escaped, not refused", { sites: [existing("dc", { kubeconfig: { path: "/k/${x} it's", context: "arn:aws:eks:us-east-1:1:cluster/x" } })] }],
  ])("escape hatch or free text passes: %s", (_name, overrides) => {
    expect(() => parseTopology({ survivalGoal: "zone", sites: [awsSite], ...overrides }, "inline")).not.toThrow();
  });

  test("several problems in one block are all reported", () => {
    const raw = { survivalGoal: "zone", sites: [awsSite], backend: { type: "s3", bucket: "A", region: "mars", keyPrefix: "/x", kmsKeyId: "k" } };
    expect(problemsOf(() => parseTopology(raw, "inline")).map(([f]) => f).sort()).toEqual(["backend.bucket", "backend.keyPrefix", "backend.kmsKeyId", "backend.region"]);
  });
});
