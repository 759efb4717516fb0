import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * A copy of the app's sources beside the repository's node_modules, so the launcher can build
 * and rebuild it without touching the repository's own dist/app.
 */
function appCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-app-"));
  for (const entry of ["lib", "stacks", "tsconfig.json"]) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

function launch(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [path.join(dir, "stacks/run-app.cjs"), ...args], {
    cwd: dir,
    env: { ...process.env, CRDB_TOPOLOGY: "", CDKTF_OUTDIR: path.join(dir, "cdktf.out"), ...env },
    encoding: "utf8",
  });
}

function mtimes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (file.endsWith(".js")) out.set(path.relative(dir, file), fs.statSync(file).mtimeMs);
    }
  };
  visit(path.join(dir, "dist/app"));
  return out;
}

describe("stacks/run-app.cjs (the app command of cdktf.json)", () => {
  let dir: string;
  beforeAll(() => {
    dir = appCopy();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a fresh clone builds every source once, then synthesizes the default topology", () => {
    const run = launch(dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const sources = fs.readdirSync(path.join(dir, "stacks")).filter((f) => f.endsWith(".ts")).length;
    expect([...mtimes(dir).keys()].filter((f) => /^dist\/app\/stacks\/[^/]+\.js$/.test(f)).length).toBe(sources);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out/manifest.json"), "utf8")).stacks)).toContain("cluster-init");
  });

  test("the precompiled app writes exactly what the TypeScript sources synthesize through tsx", () => {
    const tsx = spawnSync(process.execPath, ["--import", "tsx", "stacks/main.ts"], {
      cwd: dir,
      env: { ...process.env, CRDB_TOPOLOGY: "", CDKTF_OUTDIR: path.join(dir, "tsx.out") },
      encoding: "utf8",
    });
    expect(tsx.status).toBe(0);
    const stacks = fs.readdirSync(path.join(dir, "cdktf.out/stacks"));
    for (const stack of stacks) {
      const file = `stacks/${stack}/cdk.tf.json`;
      expect(fs.readFileSync(path.join(dir, "cdktf.out", file), "utf8")).toBe(fs.readFileSync(path.join(dir, "tsx.out", file), "utf8"));
    }
  });

  test("nothing unchanged is rebuilt; a changed source is, alone; a deleted one loses its output", () => {
    const before = mtimes(dir);
    expect(launch(dir, ["--build"]).status).toBe(0);
    expect(mtimes(dir)).toEqual(before);

    const naming = path.join(dir, "stacks/naming.ts");
    fs.appendFileSync(naming, "\nexport const ADDED_FOR_TEST = 1;\n");
    expect(launch(dir, ["--build"]).status).toBe(0);
    const after = mtimes(dir);
    const rebuilt = [...after].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file);
    expect(rebuilt).toEqual(["dist/app/stacks/naming.js"]);
    expect(fs.readFileSync(path.join(dir, "dist/app/stacks/naming.js"), "utf8")).toContain("ADDED_FOR_TEST");

    fs.writeFileSync(path.join(dir, "stacks/extra.ts"), "export const extra = 1;\n");
    expect(launch(dir, ["--build"]).status).toBe(0);
    expect(fs.existsSync(path.join(dir, "dist/app/stacks/extra.js"))).toBe(true);
    fs.rmSync(path.join(dir, "stacks/extra.ts"));
    expect(launch(dir, ["--build"]).status).toBe(0);
    expect(fs.existsSync(path.join(dir, "dist/app/stacks/extra.js"))).toBe(false);
  });

  test("a source that does not parse stops the app with the file named", () => {
    fs.writeFileSync(path.join(dir, "stacks/broken.ts"), "export const = ;\n");
    const run = launch(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^The app does not compile:\nstacks\/broken\.ts: /);
    fs.rmSync(path.join(dir, "stacks/broken.ts"));
    expect(launch(dir).status).toBe(0);
  });
});
