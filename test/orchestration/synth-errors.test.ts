/**
 * What a user sees when the app refuses its input, through this repository's (patched) cdktf
 * CLI: the app's message once, whole, and a failing exit code. The unpatched cdktf 0.21 CLI
 * prints it twice: each stderr chunk of the app as an `[ERROR] default - ...` log line while the
 * app runs, then all of it again under "Command output on stderr".
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TopologyError, loadTopology } from "../../stacks/topology";
import { CDKTF_CLI } from "./stand-in";

const REPO = path.resolve(__dirname, "../..");

interface CliRun {
  status: number | null;
  output: string;
}

function cdktf(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-errors-out-"));
  try {
    const run = spawnSync(process.execPath, [CDKTF_CLI, ...args, "--output", outdir], {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      encoding: "utf8",
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function occurrences(text: string, line: string): number {
  return text.split(line).length - 1;
}

describe("an app's error through the cdktf CLI", () => {
  const file = path.join(REPO, "test/stacks/fixtures/many-problems.yaml");

  /** The app's own message, every line of it: the header, then each problem with its path, value and fix. */
  function messageLines(): string[] {
    try {
      loadTopology(file);
    } catch (error) {
      if (error instanceof TopologyError) return error.message.split("\n").filter((line) => line.trim() !== "");
      throw error;
    }
    throw new Error(`${file} is expected to be an invalid topology`);
  }

  it.each(["synth", "diff", "deploy --auto-approve"])("`cdktf %s` prints a bad topology's problems once and fails", (command) => {
    const lines = messageLines();
    expect(lines.length).toBeGreaterThan(3);
    const run = cdktf(command.split(" "), REPO, { CRDB_TOPOLOGY: file });
    expect(run.status).toBe(1);
    const counted = lines.map((line) => ({ line, times: occurrences(run.output, line) }));
    // The whole output when a count is wrong: what the user would have seen.
    expect({ counted, output: counted.every((c) => c.times === 1) ? "" : run.output }).toEqual({ counted: lines.map((line) => ({ line, times: 1 })), output: "" });
    expect(run.output).not.toContain("[ERROR] default - Invalid topology");
  });

  it("prints what a successful app wrote to stderr once", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-stderr-app-"));
    try {
      const warning = "a warning the app wrote to stderr";
      const cdktfModule = require.resolve("cdktf", { paths: [REPO] });
      fs.writeFileSync(
        path.join(dir, "app.js"),
        [
          `const { App, TerraformStack } = require(${JSON.stringify(cdktfModule)});`,
          `process.stderr.write(${JSON.stringify(`${warning}\n`)});`,
          "const app = new App();",
          'new TerraformStack(app, "empty");',
          "app.synth();",
        ].join("\n"),
      );
      fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js", sendCrashReports: "false" }));
      const run = cdktf(["synth"], dir);
      expect({ status: run.status, times: occurrences(run.output, warning) }).toEqual({ status: 0, times: 1 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
