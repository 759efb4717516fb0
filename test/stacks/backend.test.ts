import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, DataResource, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { applyBackend } from "../../stacks/backend";
import type { BackendSettings } from "../../stacks/topology";
import { findExecutable } from "../terraform/offline-plan";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synthBackend(stackName: string, backend: BackendSettings): Json {
  const app = Testing.app();
  const stack = new TerraformStack(app, stackName);
  applyBackend(stack, stackName, backend);
  return JSON.parse(Testing.synth(stack)).terraform;
}

/** Synthesizes a producer stack and a consumer that reads one of its attributes; returns the consumer's JSON. */
function synthCrossStack(backend: BackendSettings, outdir: string): { consumer: Json; manifest: Json } {
  const app = new App({ outdir });
  const producer = new TerraformStack(app, "pki");
  applyBackend(producer, "pki", backend);
  const data = new DataResource(producer, "data", { input: { value: "from-pki" } });
  const consumer = new TerraformStack(app, "aws-database");
  applyBackend(consumer, "aws-database", backend);
  new TerraformOutput(consumer, "from_pki", { value: data.id });
  app.synth();
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(outdir, file), "utf8"));
  return { consumer: read("stacks/aws-database/cdk.tf.json"), manifest: read("manifest.json") };
}

function remoteStateConfig(consumer: Json): Json {
  const states = Object.values(consumer.data.terraform_remote_state) as Json[];
  expect(states).toHaveLength(1);
  return states[0];
}

describe("applyBackend", () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("local: terraform.<stack>.tfstate in the state directory, read back by consumers", () => {
    const dir = path.join(outdir, "state");
    expect(synthBackend("aws-cluster", { type: "local", directory: dir })).toEqual({
      backend: { local: { path: path.join(dir, "terraform.aws-cluster.tfstate") } },
    });
    const { consumer } = synthCrossStack({ type: "local", directory: dir }, path.join(outdir, "out"));
    expect(remoteStateConfig(consumer)).toMatchObject({ backend: "local", config: { path: path.join(dir, "terraform.pki.tfstate") } });
  });

  test("local: a relative directory becomes absolute, since terraform runs inside cdktf.out", () => {
    const terraform = synthBackend("pki", { type: "local", directory: "terraform-state" });
    expect(terraform.backend.local.path).toBe(path.resolve("terraform-state", "terraform.pki.tfstate"));
  });

  test("s3: encrypted, one key per stack, native lock file", () => {
    const backend: BackendSettings = {
      type: "s3",
      bucket: "acme-state",
      region: "eu-west-1",
      keyPrefix: "crdb/prod",
      encrypt: true,
      useLockfile: true,
      kmsKeyId: "alias/state",
    };
    expect(synthBackend("gcp-links", backend)).toEqual({
      backend: {
        s3: {
          bucket: "acme-state",
          region: "eu-west-1",
          key: "crdb/prod/gcp-links.tfstate",
          encrypt: true,
          kms_key_id: "alias/state",
          use_lockfile: true,
        },
      },
    });
    const { consumer } = synthCrossStack(backend, outdir);
    expect(remoteStateConfig(consumer)).toMatchObject({
      backend: "s3",
      config: { bucket: "acme-state", key: "crdb/prod/pki.tfstate", region: "eu-west-1", encrypt: true },
    });
  });

  test("s3: DynamoDB locking instead of the lock file", () => {
    const terraform = synthBackend("pki", {
      type: "s3",
      bucket: "acme-state",
      region: "us-east-1",
      keyPrefix: "crdb",
      encrypt: true,
      useLockfile: false,
      dynamodbTable: "terraform-locks",
    });
    expect(terraform.backend.s3).toEqual({
      bucket: "acme-state",
      region: "us-east-1",
      key: "crdb/pki.tfstate",
      encrypt: true,
      dynamodb_table: "terraform-locks",
    });
  });

  test("gcs: one prefix per stack", () => {
    const backend: BackendSettings = { type: "gcs", bucket: "acme-state", prefix: "crdb" };
    expect(synthBackend("azure-platform", backend)).toEqual({ backend: { gcs: { bucket: "acme-state", prefix: "crdb/azure-platform" } } });
    expect(remoteStateConfig(synthCrossStack(backend, outdir).consumer)).toMatchObject({
      backend: "gcs",
      config: { bucket: "acme-state", prefix: "crdb/pki" },
    });
  });

  test("azurerm: one blob per stack", () => {
    const backend: BackendSettings = {
      type: "azurerm",
      resourceGroupName: "tfstate",
      storageAccountName: "acmestate",
      containerName: "tfstate",
      keyPrefix: "crdb",
    };
    expect(synthBackend("cluster-init", backend)).toEqual({
      backend: {
        azurerm: { resource_group_name: "tfstate", storage_account_name: "acmestate", container_name: "tfstate", key: "crdb/cluster-init.tfstate" },
      },
    });
    expect(remoteStateConfig(synthCrossStack(backend, outdir).consumer)).toMatchObject({
      backend: "azurerm",
      config: { storage_account_name: "acmestate", container_name: "tfstate", key: "crdb/pki.tfstate" },
    });
  });

  test("cloud: one named workspace per stack, read through the remote backend", () => {
    const backend: BackendSettings = { type: "cloud", organization: "acme", workspacePrefix: "crdb", project: "databases" };
    expect(synthBackend("aws-cluster", backend)).toEqual({
      cloud: { organization: "acme", workspaces: { name: "crdb-aws-cluster", project: "databases" } },
    });
    const withHost = synthBackend("pki", { ...backend, hostname: "tfe.example.com" });
    expect(withHost.cloud).toMatchObject({ hostname: "tfe.example.com", workspaces: { name: "crdb-pki" } });

    const { consumer, manifest } = synthCrossStack(backend, outdir);
    expect(remoteStateConfig(consumer)).toMatchObject({
      backend: "remote",
      config: { organization: "acme", workspaces: { name: "crdb-pki" } },
    });
    // The consumer waits for the producer when `cdktf deploy '*'` orders the stacks.
    expect(manifest.stacks["aws-database"].dependencies).toEqual(["pki"]);
  });

  test("bad stack and workspace names fail with the field, value and fix", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(() => applyBackend(stack, "aws/cluster", { type: "local", directory: "/tmp" })).toThrow(
      "stackName: invalid value \"aws/cluster\". Use letters, digits, '-' and '_' only",
    );
    const prefix = "p".repeat(60);
    expect(() =>
      synthBackend("a-very-long-site-name-database", { type: "cloud", organization: "acme", workspacePrefix: prefix }),
    ).toThrow(`backend.workspacePrefix: invalid value "${prefix}". The workspace name "${prefix}-a-very-long-site-name-database" exceeds 90 characters`);
  });

  // Skipped, and saying so, only where there is no terraform binary at all.
  const terraform = findExecutable("terraform");
  if (!terraform) console.warn("Skipping the local-state round trip: no terraform binary on PATH or in /usr/local/bin");
  (terraform ? test : test.skip)("local state written and read back by the real terraform binary", () => {
    const state = path.join(outdir, "state");
    const out = path.join(outdir, "out");
    synthCrossStack({ type: "local", directory: state }, out);
    const env = { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    const run = (stack: string, ...args: string[]) => {
      const result = spawnSync(terraform!, args, { cwd: path.join(out, "stacks", stack), env, encoding: "utf8" });
      if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} in ${stack} failed:\n${result.stdout}\n${result.stderr}`);
      return result.stdout;
    };
    for (const stack of ["pki", "aws-database"]) {
      run(stack, "init", "-input=false", "-no-color");
      run(stack, "apply", "-auto-approve", "-input=false", "-no-color");
    }
    expect(fs.readdirSync(state).sort()).toEqual(["terraform.aws-database.tfstate", "terraform.pki.tfstate"]);
    const pkiState = JSON.parse(fs.readFileSync(path.join(state, "terraform.pki.tfstate"), "utf8"));
    const dataId = pkiState.resources.find((r: Json) => r.type === "terraform_data").instances[0].attributes.id;
    expect(JSON.parse(run("aws-database", "output", "-json")).from_pki.value).toBe(dataId);
  });
});
