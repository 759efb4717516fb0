/**
 * The topology tooling: the checked-in JSON Schema is current and accepts what the app accepts,
 * `npm run validate` reports every problem with an exit code, `npm run diagram` draws the
 * deployment the app builds, and the README's diagrams are the default topology's.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { linksDiagram, stacksDiagram, topologyDiagrams } from "../../stacks/diagram";
import { deploymentGraph } from "../../stacks/deployment-graph";
import { withReadmeDiagrams } from "../../stacks/readme-diagrams";
import { TopologyError, defaultTopology, loadTopology, parseTopology } from "../../stacks/topology";
import { TOPOLOGY_SCHEMA_FILE, topologyJsonSchemaText } from "../../stacks/topology/json-schema";

const root = path.join(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const REGENERATE = "Generated files are stale: run `npm run generate` and commit the result.";

const env = { ...process.env, CRDB_TOPOLOGY: "" };
function npmRun(script: string, args: readonly string[]) {
  return spawnSync("npm", ["run", "--silent", script, "--", ...args], { cwd: root, encoding: "utf8", env });
}
/** What `npm run <script>` runs, without npm's own start-up (the wiring is tested once per script through npm). */
function tool(script: string, args: readonly string[]) {
  const [command, ...prefix] = (pkg.scripts[script] as string).split(" ");
  expect(command).toBe("node");
  return spawnSync(process.execPath, [...prefix, ...args], { cwd: root, encoding: "utf8", env });
}

const topologyFiles = [
  ...["three-clouds", "two-clouds", "terraform-cloud"].map((name) => path.join(root, "examples", name, "topology.yaml")),
  ...fs.readdirSync(path.join(root, "test/stacks/fixtures/valid")).map((f) => path.join(root, "test/stacks/fixtures/valid", f)),
];
const read = (file: string): unknown => (file.endsWith(".json") ? JSON.parse(fs.readFileSync(file, "utf8")) : parseYaml(fs.readFileSync(file, "utf8")));

describe(`the topology JSON Schema (${TOPOLOGY_SCHEMA_FILE})`, () => {
  const checkedIn = fs.readFileSync(path.join(root, TOPOLOGY_SCHEMA_FILE), "utf8");
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(checkedIn));

  test("is the one generated from the zod schema", () => {
    if (checkedIn !== topologyJsonSchemaText()) throw new Error(REGENERATE);
  });

  test.each(topologyFiles.map((f) => [path.relative(root, f), f]))("accepts %s, which the app accepts", (_name, file) => {
    expect(() => loadTopology(file)).not.toThrow();
    expect(validate(read(file)) ? [] : validate.errors).toEqual([]);
  });

  test("rejects a misspelt field and a wrong enum value, as the app does", () => {
    const misspelt = { sites: [{ name: "aws", cloud: "aws", regoin: "us-east-1" }] };
    expect(validate(misspelt)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain("regoin");
    expect(() => parseTopology(misspelt, "inline")).toThrow(TopologyError);
    expect(validate({ survivalGoal: "cloud", sites: [{ name: "aws", cloud: "aws", region: "us-east-1" }] })).toBe(false);
  });

  test("the examples point editors at it, and the strict schema accepts that $schema key", () => {
    for (const name of ["three-clouds", "two-clouds", "terraform-cloud"]) {
      const text = fs.readFileSync(path.join(root, "examples", name, "topology.yaml"), "utf8");
      expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=../../${TOPOLOGY_SCHEMA_FILE}`);
    }
    const json = JSON.parse(fs.readFileSync(path.join(root, "test/stacks/fixtures/valid/minimal.json"), "utf8"));
    expect(json.$schema).toBe(`../../../../${TOPOLOGY_SCHEMA_FILE}`);
    expect(() => parseTopology(json, "minimal.json")).not.toThrow();
    expect(validate(json)).toBe(true);
  });
});

describe("npm run validate", () => {
  test("a valid file: exit 0 and a summary", () => {
    const run = tool("validate", ["examples/two-clouds/topology.yaml"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^examples\/two-clouds\/topology\.yaml: valid: 2 sites: /);
  });

  test("a bad file: every problem, as the app reports them, and exit 1", () => {
    const file = "test/stacks/fixtures/many-problems.yaml";
    let expected = "";
    try {
      loadTopology(path.join(root, file));
    } catch (error) {
      expected = (error as TopologyError).message.replace(path.join(root, file), file);
    }
    expect(expected.split("\n").length).toBeGreaterThan(3);
    const run = tool("validate", [file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${expected}\n`);
    expect(run.stdout).toBe("");
  });

  test("no file: usage and exit 2", () => {
    const run = npmRun("validate", []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: npm run validate -- <topology.yaml|topology.json>");
  });
});

describe("npm run diagram", () => {
  const topology = defaultTopology();
  const graph = deploymentGraph(topology);

  test("the stacks diagram has every synthesized stack at its level and every dependency as an edge", () => {
    const diagram = stacksDiagram(topology, graph);
    for (const [name, level] of Object.entries(graph.levels)) {
      const block = diagram.split(`subgraph L${level}[`)[1].split("  end")[0];
      expect(block).toContain(`["${name}`);
    }
    const edges = diagram.split("\n").filter((l) => l.includes("-->") || l.includes(".->"));
    expect(edges).toHaveLength(Object.values(graph.dependencies).flat().length);
    expect(graph.links.length).toBeGreaterThan(0);
    for (const { from, to } of graph.links) expect(diagram).toContain(`  ${to}_database -. "Site endpoints" .-> ${from}_links`);
  });

  test("the links diagram has each site with its pods and each link from the dialling site", () => {
    const diagram = linksDiagram(topology, graph);
    expect(diagram).toContain('aws["aws<br/>EKS us-east-1<br/>crdb-aws-0..2"]');
    expect(diagram.split("\n").filter((l) => l.includes("Skupper link"))).toEqual([
      '  aws -- "Skupper link (dials)" --> azure',
      '  aws -- "Skupper link (dials)" --> gcp',
      '  azure -- "Skupper link (dials)" --> gcp',
    ]);
  });

  test("prints both diagrams of the file it is given", () => {
    const run = npmRun("diagram", ["examples/two-clouds/topology.yaml"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const expected = topologyDiagrams(loadTopology(path.join(root, "examples/two-clouds/topology.yaml")));
    expect(run.stdout).toContain(`\`\`\`mermaid\n${expected.stacks}\n\`\`\``);
    expect(run.stdout).toContain(`\`\`\`mermaid\n${expected.links}\n\`\`\``);
  });

  test("the README's diagrams are the default topology's", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const diagrams = { stacks: stacksDiagram(topology, graph), links: linksDiagram(topology, graph) };
    if (withReadmeDiagrams(readme, diagrams) !== readme) throw new Error(REGENERATE);
  });
});
