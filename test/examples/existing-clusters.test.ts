import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { Testing } from "cdktf";
import { buildExistingClusters } from "../../examples/existing-clusters/main";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe("examples/existing-clusters", () => {
  const app = Testing.app();
  buildExistingClusters(app, {
    kubeconfigPath: "/home/ops/.kube/config",
    namespace: "db",
    clusters: ["dc1", "dc2", "dc3"].map((name) => ({ name, region: `eu-${name}`, kubeconfigContext: `${name}-admin`, storageClassName: "fast-ssd" })),
  });
  app.synth();
  const stacks = Object.fromEntries(
    app.node.children.filter((c) => c.node.id.endsWith("-database") || ["certificates", "cluster-init"].includes(c.node.id)).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as Json]),
  );

  test("one stack with the certificates, one per cluster, one init", () => {
    expect(Object.keys(stacks).sort()).toEqual(["certificates", "cluster-init", "dc1-database", "dc2-database", "dc3-database"]);
  });

  test("each cluster stack talks to its own kubeconfig context and exposes its pods to the others", () => {
    for (const name of ["dc1", "dc2", "dc3"]) {
      const json = stacks[`${name}-database`];
      expect(json.provider.kubernetes).toEqual([{ config_path: "/home/ops/.kube/config", config_context: `${name}-admin`, ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS }]);
      const manifests: Json[] = Object.values(json.resource.kubernetes_manifest).map((m: Json) => m.manifest);
      expect(manifests.filter((m) => m.kind === "Connector")).toHaveLength(3);
      expect(manifests.filter((m) => m.kind === "Listener").map((m) => m.spec.host)).not.toContain(`crdb-${name}-0`);
      expect(manifests.filter((m) => m.kind === "Listener")).toHaveLength(6);
      const statefulSet: Json = Object.values(json.resource.kubernetes_stateful_set_v1)[0];
      expect(statefulSet.depends_on).toEqual([
        expect.stringMatching(/^kubernetes_cluster_role_v1\./),
        expect.stringMatching(/^kubernetes_cluster_role_binding_v1\./),
        expect.stringMatching(/^kubernetes_secret_v1\./),
        expect.stringMatching(/^kubernetes_secret_v1\./),
      ]);
      expect(statefulSet.spec.volume_claim_template[0].spec.storage_class_name).toBe("fast-ssd");
    }
    const job: Json = Object.values(stacks["cluster-init"].resource.kubernetes_job_v1)[0];
    expect(job.spec.template.spec.container[0].command[2]).toContain("num_replicas = 5");
    expect(stacks["cluster-init"].provider.kubernetes[0].config_context).toBe("dc1-admin");
  });
});
