import * as fs from "fs";
import { generateTopology } from "../../bench/generate-topology";
import { measureCommand, meetsTarget, parseGnuTimeMaxRssKb, renderTable, type BenchRow } from "../../bench/measure";
import { parseTopology } from "../../stacks/topology";

describe("generateTopology", () => {
  test.each([3, 6, 12, 16])("%i sites pass validation, clouds in turn, surviving a site", (count) => {
    const topology = parseTopology(generateTopology(count), `generated ${count}`);
    expect(topology.sites).toHaveLength(count);
    expect(topology.survivalGoal).toBe("region");
    expect(topology.sites.map((s) => s.cloud)).toEqual(Array.from({ length: count }, (_, i) => ["aws", "gcp", "azure"][i % 3]));
    expect(new Set(topology.sites.map((s) => s.name)).size).toBe(count);
  });

  test("one or two sites survive zones only; out-of-range counts fail", () => {
    expect(parseTopology(generateTopology(2), "generated 2").survivalGoal).toBe("zone");
    expect(() => generateTopology(0)).toThrow("siteCount: invalid value 0. Use a whole number between 1 and 16.");
    expect(() => generateTopology(17)).toThrow("siteCount: invalid value 17.");
  });
});

describe("measurement", () => {
  test("GNU time's marker line is parsed from the end of stderr", () => {
    expect(parseGnuTimeMaxRssKb("warning: BENCH_MAXRSS_KB= in a log line\nBENCH_MAXRSS_KB=235744\n")).toBe(235744);
    expect(parseGnuTimeMaxRssKb("no marker")).toBeUndefined();
  });

  // Allocates and touches 200 MB, so either method must see at least that much.
  const allocate = ["-e", "const b = Buffer.alloc(200e6, 1); setTimeout(() => b.length, 200)"];
  const methods = fs.existsSync("/usr/bin/time") ? (["gnu-time", "proc-sampling"] as const) : (["proc-sampling"] as const);
  if (methods.length === 1) console.warn("gnu-time method not tested: /usr/bin/time is absent");

  test.each(methods)("%s sees the peak memory of the child", async (method) => {
    const result = await measureCommand(process.execPath, allocate, { cwd: __dirname, env: process.env, method });
    expect(result.exitCode).toBe(0);
    expect(result.method).toBe(method);
    expect(result.peakRssBytes).toBeGreaterThan(200e6);
    expect(result.peakRssBytes).toBeLessThan(1e9);
  });

  test("a failing command reports its exit code", async () => {
    const result = await measureCommand(process.execPath, ["-e", "process.exit(3)"], { cwd: __dirname, env: process.env });
    expect(result.exitCode).toBe(3);
  });

  test("the table marks each row against its target", () => {
    const row = (medianMs: number, peakMb: number, target?: BenchRow["target"]): BenchRow => ({
      topology: "default",
      sites: 3,
      stacks: 11,
      medianMs,
      peakRssBytes: peakMb * 1e6,
      target,
    });
    const target = { maxMs: 1500, maxRssMb: 300 };
    expect(meetsTarget(row(1400, 290, target))).toBe(true);
    expect(meetsTarget(row(1600, 290, target))).toBe(false);
    expect(meetsTarget(row(1400, 310, target))).toBe(false);
    expect(meetsTarget(row(9999, 999))).toBeUndefined();
    expect(renderTable([row(1400, 290, target), row(3100, 400, { maxMs: 3000 }), row(2000, 350)], 3).split("\n")).toEqual([
      "| topology | sites | stacks | wall time (median of 3) | peak RSS | target | result |",
      "|---|---:|---:|---:|---:|---|---|",
      "| default | 3 | 11 | 1.40 s | 290 MB | <= 1.5 s, <= 300 MB | pass |",
      "| default | 3 | 11 | 3.10 s | 400 MB | <= 3 s | FAIL |",
      "| default | 3 | 11 | 2.00 s | 350 MB | - | - |",
    ]);
  });
});
