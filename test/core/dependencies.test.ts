import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DataResource, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { DataKubernetesNamespaceV1 } from "@cdktf/provider-kubernetes/lib/data-kubernetes-namespace-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { addDependsOn } from "../../lib/core/dependencies";
import { hasTool } from "../database/helpers";

describe("addDependsOn", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const provider = new KubernetesProvider(stack, "k8s", {});
  const namespace = new NamespaceV1(stack, "ns", { provider, metadata: { name: "cockroachdb" } });
  const other = new NamespaceV1(stack, "other", { provider, metadata: { name: "other" } });
  const group = new Construct(stack, "group");
  new SecretV1(group, "secret", { provider, metadata: { name: "s", namespace: "cockroachdb" }, dependsOn: [other] });
  new DataKubernetesNamespaceV1(new Construct(group, "nested"), "read", { provider, metadata: { name: "cockroachdb" } });
  // Twice on purpose: a dependency is listed once however often it is added.
  addDependsOn(group, namespace, other);
  addDependsOn(group, namespace);
  const json = JSON.parse(Testing.synth(stack));

  test("every resource under the scope waits, keeping its own dependencies, each listed once", () => {
    const [secret] = Object.values(json.resource.kubernetes_secret_v1) as Array<{ depends_on: string[] }>;
    expect(secret.depends_on).toEqual(["kubernetes_namespace_v1.other", "kubernetes_namespace_v1.ns"]);
  });

  test("data sources under the scope wait too", () => {
    const [read] = Object.values(json.data.kubernetes_namespace_v1) as Array<{ depends_on: string[] }>;
    expect(read.depends_on).toEqual(["kubernetes_namespace_v1.ns", "kubernetes_namespace_v1.other"]);
  });

  test("nothing outside the scope is touched", () => {
    expect(json.resource.kubernetes_namespace_v1.ns.depends_on).toBeUndefined();
    expect(json.resource.kubernetes_namespace_v1.other.depends_on).toBeUndefined();
  });
});

/** Terraform's own parser is the judge of the depends_on form; terraform_data needs no provider download. */
const describeWithTerraform = hasTool("terraform") ? describe : describe.skip;
if (!hasTool("terraform")) console.warn("terraform not found: skipping the check that Terraform accepts the depends_on addDependsOn writes");

describeWithTerraform("addDependsOn with terraform", () => {
  test("terraform validate accepts the synthesized depends_on", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const first = new DataResource(stack, "first", {});
    addDependsOn(new DataResource(stack, "second", {}), first);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "depends-on-"));
    try {
      fs.writeFileSync(path.join(dir, "main.tf.json"), Testing.synth(stack));
      const run = (...args: string[]) =>
        spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
      const init = run("init", "-backend=false", "-input=false", "-no-color");
      expect({ status: init.status, stderr: init.stderr }).toMatchObject({ status: 0 });
      const validate = run("validate", "-json", "-no-color");
      expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
      expect(JSON.parse(fs.readFileSync(path.join(dir, "main.tf.json"), "utf8")).resource.terraform_data.second.depends_on).toEqual([
        "terraform_data.first",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
