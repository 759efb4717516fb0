/**
 * `cdktf deploy '*'` and `cdktf destroy '*'` of this repository's (patched) CLI, with real
 * terraform, on stand-ins of the real app's stack graphs: a stack that fails while siblings
 * apply must leave every started stack with a complete, unlocked state and start nothing new.
 * The unpatched cdktf 0.21 CLI fails this (hashicorp/terraform-cdk issue 3206): it exits on
 * an unhandled rejection and kills the siblings' terraform mid-write (empty state, lock left).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateTopology } from "../../bench/generate-topology";
import {
  StandIn,
  describeWithTerraform,
  destroyWaves,
  downstreamOf,
  outputOf,
  realStackGraph,
  upstreamOf,
  type Action,
  type HookEvent,
  type StackNode,
} from "./stand-in";

const PARALLELISM = 4;
const DEPLOY = `npx cdktf deploy '*' --auto-approve --parallelism ${PARALLELISM}`;
const DESTROY = `npx cdktf destroy '*' --auto-approve --parallelism ${PARALLELISM}`;

function sixSiteTopologyFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "six-sites-")), "topology.json");
  fs.writeFileSync(file, JSON.stringify(generateTopology(6)));
  return file;
}

/**
 * The CLI starts ready stacks in manifest order (cdktf writes it sorted by name; `ready` keeps
 * it), so these are the first `PARALLELISM` of `ready`.
 */
function firstStarted(ready: readonly string[]): { failing: string; held: string[] } {
  const started = ready.slice(0, PARALLELISM);
  if (started.length < 2) throw new Error(`a failure beside a running sibling needs two stacks that start together, got ${started.join(", ")}`);
  const failing = started[1];
  return { failing, held: started.filter((s) => s !== failing) };
}

function started(events: readonly HookEvent[], action: Action): string[] {
  return [...new Set(events.filter((e) => e.action === action && e.phase === "start").map((e) => e.stack))];
}

/** Each stack of `events` started only after every stack it waits for had finished (in this run or before). */
function expectOrder(events: readonly HookEvent[], action: Action, waitsFor: (stack: string) => Iterable<string>): void {
  // The last attempt counts: a stack that failed once starts again in the rerun.
  const index = (stack: string, phase: HookEvent["phase"]) =>
    events.map((e) => e.action === action && e.stack === stack && e.phase === phase).lastIndexOf(true);
  for (const stack of started(events, action)) {
    for (const before of waitsFor(stack)) {
      const finishedFirst = index(before, "start") < 0 || (index(before, "done") >= 0 && index(before, "done") < index(stack, "start"));
      expect({ stack, before, finishedFirst }).toEqual({ stack, before, finishedFirst: true });
    }
  }
}

function expectCompleteState(standIn: StandIn, stack: string, resource: "present" | "tainted" | "absent"): void {
  const state = standIn.state(stack);
  expect(state).toBeDefined();
  const work = state!.resources.find((r) => r.type === "terraform_data");
  const status = work ? (work.instances[0]?.status === "tainted" ? "tainted" : "present") : "absent";
  expect({ stack, status }).toEqual({ stack, status: resource });
  const managed = standIn.stateList(stack).filter((address) => !address.startsWith("data."));
  expect({ stack, managed }).toEqual({ stack, managed: resource === "absent" ? [] : ["terraform_data.work"] });
}

const topologies: [string, () => StackNode[]][] = [
  ["the default topology", () => realStackGraph()],
  ["a 6-site topology", () => realStackGraph(sixSiteTopologyFile())],
];

describeWithTerraform().each(topologies)("stand-in of %s, deployed and destroyed by the cdktf CLI", (_label, graphOf) => {
  let standIn: StandIn;
  let graph: StackNode[];
  let names: string[];

  beforeAll(() => {
    graph = graphOf();
    names = graph.map((s) => s.name);
    standIn = new StandIn(graph);
  }, 60_000);
  afterAll(() => standIn?.remove());

  test("a level-0 stack that fails while siblings apply: siblings finish, nothing new starts, no state lost", async () => {
    const levelZero = graph.filter((s) => s.dependencies.length === 0).map((s) => s.name);
    const { failing, held } = firstStarted(levelZero);

    const run = await standIn.cdktfWithFailure(DEPLOY, "deploy", failing, held);

    expect(run.exitCode).not.toBe(0);
    for (const stack of held) expectCompleteState(standIn, stack, "present");
    expectCompleteState(standIn, failing, "tainted");
    expect(standIn.leftoverLocks()).toEqual([]);
    const events = standIn.events();
    for (const stack of held) expect(events).toContainEqual({ action: "deploy", stack, phase: "done" });
    expect(started(events, "deploy").sort()).toEqual([failing, ...held].sort());
    for (const stack of downstreamOf(graph, failing)) expect({ stack, state: standIn.state(stack) }).toEqual({ stack, state: undefined });
    expect(run.output).toContain(`Failed to deploy: ${failing}.`);
    const notRun = names.filter((n) => n !== failing && !held.includes(n));
    // In manifest order, as the CLI keeps them.
    expect(run.output).toContain(`Not run: ${notRun.join(", ")}.`);
  }, 240_000);

  test("a rerun deploys every stack, each after its producers", async () => {
    standIn.resetControl();
    const run = await standIn.cdktf(DEPLOY);
    expect(run.output).not.toContain("Failed to deploy");
    expect(run.exitCode).toBe(0);
    const events = standIn.events();
    expectOrder(events, "deploy", (stack) => graph.find((s) => s.name === stack)!.dependencies);
    for (const stack of names) expectCompleteState(standIn, stack, "present");
    expect(standIn.leftoverLocks()).toEqual([]);
  }, 240_000);

  test("a third run changes nothing", async () => {
    standIn.resetControl();
    const serials = names.map((n) => standIn.state(n)!.serial);
    const run = await standIn.cdktf(DEPLOY);
    expect(run.exitCode).toBe(0);
    expect(standIn.events()).toEqual([]);
    expect(names.map((n) => standIn.state(n)!.serial)).toEqual(serials);
    for (const stack of names) {
      // The CLI prefixes each chunk of terraform's output, and under load a pipe chunk may end
      // mid-line: compare without the breaks and spaces a split leaves.
      const printed = outputOf(run, stack, names).replace(/\s+/g, "");
      expect({ stack, noChanges: printed.includes("Nochanges.") && printed.includes("Resources:0added,0changed,0destroyed.") }).toEqual({ stack, noChanges: true });
    }
  }, 240_000);

  test("destroy: a stack that fails while siblings destroy keeps everything it depends on; a rerun removes the rest in reverse order", async () => {
    standIn.resetControl();
    const waves = destroyWaves(graph);
    const firstShared = waves.findIndex((wave) => wave.length > 1);
    // Stacks of one wave become ready together only when every earlier wave is one stack.
    expect(waves.slice(0, firstShared).every((wave) => wave.length === 1)).toBe(true);
    const before = waves.slice(0, firstShared).flat();
    const { failing, held } = firstStarted(waves[firstShared]);

    const failed = await standIn.cdktfWithFailure(DESTROY, "destroy", failing, held);

    expect(failed.exitCode).not.toBe(0);
    for (const stack of [...before, ...held]) expectCompleteState(standIn, stack, "absent");
    expectCompleteState(standIn, failing, "present");
    for (const stack of upstreamOf(graph, failing)) expectCompleteState(standIn, stack, "present");
    expect(standIn.leftoverLocks()).toEqual([]);
    expect(started(standIn.events(), "destroy").sort()).toEqual([...before, failing, ...held].sort());
    expect(failed.output).toContain(`Failed to destroy: ${failing}.`);

    standIn.resetControl({ keepEvents: true });
    const rerun = await standIn.cdktf(DESTROY);
    expect(rerun.exitCode).toBe(0);
    const all = standIn.events();
    expect(started(all, "destroy").sort()).toEqual([...names].sort());
    expectOrder(all, "destroy", (stack) => downstreamOf(graph, stack));
    for (const stack of names) expectCompleteState(standIn, stack, "absent");
    expect(standIn.leftoverLocks()).toEqual([]);
  }, 300_000);
});
