/**
 * Stand-in deployments: the real app's stack graph (read from its synthesized manifest) as
 * stacks of `terraform_data` resources (stand-in-app.ts), deployed and destroyed by this
 * repository's own cdktf CLI with real terraform, offline, in a temp dir outside the repo.
 *
 * Every stack's create and destroy run one control hook, steered by files in the control
 * dir, so a test decides which stack fails and which ones are still applying when it does:
 * - `fail.<action>.<stack>` (a list of stack names): wait until those stacks' hooks have
 *   started, then fail;
 * - `hold.<action>.<stack>`: wait until `release.<action>` exists, then finish.
 * Each hook appends `<action> <stack> start|done|fail` to `events.log`.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
/** This repository's CLI, as `npm ci` patched it; STAND_IN_CDKTF_CLI names another (to show the unpatched one fails). */
export const CDKTF_CLI = process.env.STAND_IN_CDKTF_CLI ?? path.join(REPO, "node_modules/cdktf-cli/bundle/bin/cdktf");
const TSX_LOADER = path.join(REPO, "node_modules/tsx/dist/loader.mjs");

export interface StackNode {
  readonly name: string;
  readonly dependencies: readonly string[];
}

/** What stand-in-app.ts synthesizes. */
export interface StandInSpec {
  readonly stacks: readonly StackNode[];
  readonly stateDir: string;
  readonly hook: string;
}

export type Action = "deploy" | "destroy";

export interface HookEvent {
  readonly action: Action;
  readonly stack: string;
  readonly phase: "start" | "done" | "fail";
}

export interface CdktfRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved, without colour codes. */
  readonly output: string;
}

/** The terraform binary, or why there is none. */
export function findTerraform(): string | { reason: string } {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/bin"]) {
    const candidate = path.join(dir, "terraform");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return { reason: "no terraform binary on PATH or in /usr/local/bin" };
}

/** `describe` when terraform is here, otherwise `describe.skip` after printing why. */
export function describeWithTerraform(): jest.Describe {
  const found = findTerraform();
  if (typeof found === "string") return describe;
  console.warn(`Skipping stand-in deployments with the real cdktf CLI: ${found.reason}`);
  return describe.skip;
}

/**
 * The stack graph of the real app, from the manifest `cdktf synth` writes (the app run as
 * cdktf.json runs it). `topologyFile` undefined means the built-in default (CRDB_TOPOLOGY unset).
 */
export function realStackGraph(topologyFile?: string): StackNode[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "real-app-out-"));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
    delete env.CRDB_TOPOLOGY;
    if (topologyFile) env.CRDB_TOPOLOGY = topologyFile;
    const app = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8")).app as string;
    const synth = spawnSync("bash", ["-c", app], { cwd: REPO, env, encoding: "utf8" });
    if (synth.status !== 0) throw new Error(`synth of the real app failed:\n${synth.stdout}${synth.stderr}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { name: string; dependencies: string[] }>;
    };
    return Object.values(manifest.stacks).map((s) => ({ name: s.name, dependencies: [...s.dependencies] }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Producers before consumers, otherwise in the given order (which the CLI starts stacks in). */
export function inDependencyOrder(stacks: readonly StackNode[]): StackNode[] {
  const placed = new Set<string>();
  const ordered: StackNode[] = [];
  while (ordered.length < stacks.length) {
    const next = stacks.find((s) => !placed.has(s.name) && s.dependencies.every((d) => placed.has(d)));
    if (!next) throw new Error("the stack graph has a cycle or a dependency that is not a stack");
    placed.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

/**
 * The order a destroy may take, as waves: first the stacks nothing depends on, then those
 * whose dependants are all in earlier waves, and so on.
 */
export function destroyWaves(stacks: readonly StackNode[]): string[][] {
  const waves: string[][] = [];
  const removed = new Set<string>();
  while (removed.size < stacks.length) {
    const wave = stacks
      .filter((s) => !removed.has(s.name))
      .filter((s) => stacks.every((other) => removed.has(other.name) || !other.dependencies.includes(s.name)))
      .map((s) => s.name);
    if (wave.length === 0) throw new Error("the stack graph has a cycle");
    wave.forEach((name) => removed.add(name));
    waves.push(wave);
  }
  return waves;
}

/** Every stack that depends on `name`, directly or through others. */
export function downstreamOf(stacks: readonly StackNode[], name: string): Set<string> {
  const found = new Set<string>();
  const visit = (producer: string) => {
    for (const s of stacks) {
      if (s.dependencies.includes(producer) && !found.has(s.name)) {
        found.add(s.name);
        visit(s.name);
      }
    }
  };
  visit(name);
  return found;
}

/** Every stack `name` depends on, directly or through others: what a destroy must keep after it fails. */
export function upstreamOf(stacks: readonly StackNode[], name: string): Set<string> {
  const found = new Set<string>();
  const visit = (consumer: string) => {
    for (const producer of stacks.find((s) => s.name === consumer)?.dependencies ?? []) {
      if (!found.has(producer)) {
        found.add(producer);
        visit(producer);
      }
    }
  };
  visit(name);
  return found;
}

export class StandIn {
  readonly dir: string;
  readonly stateDir: string;
  readonly controlDir: string;
  readonly stacks: readonly StackNode[];
  private readonly cliConfig: string;

  constructor(stacks: readonly StackNode[], options: { sleepSeconds?: number } = {}) {
    this.stacks = inDependencyOrder(stacks);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-"));
    this.stateDir = path.join(this.dir, "state");
    this.controlDir = path.join(this.dir, "control");
    fs.mkdirSync(this.stateDir);
    fs.mkdirSync(this.controlDir);
    this.cliConfig = path.join(this.dir, "terraformrc");
    fs.writeFileSync(this.cliConfig, "");
    const hook = path.join(this.dir, "hook.sh");
    fs.writeFileSync(hook, hookScript(this.controlDir, options.sleepSeconds ?? 0.05), { mode: 0o755 });
    const spec: StandInSpec = { stacks: this.stacks, stateDir: this.stateDir, hook };
    fs.writeFileSync(path.join(this.dir, "spec.json"), JSON.stringify(spec, null, 2));
    const app = `node --import ${TSX_LOADER} ${path.join(__dirname, "stand-in-app.ts")}`;
    fs.writeFileSync(path.join(this.dir, "cdktf.json"), JSON.stringify({ language: "typescript", app, sendCrashReports: "false" }, null, 2));
  }

  /** Runs `cdktf <args>` (a command line as a user types it) in the stand-in project. */
  cdktf(commandLine: string, options: { onOutput?: (output: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<CdktfRun> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      STAND_IN_SPEC: path.join(this.dir, "spec.json"),
      CDKTF_CLI: CDKTF_CLI,
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      TF_IN_AUTOMATION: "1",
      // No user CLI configuration: the stand-in needs no provider and no registry.
      TF_CLI_CONFIG_FILE: this.cliConfig,
    };
    delete env.CDKTF_OUTDIR;
    // `npx cdktf` resolves to this repository's CLI: the stand-in dir has no node_modules.
    const script = `npx() { [ "$1" = cdktf ] || exit 97; shift; node "$CDKTF_CLI" "$@"; }\n${commandLine}`;
    return new Promise((resolve, reject) => {
      const child = spawn("bash", ["-c", script], { cwd: this.dir, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      const collect = (chunk: Buffer) => {
        output += stripAnsi(chunk.toString());
        options.onOutput?.(output);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      child.on("error", reject);
      child.on("close", (exitCode, signal) => resolve({ exitCode, signal, output }));
    });
  }

  /**
   * Runs `commandLine` with `failing` made to fail its `action` once every stack in `held`
   * has started, and `held` kept running until the CLI says it stops starting stacks (or it
   * exits): so the failure always lands while the held stacks are still applying.
   */
  async cdktfWithFailure(commandLine: string, action: Action, failing: string, held: readonly string[]): Promise<CdktfRun> {
    this.control(`fail.${action}.${failing}`, held.join(" "));
    for (const stack of held) this.control(`hold.${action}.${stack}`);
    const release = () => this.control(`release.${action}`);
    const notice = `${failing} failed to ${action}: no further stack starts`;
    try {
      return await this.cdktf(commandLine, { onOutput: (output) => output.includes(notice) && release() });
    } finally {
      // Lets hooks that outlived a killed terraform end instead of waiting forever.
      release();
    }
  }

  control(file: string, content = ""): void {
    fs.writeFileSync(path.join(this.controlDir, file), content);
  }

  /** Removes every control file (the event log too, unless kept): the next run is undisturbed. */
  resetControl(options: { keepEvents?: boolean } = {}): void {
    for (const file of fs.readdirSync(this.controlDir)) {
      if (options.keepEvents && file === "events.log") continue;
      fs.rmSync(path.join(this.controlDir, file));
    }
  }

  events(): HookEvent[] {
    const log = path.join(this.controlDir, "events.log");
    if (!fs.existsSync(log)) return [];
    return fs
      .readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [action, stack, phase] = line.split(" ");
        return { action: action as Action, stack, phase: phase as HookEvent["phase"] };
      });
  }

  statePath(stack: string): string {
    return path.join(this.stateDir, `${stack}.tfstate`);
  }

  /** The parsed state of `stack`, undefined if it has none; throws if it is not valid JSON. */
  state(stack: string): { serial: number; resources: { type: string; instances: { status?: string }[] }[] } | undefined {
    const file = this.statePath(stack);
    if (!fs.existsSync(file)) return undefined;
    const text = fs.readFileSync(file, "utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`the state of ${stack} is not readable JSON (${text.length} bytes): ${String(error)}`);
    }
  }

  /** `terraform state list` of `stack`, run by terraform itself in the stack's synthesized dir. */
  stateList(stack: string): string[] {
    const result = spawnSync("terraform", ["state", "list"], {
      cwd: path.join(this.dir, "cdktf.out/stacks", stack),
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: this.cliConfig },
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`terraform state list of ${stack} failed:\n${result.stdout}${result.stderr}`);
    return result.stdout.split("\n").filter(Boolean);
  }

  /** Lock files left anywhere under the stand-in project. */
  leftoverLocks(): string[] {
    return (fs.readdirSync(this.dir, { recursive: true }) as string[]).filter((f) => path.basename(f).endsWith(".tfstate.lock.info"));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What the CLI printed for `stack`: it prefixes each chunk of a stack's terraform output with
 * the stack name and indents the chunk's further lines.
 */
export function outputOf(run: CdktfRun, stack: string, stacks: readonly string[]): string {
  const lines: string[] = [];
  let current: string | undefined;
  for (const line of run.output.split("\n")) {
    const owner = stacks.find((name) => line === name || line.startsWith(`${name}  `));
    if (owner) current = owner;
    else if (line !== "" && !line.startsWith(" ")) current = undefined;
    if (current === stack) lines.push(owner ? line.slice(stack.length).trim() : line.trim());
  }
  return lines.join("\n");
}

function hookScript(controlDir: string, sleepSeconds: number): string {
  const control = JSON.stringify(controlDir);
  return `#!/usr/bin/env bash
set -u
stack=$1 action=$2 control=${control}
log() { echo "$action $stack $1" >> "$control/events.log"; }
wait_for() { while [ ! -e "$1" ]; do sleep 0.05; done; }
log start
touch "$control/$action.$stack.started"
if [ -e "$control/fail.$action.$stack" ]; then
  for sibling in $(cat "$control/fail.$action.$stack"); do wait_for "$control/$action.$sibling.started"; done
  log fail
  echo "stand-in: injected failure of $action $stack" >&2
  exit 1
fi
if [ -e "$control/hold.$action.$stack" ]; then wait_for "$control/release.$action"; fi
sleep ${sleepSeconds}
log done
`;
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}
