/** Wall time and peak memory of one child process, and the benchmark's report table. */
import { spawn } from "child_process";
import * as fs from "fs";

export type RssMethod = "gnu-time" | "proc-sampling";

export interface Measurement {
  readonly wallMs: number;
  /** Peak resident set size of the process (its VmHWM / ru_maxrss), in bytes. */
  readonly peakRssBytes: number;
  readonly method: RssMethod;
  readonly exitCode: number;
  readonly stderr: string;
}

const GNU_TIME = "/usr/bin/time";
const RSS_MARKER = "BENCH_MAXRSS_KB=";

/** GNU time reports ru_maxrss exactly; the fallback samples /proc and can miss a final spike. */
export function defaultRssMethod(): RssMethod {
  return fs.existsSync(GNU_TIME) ? "gnu-time" : "proc-sampling";
}

/** The KiB figure GNU time prints for `-f BENCH_MAXRSS_KB=%M`; its line comes last on stderr. */
export function parseGnuTimeMaxRssKb(stderr: string): number | undefined {
  const at = stderr.lastIndexOf(RSS_MARKER);
  if (at < 0) return undefined;
  const kb = Number.parseInt(stderr.slice(at + RSS_MARKER.length), 10);
  return Number.isFinite(kb) ? kb : undefined;
}

function readVmHwmBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // the process has exited between two samples
  }
}

export function measureCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly method?: RssMethod },
): Promise<Measurement> {
  const method = options.method ?? defaultRssMethod();
  const [file, argv] = method === "gnu-time" ? [GNU_TIME, ["-f", `${RSS_MARKER}%M`, command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let sampled = 0;
    // VmHWM is the high-water mark, so sampling only misses growth in the last interval.
    const sampler =
      method === "proc-sampling" && child.pid !== undefined
        ? setInterval(() => (sampled = Math.max(sampled, readVmHwmBytes(child.pid as number) ?? 0)), 5)
        : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (sampler) clearInterval(sampler);
      const peakRssBytes = method === "gnu-time" ? (parseGnuTimeMaxRssKb(stderr) ?? 0) * 1024 : sampled;
      resolve({ wallMs, peakRssBytes, method, exitCode: code ?? -1, stderr });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One topology's figures; wall times are medians over the rounds, RSS the maximum. */
export interface BenchRow {
  readonly topology: string;
  readonly sites: number;
  readonly stacks: number;
  /** Resources and data sources in all stacks. */
  readonly resources: number;
  /** Bytes of synthesized Terraform JSON. */
  readonly outputBytes: number;
  /** The app as cdktf.json runs it. */
  readonly app: Summary;
  /** The app as it ran before: through tsx, with token stack traces and a full Skupper mesh. */
  readonly before: Summary;
  /** The ratios this row must meet. */
  readonly targets: readonly Target[];
}

export interface Summary {
  readonly medianMs: number;
  readonly peakRssBytes: number;
}

/** What every row is compared with, measured in the same rounds. */
export interface Baselines {
  /** Node loading cdktf and the provider classes the app imports, synthesizing nothing. */
  readonly floor: Summary;
  /** Node loading cdktf and the six provider package roots, as a typical project does. */
  readonly rootImports: Summary;
}

export function summarize(measurements: readonly Measurement[]): Summary {
  return { medianMs: median(measurements.map((m) => m.wallMs)), peakRssBytes: Math.max(...measurements.map((m) => m.peakRssBytes)) };
}

/** A ratio the project promises, checked on one row. */
export interface Target {
  readonly description: string;
  readonly holds: (row: BenchRow, baselines: Baselines) => boolean;
}

/** Decimal megabytes, as the targets are stated. */
export function megabytes(bytes: number): number {
  return bytes / 1e6;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/** Whether every row meets every one of its targets. */
export function meetsTargets(rows: readonly BenchRow[], baselines: Baselines): boolean {
  return rows.every((row) => row.targets.every((target) => target.holds(row, baselines)));
}

export function renderTable(rows: readonly BenchRow[], baselines: Baselines, runs: number): string {
  const { floor, rootImports } = baselines;
  const lines = [
    `Medians of ${runs} interleaved rounds. Floor (cdktf + the provider classes the app imports, no synth): ${seconds(floor.medianMs)}, ${megabytes(floor.peakRssBytes).toFixed(0)} MB. ` +
      `Root imports (cdktf + the six provider package roots, no synth): ${seconds(rootImports.medianMs)}, ${megabytes(rootImports.peakRssBytes).toFixed(0)} MB.`,
    "",
    "| topology | sites | stacks | resources | output | app | peak RSS | app / floor | root imports / app | before (tsx, token traces, full mesh) | app / before | targets |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const checks = row.targets.map((t) => `${t.description}: ${t.holds(row, baselines) ? "pass" : "FAIL"}`);
    lines.push(
      `| ${row.topology} | ${row.sites} | ${row.stacks} | ${row.resources} | ${megabytes(row.outputBytes).toFixed(1)} MB | ${seconds(row.app.medianMs)} | ${megabytes(row.app.peakRssBytes).toFixed(0)} MB | ${ratio(row.app.medianMs, floor.medianMs)} | ${ratio(rootImports.medianMs, row.app.medianMs)} | ${seconds(row.before.medianMs)} | ${ratio(row.app.medianMs, row.before.medianMs)} | ${checks.join(", ") || "-"} |`,
    );
  }
  return lines.join("\n");
}
