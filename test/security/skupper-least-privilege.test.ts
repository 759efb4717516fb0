import { parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { type Json, synthApp, values } from "../stacks/synth-app";

const synth = (file: TopologyFile) => synthApp(parseTopology(file, "test"));
const chartValues = (release: Json) => JSON.parse(release.values[0]);
const SITES = DEFAULT_TOPOLOGY_FILE.sites.map((s) => s.name);

describe("the Skupper controller: namespace scope by default", () => {
  const { stacks } = synth(DEFAULT_TOPOLOGY_FILE);

  test("every site's controller runs in the database namespace, watches only it, and Helm does not own that namespace", () => {
    for (const site of SITES) {
      const platform = stacks[`${site}-platform`];
      const [release] = values(platform, "helm_release");
      expect(chartValues(release).scope).toBe("namespace");
      // The chart's namespace-scoped Deployment watches metadata.namespace: the release's namespace.
      expect(release.namespace).toBe("${kubernetes_namespace_v1.namespace.metadata[0].name}");
      expect(values(platform, "kubernetes_namespace_v1")[0].metadata.name).toBe("cockroachdb");
      expect(release.create_namespace).toBe(false);
      // The sizing profile must sit where the controller reads it: its own namespace.
      expect(values(platform, "kubernetes_config_map_v1").find((cm) => cm.metadata.labels?.["skupper.io/site-sizing"])?.metadata.namespace).toBe(
        "${kubernetes_namespace_v1.namespace.metadata[0].name}",
      );
    }
  });

  test("no ClusterRole reaches Secrets, pods/exec or RBAC: the one cluster-wide grant is the database's node reader", () => {
    const sensitive = ["secrets", "pods", "pods/exec", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "*"];
    const clusterRoles = Object.values(stacks).flatMap((json) => values(json, "kubernetes_cluster_role_v1"));
    expect(clusterRoles.length).toBeGreaterThan(0);
    for (const role of clusterRoles) {
      for (const rule of role.rule) {
        expect(rule.resources.filter((r: string) => sensitive.includes(r))).toEqual([]);
        expect(rule.verbs).toEqual(["get"]);
      }
    }
    for (const json of Object.values(stacks)) {
      const kinds = values(json, "kubernetes_manifest").map((m) => m.manifest.kind);
      expect(kinds.filter((kind: string) => kind === "ClusterRole" || kind === "ClusterRoleBinding")).toEqual([]);
    }
  });

  test("cluster scope on request: the controller in namespace skupper, which Helm creates", () => {
    const cluster = synth({ ...DEFAULT_TOPOLOGY_FILE, skupper: { controllerScope: "cluster" } });
    for (const site of SITES) {
      const [release] = values(cluster.stacks[`${site}-platform`], "helm_release");
      expect(chartValues(release).scope).toBe("cluster");
      expect(release).toMatchObject({ namespace: "skupper", create_namespace: true });
    }
  });

  test("a scope the chart does not render is refused with the field's path", () => {
    expect(() => parseTopology({ ...DEFAULT_TOPOLOGY_FILE, skupper: { controllerScope: "namespaced" } }, "test")).toThrow(
      'skupper.controllerScope: invalid value "namespaced". Use one of "namespace", "cluster".',
    );
  });
});
