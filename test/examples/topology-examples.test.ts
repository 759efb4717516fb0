import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Testing } from "cdktf";
import { buildDeployment } from "../../stacks/app";
import { defaultTopology, loadTopology } from "../../stacks/topology";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const examples = path.join(__dirname, "../../examples");

function stackNames(file: string): { names: string[]; json: Record<string, Json> } {
  const app = Testing.app();
  const stacks = buildDeployment(app, loadTopology(path.join(examples, file)));
  const all = [stacks.pki, ...stacks.clusters, ...stacks.platforms, ...stacks.databases, ...stacks.links, stacks.clusterInit];
  return {
    names: all.map((s) => s.node.id).sort(),
    json: Object.fromEntries(all.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])),
  };
}

describe("topology examples", () => {
  test.each([
    ["three-clouds", 13],
    ["two-clouds", 9],
    ["terraform-cloud", 13],
  ])("%s: its cdktf app command synthesizes the app from its own topology file", (name, stackCount) => {
    const cdktf = JSON.parse(fs.readFileSync(path.join(examples, name, "cdktf.json"), "utf8"));
    expect(cdktf.app).toBe("CRDB_TOPOLOGY=topology.yaml node ../../stacks/run-app.cjs");
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    const run = spawnSync("bash", ["-c", cdktf.app], {
      cwd: path.join(examples, name),
      env: { ...process.env, CRDB_TOPOLOGY: "", CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks)).toHaveLength(stackCount);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test("three-clouds is the built-in default with its networks pinned", () => {
    const file = loadTopology(path.join(examples, "three-clouds/topology.yaml"));
    const builtIn = defaultTopology();
    expect({ ...file, source: "" }).toEqual({ ...builtIn, source: "", backend: file.backend });
    // 13: gcp sorts last and dials no one, so it has no links stack.
    expect(stackNames("three-clouds/topology.yaml").names).toHaveLength(13);
  });

  test("two-clouds: AWS + GCP, zone survival, one link", () => {
    const { names, json } = stackNames("two-clouds/topology.yaml");
    expect(names).toEqual([
      "aws-cluster",
      "aws-database",
      "aws-links",
      "aws-platform",
      "cluster-init",
      "gcp-cluster",
      "gcp-database",
      "gcp-platform",
      "pki",
    ]);
    const job: Json = Object.values(json["cluster-init"].resource.kubernetes_job_v1)[0];
    expect(job.spec.template.spec.container[0].command[2]).not.toContain("num_replicas");
  });

  test("terraform-cloud: one HCP Terraform workspace per stack, and a pipeline that deploys every stack", () => {
    const { names, json } = stackNames("terraform-cloud/topology.yaml");
    for (const name of names) {
      expect(json[name].terraform.cloud).toEqual({
        organization: "acme",
        workspaces: { name: `crdb-prod-${name}`, project: "cockroachdb" },
      });
    }
    const pipeline = parseYaml(fs.readFileSync(path.join(examples, "terraform-cloud/deploy.github-workflow.yml"), "utf8"));
    const steps: Json[] = pipeline.jobs.deploy.steps;
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual([
      "npm ci",
      "npm test",
      "npx cdktf deploy '*' --auto-approve --parallelism 4 --outputs-file outputs.json",
    ]);
    // Both jobs (diff on pull requests, deploy on main) read the topology from the workflow-level env.
    expect(pipeline.env.CRDB_TOPOLOGY).toBe("examples/terraform-cloud/topology.yaml");
  });
});
