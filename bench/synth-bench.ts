/**
 * `npm run bench`: how long the app's synth takes, and how much memory, for the default
 * topology and generated ones of 3, 6 and 12 sites. Each synth is a fresh child process
 * (`node --import tsx stacks/main.ts`, what cdktf.json runs) writing into a temporary
 * CDKTF_OUTDIR; `cdktf synth` adds its own CLI start-up on top of these figures.
 *
 *   npm run bench -- [--runs 3] [--sites 3,6,12] [--app stacks/main.ts]
 *
 * Exits 1 when a synth fails or a figure misses its target.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateTopology } from "./generate-topology";
import { defaultRssMethod, measureCommand, median, meetsTarget, renderTable, type BenchRow, type Measurement, type Target } from "./measure";

const ROOT = path.resolve(__dirname, "..");

/** The project's targets on a 2-core machine. */
const DEFAULT_TARGET: Target = { maxMs: 1500, maxRssMb: 300 };
const TWELVE_SITE_TARGET: Target = { maxMs: 3000 };

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

async function synth(app: string, topologyFile: string | undefined, scratch: string): Promise<{ measurement: Measurement; stacks: number }> {
  const outdir = fs.mkdtempSync(path.join(scratch, "out-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (topologyFile) env.CRDB_TOPOLOGY = topologyFile;
  else delete env.CRDB_TOPOLOGY;
  const measurement = await measureCommand(process.execPath, ["--import", "tsx", app], { cwd: ROOT, env });
  const manifest = path.join(outdir, "manifest.json");
  if (measurement.exitCode !== 0 || !fs.existsSync(manifest)) {
    throw new Error(`synth failed (exit ${measurement.exitCode}, topology ${topologyFile ?? "default"}):\n${measurement.stderr}`);
  }
  const stacks = Object.keys(JSON.parse(fs.readFileSync(manifest, "utf8")).stacks ?? {}).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { measurement, stacks };
}

async function benchmark(
  app: string,
  topology: string,
  sites: number,
  topologyFile: string | undefined,
  runs: number,
  scratch: string,
  target?: Target,
): Promise<BenchRow> {
  // One unmeasured run first, so tsx's transform cache is warm as it is for a user's second synth.
  await synth(app, topologyFile, scratch);
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await synth(app, topologyFile, scratch));
  return {
    topology,
    sites,
    stacks: results[0].stacks,
    medianMs: median(results.map((r) => r.measurement.wallMs)),
    peakRssBytes: Math.max(...results.map((r) => r.measurement.peakRssBytes)),
    target,
  };
}

async function main(): Promise<number> {
  const app = path.resolve(ROOT, option("app", path.join("stacks", "main.ts")));
  if (!fs.existsSync(app)) {
    console.error(`${app} does not exist: the benchmark measures the app's synth.`);
    return 1;
  }
  const runs = Number(option("runs", "3"));
  const siteCounts = option("sites", "3,6,12").split(",").map(Number);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-"));
  try {
    const rows = [await benchmark(app, "default", 3, undefined, runs, scratch, DEFAULT_TARGET)];
    for (const count of siteCounts) {
      const file = path.join(scratch, `topology-${count}.json`);
      fs.writeFileSync(file, JSON.stringify(generateTopology(count), null, 2));
      rows.push(await benchmark(app, "generated", count, file, runs, scratch, count === 12 ? TWELVE_SITE_TARGET : undefined));
    }
    console.log(renderTable(rows, runs));
    const rss = defaultRssMethod() === "gnu-time" ? "ru_maxrss from /usr/bin/time" : "VmHWM sampled from /proc";
    console.log(`\n${os.cpus().length} CPUs, Node ${process.version}; peak RSS of the synth process: ${rss}.`);
    return rows.every((row) => meetsTarget(row) !== false) ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
