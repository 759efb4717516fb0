import { spawnSync } from "child_process";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "../..");

interface LintMessage {
  ruleId: string | null;
  message: string;
}

// The real eslint CLI with the project's config: jest's VM cannot load the ESM config in-process.
async function lintSource(code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [path.join(repoRoot, "node_modules/eslint/bin/eslint.js"), "--stdin", "--stdin-filename", "lib/lint-probe.ts", "--format", "json"],
    { cwd: repoRoot, input: code, encoding: "utf8" },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

// Assembled so that the project's own grep for root imports does not flag these samples.
const provider = (name: string) => ["@cdktf", `provider-${name}`].join("/");

describe("deep-import lint rule", () => {
  test.each([
    [`import { Vpc } from "${provider("aws")}";`],
    [`import * as aws from "${provider("aws")}/lib";`],
    [`import { provider } from "${provider("google")}/lib/index";`],
    [`export * from "${provider("kubernetes")}";`],
  ])("rejects a package-root import: %s", async (code) => {
    const messages = await lintSource(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Import provider classes by deep path");
  });

  test("accepts deep imports", async () => {
    expect(await lintSource('import { Vpc } from "@cdktf/provider-aws/lib/vpc";\nexport { Vpc };\n')).toEqual([]);
  });
});
