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
