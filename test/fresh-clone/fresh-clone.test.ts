/**
 * A user clones the repository anywhere, with no `shared/` folder beside it, and runs
 * `npm test`. The checks that need files the repository does not hold must skip there and say
 * why, and everything else must pass. This clones the committed HEAD into a temp folder and
 * runs those checks in it, reusing this checkout's node_modules (no network, no npm ci).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CRD_SKIP_NOTICE } from "../skupper/crd-validator";

const root = path.join(__dirname, "../..");
const gitTopLevel = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
const isClone = gitTopLevel.status === 0 && path.resolve(gitTopLevel.stdout.trim()) === path.resolve(root);
if (!isClone) console.warn(`Skipping the fresh-clone test: ${root} is not a git checkout (${gitTopLevel.error?.message ?? gitTopLevel.stderr.trim()})`);
const testInClone = isClone ? test : test.skip;

/** Test files that read the Skupper CRDs from outside the repository. */
function fileDependentTests(repo: string): string[] {
  const testDir = path.join(repo, "test");
  return (fs.readdirSync(testDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.ts"))
    .filter((f) => /from "\.\/crd-validator"|from "\.\.\/skupper\/crd-validator"/.test(fs.readFileSync(path.join(testDir, f), "utf8")))
    .filter((f) => !f.startsWith(`fresh-clone${path.sep}`))
    .map((f) => path.join("test", f))
    .sort();
}

interface JestSummary {
  numFailedTests: number;
  numPassedTests: number;
  numPendingTests: number;
  numFailedTestSuites: number;
  testResults: { message: string }[];
}

describe("a fresh clone with no sibling shared/ folder", () => {
  let tmp: string;
  let repo: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fresh-clone-"));
    repo = path.join(tmp, "repo");
    const clone = spawnSync("git", ["clone", "--quiet", "--no-hardlinks", root, repo], { encoding: "utf8" });
    if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
    fs.symlinkSync(path.join(root, "node_modules"), path.join(repo, "node_modules"), "dir");
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function jest(files: string[], env: NodeJS.ProcessEnv): { summary: JestSummary; stderr: string; status: number | null } {
    const outputFile = path.join(tmp, `jest-${Date.now()}.json`);
    const run = spawnSync(process.execPath, [path.join(repo, "node_modules/jest/bin/jest.js"), "--ci", "--json", `--outputFile=${outputFile}`, ...files], {
      cwd: repo,
      env,
      encoding: "utf8",
    });
    return { summary: JSON.parse(fs.readFileSync(outputFile, "utf8")), stderr: run.stderr, status: run.status };
  }

  const withoutCrdDir = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    delete env.SKUPPER_CRD_DIR;
    return env;
  };

  testInClone("the CRD checks skip with the reason, and the rest of those test files pass", () => {
    const files = fileDependentTests(repo);
    expect(files).toEqual(expect.arrayContaining([path.join("test", "skupper", "validator.test.ts"), path.join("test", "skupper", "topology.test.ts")]));
    expect(fs.existsSync(path.join(tmp, "shared"))).toBe(false);
    const { summary, stderr, status } = jest(files, withoutCrdDir());
    expect(summary.testResults.map((r) => r.message).filter((m) => m.trim() !== "")).toEqual([]);
    expect(status).toBe(0);
    expect(stderr).toContain(`${CRD_SKIP_NOTICE}: SKUPPER_CRD_DIR is not set and ${path.join(tmp, "shared/schemas/skupper-v2alpha1-2.2.1")} does not exist`);
    expect(summary.numFailedTests).toBe(0);
    expect(summary.numPendingTests).toBeGreaterThan(0);
    expect(summary.numPassedTests).toBeGreaterThan(0);
  });

  testInClone("a SKUPPER_CRD_DIR that points nowhere fails loudly instead of skipping", () => {
    const wrong = path.join(tmp, "no-such-crds");
    const { summary, status } = jest([path.join("test", "skupper", "validator.test.ts")], { ...withoutCrdDir(), SKUPPER_CRD_DIR: wrong });
    expect(status).not.toBe(0);
    expect(summary.numFailedTestSuites).toBe(1);
    expect(summary.testResults[0].message).toContain(`SKUPPER_CRD_DIR=${wrong} does not hold the Skupper 2.2.1 CRDs`);
  });
});
