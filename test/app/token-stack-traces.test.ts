import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Lazy } from "cdktf";
import { generateTopology } from "../../bench/generate-topology";
import { TOKEN_STACK_TRACES_ENV, disableTokenStackTraces } from "../../stacks/token-stack-traces";

const ROOT = path.resolve(__dirname, "../..");

function creationStackOfNewToken(): string[] {
  return Lazy.anyValue({ produce: () => "x" }).creationStack;
}

describe("token stack traces", () => {
  test("are captured by cdktf unless disabled, and come back when restored", () => {
    expect(creationStackOfNewToken().length).toBeGreaterThan(3);
    const restore = disableTokenStackTraces({});
    try {
      expect(creationStackOfNewToken()).toEqual([]);
      // Everything else keeps its stack traces.
      const error: { stack?: string } = {};
      Error.captureStackTrace(error);
      expect(error.stack).toContain("token-stack-traces.test");
      expect(new Error("boom").stack).toContain("token-stack-traces.test");
    } finally {
      restore();
    }
    expect(creationStackOfNewToken().length).toBeGreaterThan(3);
  });

  test(`${TOKEN_STACK_TRACES_ENV}=1 keeps them`, () => {
    const restore = disableTokenStackTraces({ [TOKEN_STACK_TRACES_ENV]: "1" });
    try {
      expect(creationStackOfNewToken().length).toBeGreaterThan(3);
    } finally {
      restore();
    }
  });

  function synthesize(topologyFile: string | undefined, traces: boolean, outdir: string): Map<string, string> {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CRDB_TOPOLOGY: topologyFile ?? "" };
    if (traces) env[TOKEN_STACK_TRACES_ENV] = "1";
    else delete env[TOKEN_STACK_TRACES_ENV];
    const run = spawnSync(process.execPath, [path.join(ROOT, "stacks/run-app.cjs")], { cwd: ROOT, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const files = new Map<string, string>();
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else files.set(path.relative(outdir, file), fs.readFileSync(file, "utf8"));
      }
    };
    visit(outdir);
    return files;
  }

  test.each([
    ["the default topology", undefined],
    ["6 generated sites", 6],
  ])("the app synthesizes byte-identical output with them on and off: %s", (_name, sites) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-traces-"));
    try {
      let topologyFile: string | undefined;
      if (sites !== undefined) {
        topologyFile = path.join(dir, "topology.json");
        fs.writeFileSync(topologyFile, JSON.stringify(generateTopology(sites)));
      }
      const off = synthesize(topologyFile, false, path.join(dir, "off"));
      const on = synthesize(topologyFile, true, path.join(dir, "on"));
      expect([...off.keys()].sort()).toEqual([...on.keys()].sort());
      expect(off.size).toBeGreaterThan(10);
      for (const [file, text] of off) expect({ file, text }).toEqual({ file, text: on.get(file) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
