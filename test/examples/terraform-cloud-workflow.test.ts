/**
 * The HCP Terraform pipeline example, checked offline: against the GitHub workflow schema
 * (SchemaStore's, as embedded in @action-validator/core), then for what it must do.
 */
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse as parseYaml } from "yaml";
import { HCP_TERRAFORM_HOSTNAME, terraformTokenVariable } from "../../stacks/hcp-terraform/bootstrap-stack";
import { loadTopology } from "../../stacks/topology";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const example = path.join(__dirname, "../../examples/terraform-cloud");
const text = fs.readFileSync(path.join(example, "deploy.github-workflow.yml"), "utf8");
const workflow: Json = parseYaml(text);
const steps = (job: string): Json[] => workflow.jobs[job].steps;
const runs = (job: string): string => steps(job).map((s) => s.run ?? "").join("\n");
const uses = (job: string): string[] => steps(job).flatMap((s) => (s.uses ? [s.uses.split("@")[0]] : []));

describe("examples/terraform-cloud/deploy.github-workflow.yml", () => {
  test("is a valid GitHub Actions workflow", () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  test("the validator is live: it rejects a misspelt key and a job without runs-on", () => {
    expect(validateWorkflow(text.replace("runs-on: ubuntu-latest", "run-on: ubuntu-latest")).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace("pull_request:", "pull_requests:")).errors.length).toBeGreaterThan(0);
  });

  test("pull requests get a cdktf diff of every stack; main gets the deploy with --auto-approve and its outputs as an artifact", () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
    expect(workflow.jobs.diff.if).toBe("github.event_name == 'pull_request'");
    expect(runs("diff")).toContain('npx cdktf diff "$stack" --skip-synth');
    expect(runs("diff")).not.toContain("cdktf deploy");
    expect(workflow.jobs.deploy.if).toContain("github.ref == 'refs/heads/main'");
    expect(runs("deploy")).toContain("npx cdktf deploy '*' --auto-approve --parallelism 4 --outputs-file outputs.json");
    const upload = steps("deploy").find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload.with).toMatchObject({ path: "outputs.json" });
    for (const job of ["diff", "deploy"]) expect(runs(job)).toContain("npm test");
  });

  test("cloud credentials come from GitHub's OIDC token for AWS, Google Cloud and Azure: no long-lived keys", () => {
    expect(workflow.permissions["id-token"]).toBe("write");
    for (const job of ["diff", "deploy"]) {
      expect(uses(job)).toEqual(expect.arrayContaining(["aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login"]));
      const aws = steps(job).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(Object.keys(aws.with)).toContain("role-to-assume");
      const google = steps(job).find((s) => s.uses?.startsWith("google-github-actions/auth@"));
      expect(Object.keys(google.with).sort()).toEqual(["service_account", "workload_identity_provider"]);
    }
    expect(workflow.env.ARM_USE_OIDC).toBe("true");
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GOOGLE_CREDENTIALS", "ARM_CLIENT_SECRET", "credentials_json", "creds:"]) {
      expect(text).not.toContain(key);
    }
  });

  test("the HCP Terraform token variable is named after the topology's hostname", () => {
    const topology = loadTopology(path.join(example, "topology.yaml"));
    if (topology.backend.type !== "cloud") throw new Error("the example must use the cloud backend");
    const tokenVariable = terraformTokenVariable(topology.backend.hostname ?? HCP_TERRAFORM_HOSTNAME);
    expect(workflow.env[tokenVariable]).toBe("${{ secrets.TF_API_TOKEN }}");
    expect(Object.keys(workflow.env).filter((k) => k.startsWith("TF_TOKEN_"))).toEqual([tokenVariable]);
    expect(workflow.env.CRDB_TOPOLOGY).toBe("examples/terraform-cloud/topology.yaml");
  });
});
