/**
 * Runs one external program (kubectl, or cockroach through kubectl exec) with an argv array
 * and a deadline, so a lost cloud costs one timeout instead of hanging the status command.
 */
import { spawn } from "child_process";

export interface CommandResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; undefined when the program could not start or was killed. */
  readonly exitCode?: number;
  readonly timedOut: boolean;
}

/** Output beyond this is dropped: a status probe never needs more, and memory stays bounded. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export type CommandRunner = (argv: readonly string[], timeoutMs: number) => Promise<CommandResult>;

/**
 * Spawns `argv[0]` without a shell, so no argument is ever interpreted by one; `env` (its PATH)
 * decides which kubectl runs.
 */
export function commandRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (argv, timeoutMs) =>
    new Promise((resolve) => {
      const [program, ...args] = argv;
      // Its own process group, so a timeout also ends what the program started (a wrapper's children).
      const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"], detached: true, env });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        if (size + chunk.length > MAX_OUTPUT_BYTES) truncated = true;
        else {
          size += chunk.length;
          into.push(chunk);
        }
      };
      child.stdout.on("data", collect(out));
      child.stderr.on("data", collect(err));
      let timedOut = false;
      let settled = false;
      const finish = (ok: boolean, exitCode?: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (truncated) err.push(Buffer.from(`${program}: output larger than ${MAX_OUTPUT_BYTES} bytes\n`));
        const stdout = Buffer.concat(out).toString("utf8");
        resolve({ ok: ok && !truncated, stdout, stderr: Buffer.concat(err).toString("utf8"), timedOut, ...(exitCode === undefined ? {} : { exitCode }) });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
        finish(false);
      }, timeoutMs);
      child.on("error", (error) => {
        err.push(Buffer.from(`${program}: ${error.message}\n`));
        finish(false);
      });
      child.on("close", (code) => finish(code === 0, code ?? undefined));
    });
}

export const runCommand = commandRunner();
