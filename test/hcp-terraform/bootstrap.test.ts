import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { parse as parseYaml } from "yaml";
import { deploymentGraph } from "../../stacks/deployment-graph";
import { HcpTerraformBootstrapStack, terraformTokenVariable } from "../../stacks/hcp-terraform/bootstrap-stack";
import { parseTopology } from "../../stacks/topology";
import { Json, synthApp } from "../stacks/synth-app";

const root = path.join(__dirname, "../..");
const example = path.join(root, "examples/terraform-cloud");
const exampleFile = parseYaml(fs.readFileSync(path.join(example, "topology.yaml"), "utf8"));

function topologyWith(backend: Record<string, unknown>) {
  return parseTopology({ ...exampleFile, backend: { ...exampleFile.backend, ...backend } }, "terraform-cloud", example);
}

function bootstrap(backend: Record<string, unknown> = {}): { json: Json; topology: ReturnType<typeof topologyWith> } {
  const topology = topologyWith(backend);
  const app = Testing.app();
  const stack = new HcpTerraformBootstrapStack(app, { topology, graph: deploymentGraph(topology) });
  return { json: JSON.parse(Testing.synth(stack)), topology };
}

const byAddress = (json: Json, type: string): Record<string, Json> => json.resource[type] ?? {};

describe("the HCP Terraform bootstrap stack", () => {
  const { json, topology } = bootstrap({ executionMode: "remote", terraformVersion: "1.11.4" });
  // The deployment as the app synthesizes it, read independently of deployment-graph.ts.
  const app = synthApp(topology);
  const stacks = Object.keys(app.stacks).sort();
  const workspaces = Object.entries(byAddress(json, "tfe_workspace"));
  const idOf = (stack: string) => `\${tfe_workspace.${workspaces.find(([, w]) => w.name === `crdb-prod-${stack}`)![0]}.id}`;
  const stackOfId = (id: string) => stacks.find((stack) => idOf(stack) === id);

  test("one workspace per synthesized stack, with the Terraform version, in the project", () => {
    expect(workspaces.map(([, w]) => w.name).sort()).toEqual(stacks.map((s) => `crdb-prod-${s}`));
    expect(stacks).toHaveLength(13);
    for (const [, w] of workspaces) {
      expect(w).toMatchObject({ organization: "acme", terraform_version: "1.11.4", project_id: "${data.tfe_project.project.id}" });
    }
    expect(json.data.tfe_project.project).toMatchObject({ name: "cockroachdb", organization: "acme" });
    expect(json.provider.tfe).toEqual([{ organization: "acme" }]);
  });

  test("each workspace shares its state with exactly the workspaces whose stacks read it, never organisation-wide", () => {
    const expected: Record<string, string[]> = Object.fromEntries(stacks.map((s) => [s, []]));
    for (const [consumer, synthesized] of Object.entries<Json>(app.stacks)) {
      for (const state of Object.values<Json>(synthesized.data?.terraform_remote_state ?? {})) {
        expected[state.config.workspaces.name.replace(/^crdb-prod-/, "")].push(consumer);
      }
    }
    const settings = Object.values<Json>(byAddress(json, "tfe_workspace_settings"));
    expect(settings).toHaveLength(stacks.length);
    const actual = Object.fromEntries(settings.map((s) => [stackOfId(s.workspace_id), s.remote_state_consumer_ids.map(stackOfId).sort()]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([p, c]) => [p, [...new Set(c)].sort()])));
    for (const s of settings) expect(s).toMatchObject({ execution_mode: "remote", global_remote_state: false });
    // The pki stack's keys go only where they are used.
    expect(actual.pki).toEqual(expect.arrayContaining(["aws-platform", "aws-links"]));
    expect(actual.pki).not.toContain("aws-cluster");
    expect(actual["cluster-init"]).toEqual([]);
  });

  test("remote execution: each workspace gets the variables its stack declares, sensitive where the stack's are", () => {
    const variables = Object.values<Json>(byAddress(json, "tfe_variable")).map((v) => [stackOfId(v.workspace_id), v.key, v.sensitive, v.category, v.value]);
    const expected = Object.entries<Json>(app.stacks).flatMap(([stack, s]) =>
      Object.entries<Json>(s.variable ?? {}).map(([name, spec]) => [stack, name, spec.sensitive === true, "terraform", `\${var.${name}}`]),
    );
    expect(variables.sort()).toEqual(expected.sort());
    expect(variables).toEqual(
      expect.arrayContaining([
        ["gcp-cluster", "gcp_project", false, "terraform", "${var.gcp_project}"],
        ["azure-cluster", "azure_subscription_id", false, "terraform", "${var.azure_subscription_id}"],
        ["cluster-init", "cockroach_license", true, "terraform", "${var.cockroach_license}"],
      ]),
    );
    // The values come from the bootstrap's own inputs; the license stays sensitive there too.
    expect(json.variable.cockroach_license).toMatchObject({ sensitive: true, default: "" });
    expect(json.variable.gcp_project.default).toBeUndefined();
  });

  test("local execution (the default): the pipeline supplies the variables, so the workspaces hold none", () => {
    const local = bootstrap().json;
    expect(local.resource.tfe_variable).toBeUndefined();
    for (const s of Object.values<Json>(byAddress(local, "tfe_workspace_settings"))) expect(s.execution_mode).toBe("local");
    for (const w of Object.values<Json>(byAddress(local, "tfe_workspace"))) expect(w.terraform_version).toBe("1.11.4");
  });

  test("a Terraform Enterprise hostname reaches the provider; its token variable is named after it", () => {
    expect(bootstrap({ hostname: "tfe.example.com" }).json.provider.tfe).toEqual([{ hostname: "tfe.example.com", organization: "acme" }]);
    expect(terraformTokenVariable()).toBe("TF_TOKEN_app_terraform_io");
    expect(terraformTokenVariable("tfe.example.com")).toBe("TF_TOKEN_tfe_example_com");
    expect(terraformTokenVariable("my-tfe.corp.example")).toBe("TF_TOKEN_my__tfe_corp_example");
  });

  test("refuses a topology whose backend is not `cloud`", () => {
    const s3 = parseTopology({ ...exampleFile, backend: { type: "s3", bucket: "acme-state", region: "us-east-1" } }, "inline");
    expect(() => new HcpTerraformBootstrapStack(Testing.app(), { topology: s3, graph: deploymentGraph(s3) })).toThrow(
      'backend.type: invalid value "s3". The HCP Terraform bootstrap creates the workspaces of a `cloud` backend',
    );
  });

  test("examples/terraform-cloud/bootstrap: its app command synthesizes the bootstrap stack for the example topology", () => {
    const dir = path.join(example, "bootstrap");
    const cdktf = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8"));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bootstrap-"));
    try {
      const run = spawnSync("bash", ["-c", cdktf.app], { cwd: dir, env: { ...process.env, CRDB_TOPOLOGY: "", CDKTF_OUTDIR: outdir }, encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/hcp-terraform/cdk.tf.json"), "utf8"));
      expect(Object.keys(synthesized.resource.tfe_workspace)).toHaveLength(13);
      // Its own state is local: the workspaces it creates cannot hold it.
      expect(Object.keys(synthesized.terraform.backend ?? { local: {} })).toEqual(["local"]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
