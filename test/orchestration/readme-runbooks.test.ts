/**
 * Every cdktf command the README (and the documented pipeline) prints runs as printed: each
 * is extracted from the text and run by this repository's cdktf CLI against a deployed
 * stand-in of the default topology, so an edit that breaks a command fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { StandIn, describeWithTerraform, realStackGraph, type StackNode } from "./stand-in";

const REPO = path.resolve(__dirname, "../..");
const COMMAND = /^(CRDB_TOPOLOGY=\S+ )?npx cdktf /;

/** Commands in fenced code blocks (without trailing comments) and in inline code spans. */
function cdktfCommands(markdown: string): string[] {
  const commands: string[] = [];
  const fences = markdown.split(/^```.*$/m);
  fences.forEach((part, i) => {
    if (i % 2 === 1) {
      for (const line of part.split("\n")) commands.push(line.replace(/\s+#.*$/, "").trim());
    } else {
      for (const span of part.matchAll(/`([^`\n]+)`/g)) commands.push(span[1].trim());
    }
  });
  return commands.filter((c) => COMMAND.test(c));
}

function pipelineCommands(): string[] {
  const workflow = fs.readFileSync(path.join(REPO, "examples/terraform-cloud/deploy.github-workflow.yml"), "utf8");
  return [...workflow.matchAll(/^\s*- run: (.*)$/gm)].map((m) => m[1].trim()).filter((c) => COMMAND.test(c));
}

const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const documented = [...new Set([...cdktfCommands(readme), ...pipelineCommands()])];

describe("the README's cdktf commands", () => {
  test("are found, cover every runbook, and are literal (no placeholders)", () => {
    for (const kind of [/ deploy '\*'/, / deploy \S+-platform/, / deploy \S+-database/, / deploy cluster-init/, / destroy '\*'/, / output /, / diff /]) {
      expect({ kind: String(kind), found: documented.some((c) => kind.test(c)) }).toEqual({ kind: String(kind), found: true });
    }
    for (const command of documented) expect({ command, placeholder: /[<>]/.test(command) }).toEqual({ command, placeholder: false });
  });

  test("deploy and destroy never wait for an approval nobody gives", () => {
    for (const command of documented.filter((c) => / (deploy|destroy) /.test(c))) {
      expect({ command, autoApprove: command.includes("--auto-approve") }).toEqual({ command, autoApprove: true });
    }
  });

  test("extraction reads code blocks without comments and inline code", () => {
    const sample = "text `npx cdktf diff pki` and `npm test`\n```sh\nnpx cdktf synth   # comment\nls\n```\n";
    expect(cdktfCommands(sample)).toEqual(["npx cdktf diff pki", "npx cdktf synth"]);
  });
});

describeWithTerraform()("the README's cdktf commands against a stand-in of the default topology", () => {
  let standIn: StandIn;
  let graph: StackNode[];

  beforeAll(() => {
    graph = realStackGraph();
    standIn = new StandIn(graph);
  }, 60_000);
  afterAll(() => standIn?.remove());

  const stackOf = (command: string) => command.split(/\s+/)[command.split(/\s+/).indexOf("diff") + 1];

  test("before the first deploy, the previews the README offers work, and a stack whose producers have no state cannot be previewed", async () => {
    const previews = documented.filter((c) => / diff /.test(c));
    for (const command of previews) {
      expect({ command, producers: graph.find((s) => s.name === stackOf(command))?.dependencies }).toEqual({ command, producers: [] });
      const run = await standIn.cdktf(command);
      expect({ command, exitCode: run.exitCode }).toEqual({ command, exitCode: 0 });
    }
    const consumer = graph.find((s) => s.dependencies.length > 0)!.name;
    const run = await standIn.cdktf(`npx cdktf diff ${consumer}`);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("Unable to find remote state");
    expect(readme).toContain("Unable to find remote state");
  }, 240_000);

  test("after a full deploy, every command succeeds as printed, destroys last", async () => {
    const deploy = await standIn.cdktf("npx cdktf deploy '*' --auto-approve --parallelism 4");
    expect(deploy.exitCode).toBe(0);
    const destroys = documented.filter((c) => / destroy /.test(c));
    for (const command of [...documented.filter((c) => !destroys.includes(c)), ...destroys]) {
      const run = await standIn.cdktf(command);
      expect({ command, exitCode: run.exitCode, output: run.exitCode === 0 ? "" : run.output }).toEqual({ command, exitCode: 0, output: "" });
    }
    for (const stack of graph) expect({ stack: stack.name, resources: standIn.state(stack.name)?.resources.filter((r) => r.type === "terraform_data") }).toEqual({ stack: stack.name, resources: [] });
  }, 600_000);
});
