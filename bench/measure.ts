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

export interface Target {
  readonly maxMs?: number;
  readonly maxRssMb?: number;
}

export interface BenchRow {
  readonly topology: string;
  readonly sites: number;
  readonly stacks: number;
  readonly medianMs: number;
  readonly peakRssBytes: number;
  readonly target?: Target;
}

/** Decimal megabytes, as the targets are stated. */
export function megabytes(bytes: number): number {
  return bytes / 1e6;
}

/** true / false against the row's target; undefined when it has none. */
export function meetsTarget(row: BenchRow): boolean | undefined {
  const { target } = row;
  if (!target || (target.maxMs === undefined && target.maxRssMb === undefined)) return undefined;
  return (target.maxMs === undefined || row.medianMs <= target.maxMs) && (target.maxRssMb === undefined || megabytes(row.peakRssBytes) <= target.maxRssMb);
}

function describeTarget(target: Target | undefined): string {
  const parts = [
    target?.maxMs !== undefined ? `<= ${target.maxMs / 1000} s` : undefined,
    target?.maxRssMb !== undefined ? `<= ${target.maxRssMb} MB` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "-";
}

export function renderTable(rows: readonly BenchRow[], runs: number): string {
  const lines = [
    `| topology | sites | stacks | wall time (median of ${runs}) | peak RSS | target | result |`,
    "|---|---:|---:|---:|---:|---|---|",
  ];
  for (const row of rows) {
    const verdict = meetsTarget(row);
    lines.push(
      `| ${row.topology} | ${row.sites} | ${row.stacks} | ${(row.medianMs / 1000).toFixed(2)} s | ${megabytes(row.peakRssBytes).toFixed(0)} MB | ${describeTarget(row.target)} | ${verdict === undefined ? "-" : verdict ? "pass" : "FAIL"} |`,
    );
  }
  return lines.join("\n");
}
