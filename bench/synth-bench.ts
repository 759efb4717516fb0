/**
 * `npm run bench`: the app's synth time and peak memory for the default topology and generated
 * ones of 6, 12, 24 and 48 sites, against two baselines measured in the same interleaved
 * rounds (so load on the machine shifts every figure alike):
 * - the floor: node loading cdktf and the provider classes the app imports, synthesizing nothing;
 * - root imports: node loading cdktf and the six provider package roots, as a typical project does;
 * and against the app as it ran before (tsx, token stack traces on, a full Skupper mesh).
 * Each synth is a fresh child process writing into a temporary CDKTF_OUTDIR.
 *
 *   npm run bench -- [--runs 3] [--sites 6,12,24,48]
 *
 * Exits 1 when a synth fails or a target is missed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateTopology } from "./generate-topology";
import {
  defaultRssMethod,
  measureCommand,
  meetsTargets,
  renderTable,
  summarize,
  type Baselines,
  type BenchRow,
  type Measurement,
  type Target,
} from "./measure";
import { FULL_MESH_MAX_SITES } from "../lib/skupper/mesh";
import { TOKEN_STACK_TRACES_ENV } from "../stacks/token-stack-traces";
import type { TopologyFile } from "../stacks/topology";

const ROOT = path.resolve(__dirname, "..");
const APP = path.join(ROOT, "stacks", "run-app.cjs");
const LOAD_MODULES = path.join(__dirname, "load-modules.cjs");
const PROVIDER_ROOTS = ["aws", "google", "azurerm", "kubernetes", "helm", "tls"].map((p) => `@cdktf/provider-${p}`);

/** The project's targets on a 2-core machine. */
const DEFAULT_TARGETS: readonly Target[] = [
  { description: "app / floor <= 2.0", holds: (row, { floor }) => row.app.medianMs <= 2 * floor.medianMs },
  { description: "root imports / app >= 8", holds: (row, { rootImports }) => rootImports.medianMs >= 8 * row.app.medianMs },
];
const LARGEST_TARGETS: readonly Target[] = [{ description: "app / before <= 0.65", holds: (row) => row.app.medianMs <= 0.65 * row.before.medianMs }];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

/** Every cdktf, constructs and deep provider module the app's sources import. */
export function appModules(root = ROOT): string[] {
  const modules = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".ts")) {
        for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(/from "((?:cdktf|constructs|@cdktf\/provider-[a-z]+\/lib\/[\w/-]+))"/g)) {
          modules.add(specifier);
        }
      }
    }
  };
  for (const dir of ["lib", "stacks"]) visit(path.join(root, dir));
  return [...modules].sort();
}

interface Scenario {
  readonly topology: string;
  readonly sites: number;
  /** The topology file the app synthesizes; undefined: the default topology. */
  readonly file?: string;
  /** The topology as the app before could synthesize it: with a full Skupper mesh, its only shape. */
  readonly beforeFile?: string;
  readonly targets: readonly Target[];
}

interface Synthesized {
  readonly stacks: number;
  readonly resources: number;
  readonly outputBytes: number;
}

function inspect(outdir: string): Synthesized {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  let resources = 0;
  let outputBytes = 0;
  for (const stack of Object.values(manifest.stacks) as { synthesizedStackPath: string }[]) {
    const text = fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8");
    outputBytes += Buffer.byteLength(text);
    const json = JSON.parse(text);
    for (const block of [json.resource, json.data]) {
      for (const byName of Object.values(block ?? {})) resources += Object.keys(byName as object).length;
    }
  }
  return { stacks: Object.keys(manifest.stacks).length, resources, outputBytes };
}

async function synth(scenario: Scenario, way: "app" | "before", scratch: string): Promise<{ measurement: Measurement; synthesized: Synthesized }> {
  const outdir = fs.mkdtempSync(path.join(scratch, "out-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env[TOKEN_STACK_TRACES_ENV];
  const file = way === "app" ? scenario.file : scenario.beforeFile;
  if (file) env.CRDB_TOPOLOGY = file;
  else delete env.CRDB_TOPOLOGY;
  // Before: stacks/main.ts through tsx with its source maps off, as cdktf.json ran it.
  const args = way === "app" ? [APP] : ["--import", "tsx", "-e", 'process.setSourceMapsEnabled(false); require("./stacks/main.ts")'];
  if (way === "before") env[TOKEN_STACK_TRACES_ENV] = "1";
  const measurement = await measureCommand(process.execPath, args, { cwd: ROOT, env });
  if (measurement.exitCode !== 0 || !fs.existsSync(path.join(outdir, "manifest.json"))) {
    throw new Error(`synth failed (exit ${measurement.exitCode}, ${way}, topology ${file ?? "default"}):\n${measurement.stderr}`);
  }
  const synthesized = inspect(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { measurement, synthesized };
}

async function load(modules: readonly string[]): Promise<Measurement> {
  const measurement = await measureCommand(process.execPath, [LOAD_MODULES, ...modules], { cwd: ROOT, env: process.env });
  if (measurement.exitCode !== 0) throw new Error(`loading ${modules.join(", ")} failed:\n${measurement.stderr}`);
  return measurement;
}

async function main(): Promise<number> {
  const runs = Number(option("runs", "3"));
  const siteCounts = option("sites", "6,12,24,48").split(",").map(Number);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-"));
  try {
    const scenarios: Scenario[] = [{ topology: "default", sites: 3, targets: DEFAULT_TARGETS }];
    const largest = Math.max(...siteCounts);
    const write = (name: string, topology: TopologyFile) => {
      const file = path.join(scratch, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(topology, null, 2));
      return file;
    };
    for (const count of siteCounts) {
      const beforeFile = write(`full-${count}`, { ...generateTopology(count), skupper: { mesh: "full" } });
      const partial = count > FULL_MESH_MAX_SITES;
      const file = partial ? write(`auto-${count}`, generateTopology(count)) : beforeFile;
      scenarios.push({ topology: partial ? "generated, partial mesh" : "generated", sites: count, file, beforeFile, targets: count === largest ? LARGEST_TARGETS : [] });
      // What the partial mesh alone saves: the same sites with every pair linked.
      if (partial && count === largest) scenarios.push({ topology: "generated, full mesh", sites: count, file: beforeFile, beforeFile, targets: [] });
    }
    // One unmeasured synth each way first: the app's build and tsx's transform cache are warm, as for a user's second synth.
    await synth(scenarios[0], "app", scratch);
    await synth(scenarios[0], "before", scratch);

    const floorModules = appModules();
    const floor: Measurement[] = [];
    const rootImports: Measurement[] = [];
    const app = scenarios.map((): Measurement[] => []);
    const before = scenarios.map((): Measurement[] => []);
    const synthesized: Synthesized[] = [];
    for (let round = 0; round < runs; round++) {
      floor.push(await load(floorModules));
      rootImports.push(await load(["cdktf", ...PROVIDER_ROOTS]));
      for (const [i, scenario] of scenarios.entries()) {
        const result = await synth(scenario, "app", scratch);
        app[i].push(result.measurement);
        synthesized[i] = result.synthesized;
        before[i].push((await synth(scenario, "before", scratch)).measurement);
      }
    }
    const baselines: Baselines = { floor: summarize(floor), rootImports: summarize(rootImports) };
    const rows: BenchRow[] = scenarios.map((scenario, i) => ({
      topology: scenario.topology,
      sites: scenario.sites,
      ...synthesized[i],
      app: summarize(app[i]),
      before: summarize(before[i]),
      targets: scenario.targets,
    }));
    console.log(renderTable(rows, baselines, runs));
    const rss = defaultRssMethod() === "gnu-time" ? "ru_maxrss from /usr/bin/time" : "VmHWM sampled from /proc";
    console.log(`\n${os.cpus().length} CPUs, Node ${process.version}; peak RSS of each process: ${rss}.`);
    return meetsTargets(rows, baselines) ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
