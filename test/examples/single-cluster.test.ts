import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { SingleClusterStack } from "../../examples/single-cluster/main";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe("examples/single-cluster", () => {
  const app = Testing.app();
  const stack = new SingleClusterStack(app, "single", { kubeconfigPath: "/home/me/.kube/config", kubeconfigContext: "lab" });
  const json: Json = JSON.parse(Testing.synth(stack));
  const resources = (type: string): Json[] => Object.values(json.resource[type] ?? {});

  test("talks to the existing cluster through the given kubeconfig", () => {
    expect(json.provider.kubernetes).toEqual([{ config_path: "/home/me/.kube/config", config_context: "lab", ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS }]);
  });

  test("creates the namespace first, then the certificate Secrets, the database and the client", () => {
    const [namespace] = Object.keys(json.resource.kubernetes_namespace_v1);
    const namespaceRef = `kubernetes_namespace_v1.${namespace}`;
    for (const type of ["kubernetes_secret_v1", "kubernetes_stateful_set_v1", "kubernetes_service_v1", "kubernetes_deployment_v1"]) {
      for (const resource of resources(type)) expect(resource.depends_on).toContain(namespaceRef);
    }
    expect(resources("kubernetes_secret_v1").map((s) => s.metadata.name).sort()).toEqual([
      "cockroachdb-node-certs",
      "cockroachdb-root-client-certs",
    ]);
  });

  test("one site of 3 nodes, initialised once after the StatefulSet and its Secrets exist, without the region survival goal", () => {
    const [statefulSet] = resources("kubernetes_stateful_set_v1");
    expect(statefulSet.metadata.name).toBe("crdb-local");
    expect(statefulSet.spec.replicas).toBe("3");
    const [job] = resources("kubernetes_job_v1");
    expect(job.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kubernetes_stateful_set_v1\./), expect.stringMatching(/^kubernetes_secret_v1\./)]),
    );
    const script: string = job.spec.template.spec.container[0].command[2];
    expect(script).toContain("cockroach init");
    expect(script).not.toContain("num_replicas");
  });

  test("the example's own cdktf app command synthesizes without type-checking", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "single-cluster-"));
    const exampleDir = path.join(__dirname, "../../examples/single-cluster");
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(exampleDir, "cdktf.json"), "utf8"));
    const run = spawnSync("bash", ["-c", cdktfJson.app], {
      cwd: exampleDir,
      env: { ...process.env, CDKTF_OUTDIR: outdir, KUBECONFIG: "/tmp/kubeconfig" },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/cockroachdb-single-cluster/cdk.tf.json"), "utf8"));
    expect(synthesized.provider.kubernetes[0].config_path).toBe("/tmp/kubeconfig");
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
