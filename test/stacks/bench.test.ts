import * as fs from "fs";
import { generateTopology } from "../../bench/generate-topology";
import { MAX_GENERATED_SITES } from "../../bench/generate-topology";
import { measureCommand, meetsTargets, parseGnuTimeMaxRssKb, renderTable, type Baselines, type BenchRow } from "../../bench/measure";
import { appModules } from "../../bench/synth-bench";
import { parseTopology } from "../../stacks/topology";

describe("generateTopology", () => {
  test.each([3, 6, 12, 16, 24, 48])("%i sites pass validation, clouds in turn, surviving a site", (count) => {
    const topology = parseTopology(generateTopology(count), `generated ${count}`);
    expect(topology.sites).toHaveLength(count);
    expect(topology.survivalGoal).toBe("region");
    expect(topology.sites.map((s) => s.cloud)).toEqual(Array.from({ length: count }, (_, i) => ["aws", "gcp", "azure"][i % 3]));
    expect(new Set(topology.sites.map((s) => s.name)).size).toBe(count);
  });

  test("one or two sites survive zones only; out-of-range counts fail", () => {
    expect(parseTopology(generateTopology(2), "generated 2").survivalGoal).toBe("zone");
    expect(MAX_GENERATED_SITES).toBe(48);
    expect(() => generateTopology(0)).toThrow("siteCount: invalid value 0. Use a whole number between 1 and 48.");
    expect(() => generateTopology(49)).toThrow("siteCount: invalid value 49.");
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

  test("the table gives each row's ratios to the floor, the root imports and the old way, and checks its targets", () => {
    const summary = (seconds: number, mb = 200) => ({ medianMs: seconds * 1000, peakRssBytes: mb * 1e6 });
    const baselines: Baselines = { floor: summary(0.25, 125), rootImports: summary(4, 1700) };
    const row = (sites: number, app: number, before: number, targets: BenchRow["targets"] = []): BenchRow => ({
      topology: sites === 3 ? "default" : "generated",
      sites,
      stacks: 4 * sites + 1,
      resources: 70 * sites,
      outputBytes: 70_000 * sites,
      app: summary(app),
      before: summary(before, 300),
      targets,
    });
    const underFloorTwice = { description: "app / floor <= 2.0", holds: (r: BenchRow, b: Baselines) => r.app.medianMs <= 2 * b.floor.medianMs };
    const rows = [row(3, 0.45, 0.8, [underFloorTwice]), row(48, 6, 10)];
    expect(renderTable(rows, baselines, 3).split("\n")).toEqual([
      "Medians of 3 interleaved rounds. Floor (cdktf + the provider classes the app imports, no synth): 0.25 s, 125 MB. Root imports (cdktf + the six provider package roots, no synth): 4.00 s, 1700 MB.",
      "",
      "| topology | sites | stacks | resources | output | app | peak RSS | app / floor | root imports / app | before (tsx, token traces, full mesh) | app / before | targets |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      "| default | 3 | 13 | 210 | 0.2 MB | 0.45 s | 200 MB | 1.80x | 8.89x | 0.80 s | 0.56x | app / floor <= 2.0: pass |",
      "| generated | 48 | 193 | 3360 | 3.4 MB | 6.00 s | 200 MB | 24.00x | 0.67x | 10.00 s | 0.60x | - |",
    ]);
    expect(meetsTargets(rows, baselines)).toBe(true);
    expect(meetsTargets([row(3, 0.6, 0.8, [underFloorTwice])], baselines)).toBe(false);
  });

  test("the floor loads every deep provider module the app imports, and no package root", () => {
    const modules = appModules();
    expect(modules).toEqual(expect.arrayContaining(["cdktf", "constructs", "@cdktf/provider-aws/lib/eks-cluster", "@cdktf/provider-kubernetes/lib/manifest"]));
    expect(modules.filter((m) => /^@cdktf\/provider-[a-z]+$/.test(m))).toEqual([]);
  });
});
