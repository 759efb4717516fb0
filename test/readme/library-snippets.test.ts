/**
 * The README's "Use the constructs in your own stacks" snippets, as a reader copies them: each
 * ```ts block is written to a project that resolves `cdktf-multicloud-cockroachdb` to this
 * library, type-checked with strict TypeScript, then run so that it synthesizes.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "../..");
const SECTION = "## Use the constructs in your own stacks";

/** The ```ts blocks of the README section `heading`. */
export function tsBlocksOfSection(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe(`README "${SECTION.slice(3)}"`, () => {
  const snippets = tsBlocksOfSection(fs.readFileSync(path.join(root, "README.md"), "utf8"), SECTION);
  let project: string;
  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "readme-snippets-"));
    fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "snippets", private: true }));
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          noUnusedLocals: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
          paths: { "cdktf-multicloud-cockroachdb": [path.join(root, "lib/index.ts")], "cdktf-multicloud-cockroachdb/*": [path.join(root, "lib/*")] },
        },
        include: ["*.ts"],
      }),
    );
    snippets.forEach((code, i) => fs.writeFileSync(path.join(project, `snippet-${i + 1}.ts`), code));
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test("has the three snippets: one cluster, two clusters joined by Skupper, an EksSite alone", () => {
    expect(snippets).toHaveLength(3);
    expect(snippets[0]).toContain("CockroachStatefulSet");
    expect(snippets[1]).toMatch(/SkupperSite[\s\S]*SkupperLink/);
    expect(snippets[2]).toContain("new EksSite(");
    for (const code of snippets) expect(code).toContain('from "cdktf-multicloud-cockroachdb"');
  });

  test("every snippet type-checks against the library", () => {
    const tsc = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });

  test.each([
    [1, ["cockroachdb"]],
    [2, ["east", "pki", "west"]],
    [3, ["eks-apps", "eks-cluster"]],
  ])("snippet %i synthesizes its stacks", (n, stacks) => {
    const outdir = path.join(project, `out-${n}`);
    const run = spawnSync(process.execPath, ["--import", "tsx", `snippet-${n}.ts`], { cwd: project, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
  });
});
