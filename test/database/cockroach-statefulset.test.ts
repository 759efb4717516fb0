import { CockroachStatefulSet, CockroachStatefulSetProps } from "../../lib/database";
import { startScript } from "../../lib/database/scripts";
import { Json, onlyResource, resources, renderedByTerraform, synth } from "./helpers";

const sites = [
  { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
  { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 2 },
];

function build(overrides: Partial<CockroachStatefulSetProps> = {}, built?: (db: CockroachStatefulSet) => void): Json {
  return synth((stack, p) => {
    const db = new CockroachStatefulSet(stack, "db", {
      provider: p.kubernetes,
      siteName: "aws",
      sites,
      locality: { cloud: "aws", region: "us-west-2" },
      ...overrides,
    });
    built?.(db);
  });
}

describe("CockroachStatefulSet", () => {
  const json = build();
  const sts = onlyResource(json, "kubernetes_stateful_set_v1");
  const pod = sts.spec.template.spec;
  const db = pod.container[0];

  test("does not wait for a rollout that cannot finish before the one-time init", () => {
    expect(sts.wait_for_rollout).toBe(false);
  });

  test("runs this site's pods in parallel under a site-unique name", () => {
    expect(sts.metadata).toMatchObject({ name: "crdb-aws", namespace: "cockroachdb" });
    expect(sts.spec).toMatchObject({ replicas: "3", pod_management_policy: "Parallel", service_name: expect.stringContaining("kubernetes_service_v1.db_headless") });
    expect(sts.spec.volume_claim_template[0].spec).toMatchObject({ access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } });
  });

  test("pins the image, probes readiness over HTTPS and has no liveness probe", () => {
    expect(db.image).toBe("cockroachdb/cockroach:v26.2.7");
    expect(db.readiness_probe.http_get).toEqual({ path: "/health?ready=1", port: "http", scheme: "HTTPS" });
    expect(db.liveness_probe).toBeUndefined();
    expect(pod.termination_grace_period_seconds).toBeGreaterThanOrEqual(300);
    expect(db.port).toEqual([
      { container_port: 26257, name: "grpc" },
      { container_port: 8080, name: "http" },
    ]);
  });

  test("sets requests equal to limits and derives cache, SQL memory and GOMAXPROCS from them", () => {
    expect(db.resources.requests).toEqual({ cpu: "4", memory: "16Gi" });
    expect(db.resources.limits).toEqual(db.resources.requests);
    expect(db.command[2]).toContain("--cache=4096MiB");
    expect(db.command[2]).toContain("--max-sql-memory=4096MiB");
    expect(db.env).toContainEqual({ name: "GOMAXPROCS", value: "4" });
    const small = onlyResource(build({ cpu: "1500m", memory: "6Gi" }), "kubernetes_stateful_set_v1").spec.template.spec.container[0];
    expect(small.env).toContainEqual({ name: "GOMAXPROCS", value: "2" });
    expect(small.command[2]).toContain("--cache=1536MiB");
  });

  test("runs the exact start script with this site's names and locality", () => {
    expect(db.command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
    expect(renderedByTerraform(db.command[2])).toBe(
      startScript({
        namespace: "cockroachdb",
        clusterDomain: "cluster.local",
        locality: "cloud=aws,region=us-west-2",
        zoneFile: "/cockroach/locality/zone",
        cacheMiB: 4096,
        maxSqlMemoryMiB: 4096,
      }),
    );
  });

  test("runs as non-root with a key mode CockroachDB accepts", () => {
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "1000", run_as_group: "1000", fs_group: "1000" });
    // User and group are the pod's; the container adds only what a container alone can set.
    for (const container of [db, pod.init_container[0]]) {
      expect(container.security_context).toEqual({
        allow_privilege_escalation: false,
        privileged: false,
        read_only_root_filesystem: true,
        capabilities: { drop: ["ALL"] },
      });
    }
    expect(pod.volume).toContainEqual({ name: "certs", secret: { secret_name: "cockroachdb-node-certs", default_mode: "0440" } });
    expect(db.volume_mount).toContainEqual({ name: "certs", mount_path: "/cockroach/cockroach-certs", read_only: true });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.enable_service_links).toBe(false);
  });

  test("spreads pods over hosts and zones", () => {
    const term = pod.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution[0];
    expect(term.pod_affinity_term.topology_key).toBe("kubernetes.io/hostname");
    expect(pod.topology_spread_constraint[0]).toMatchObject({ topology_key: "topology.kubernetes.io/zone", max_skew: 1 });
    expect(onlyResource(json, "kubernetes_pod_disruption_budget_v1").spec.max_unavailable).toBe("1");
  });

  test("the join list names the first pods of every site, through a ConfigMap", () => {
    const join = onlyResource(json, "kubernetes_config_map_v1");
    expect(join.data.join).toBe(
      [
        "crdb-aws-0.cockroachdb.svc.cluster.local:26257",
        "crdb-aws-1.cockroachdb.svc.cluster.local:26257",
        "crdb-aws-2.cockroachdb.svc.cluster.local:26257",
        "crdb-gcp-0.cockroachdb.svc.cluster.local:26257",
        "crdb-gcp-1.cockroachdb.svc.cluster.local:26257",
      ].join(","),
    );
    expect(db.env).toContainEqual({ name: "COCKROACH_JOIN", value_from: { config_map_key_ref: { key: "join", name: expect.stringContaining("kubernetes_config_map_v1.db_join") } } });
  });

  test("creates one not-ready-publishing ClusterIP Service per local pod, a headless and a public Service", () => {
    const services = resources(json, "kubernetes_service_v1");
    const byName = Object.fromEntries(services.map((s) => [s.metadata.name, s.spec]));
    expect(Object.keys(byName).sort()).toEqual(["cockroachdb-public", "crdb-aws", "crdb-aws-0", "crdb-aws-1", "crdb-aws-2"]);
    expect(byName["crdb-aws-1"]).toEqual({
      type: "ClusterIP",
      publish_not_ready_addresses: true,
      selector: { "statefulset.kubernetes.io/pod-name": "crdb-aws-1" },
      port: [{ name: "grpc", port: 26257, target_port: "26257" }],
    });
    expect(byName["crdb-aws"]).toMatchObject({ cluster_ip: "None", publish_not_ready_addresses: true });
    expect(byName["cockroachdb-public"].type).toBe("ClusterIP");
  });

  test("serviceNames lists exactly the Services it creates", () => {
    let serviceNames: readonly string[] = [];
    const out = build({ publicServiceName: "sql" }, (db) => (serviceNames = db.serviceNames));
    expect([...serviceNames].sort()).toEqual(resources(out, "kubernetes_service_v1").map((s) => s.metadata.name).sort());
    expect([...serviceNames].sort()).toEqual(["crdb-aws", "crdb-aws-0", "crdb-aws-1", "crdb-aws-2", "sql"]);
  });

  test("the zone lookup alone gets API credentials and may only read nodes", () => {
    const init = pod.init_container[0];
    expect(init.name).toBe("zone-lookup");
    expect(init.volume_mount).toContainEqual({ name: "kube-api", mount_path: "/var/run/secrets/kubernetes.io/serviceaccount", read_only: true });
    expect(db.volume_mount.map((m: Json) => m.name)).not.toContain("kube-api");
    expect(init.env).toEqual([{ name: "NODE_NAME", value_from: { field_ref: { field_path: "spec.nodeName" } } }]);
    const role = onlyResource(json, "kubernetes_cluster_role_v1");
    expect(role.metadata.name).toBe("cockroachdb-crdb-aws-read-nodes");
    expect(role.rule).toEqual([{ api_groups: [""], resources: ["nodes"], verbs: ["get"] }]);
    const binding = onlyResource(json, "kubernetes_cluster_role_binding_v1");
    expect(binding.subject[0]).toMatchObject({ kind: "ServiceAccount", namespace: "cockroachdb" });
    expect(onlyResource(json, "kubernetes_service_account_v1").automount_service_account_token).toBe(false);
  });

  test("the StatefulSet waits for the role and its binding, so the zone lookup never meets a 403", () => {
    const [roleId] = Object.keys(json.resource.kubernetes_cluster_role_v1);
    const [bindingId] = Object.keys(json.resource.kubernetes_cluster_role_binding_v1);
    expect(sts.depends_on).toEqual([`kubernetes_cluster_role_v1.${roleId}`, `kubernetes_cluster_role_binding_v1.${bindingId}`]);
  });

  test("without the zone tier there is no init container and no RBAC", () => {
    const noZone = build({ locality: { cloud: "aws", region: "us-west-2", zoneFromNodeLabel: false } });
    const spec = onlyResource(noZone, "kubernetes_stateful_set_v1").spec.template.spec;
    expect(spec.init_container).toBeUndefined();
    expect(spec.container[0].command[2]).toContain('--locality="cloud=aws,region=us-west-2" \\');
    expect(resources(noZone, "kubernetes_cluster_role_v1")).toEqual([]);
    expect(resources(noZone, "kubernetes_cluster_role_binding_v1")).toEqual([]);
    expect(onlyResource(noZone, "kubernetes_stateful_set_v1").depends_on).toBeUndefined();
  });

  test.each([
    [{ image: "cockroachdb/cockroach:latest" }, 'image: invalid value "cockroachdb/cockroach:latest". Pin a release'],
    [{ image: "cockroachdb/cockroach" }, 'image: invalid value "cockroachdb/cockroach". Pin a release'],
    [{ siteName: "azure" }, 'siteName: invalid value "azure". Use one of the sites listed in sites: aws, gcp.'],
    [{ memory: "1Gi" }, 'memory: invalid value "1Gi". Give each node at least "2Gi"'],
    [{ cpu: "lots" }, 'cpu: invalid value "lots"'],
    [{ storageSize: "100GB" }, 'storageSize: invalid value "100GB"'],
    [{ locality: { cloud: "aws", region: "us west" } }, 'locality.region: invalid value "us west". Use letters, digits'],
    [{ publicServiceName: "crdb-gcp-1" }, 'publicServiceName: invalid value "crdb-gcp-1". It collides with a StatefulSet or pod Service name'],
    [{ sites: [...sites, { siteName: "gcp2", statefulSetName: "crdb-gcp", replicas: 1 }] }, 'sites[2].statefulSetName: invalid value "crdb-gcp". StatefulSet names must be unique'],
    [{ sites: [] }, "sites: invalid value []. List every database site"],
    [{ sites: [{ ...sites[0], replicas: 0 }, sites[1]] }, "sites[0].replicas: invalid value 0. Use a whole number between 1 and 1000."],
    [{ sites: [{ ...sites[0], siteName: "AWS" }, sites[1]] }, 'sites[0].siteName: invalid value "AWS". Use an RFC 1123 label'],
    [{ namespace: "Cockroach_DB" }, 'namespace: invalid value "Cockroach_DB". Use an RFC 1123 label'],
    [{ clusterDomain: "cluster..local" }, 'clusterDomain: invalid value "cluster..local". Use an RFC 1123 subdomain'],
    [{ insecure: true }, "insecure: invalid value true. CockroachDB runs in secure mode only"],
  ])("rejects %j", (overrides, message) => {
    expect(() => build(overrides as Partial<CockroachStatefulSetProps>)).toThrow(message);
  });

  test("accepts an image pinned by digest", () => {
    const digest = "cockroachdb/cockroach@sha256:" + "a".repeat(64);
    expect(onlyResource(build({ image: digest }), "kubernetes_stateful_set_v1").spec.template.spec.container[0].image).toBe(digest);
  });
});

describe("CockroachStatefulSet workload identity props", () => {
  test("ServiceAccount annotations and extra pod labels reach the objects; the selector labels stay the construct's", () => {
    const json = build({ serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": "sa@p.iam.gserviceaccount.com" }, podLabels: { "azure.workload.identity/use": "true" } });
    expect(onlyResource(json, "kubernetes_service_account_v1").metadata.annotations).toEqual({ "iam.gke.io/gcp-service-account": "sa@p.iam.gserviceaccount.com" });
    const sts = onlyResource(json, "kubernetes_stateful_set_v1");
    expect(sts.spec.template.metadata.labels).toMatchObject({ "azure.workload.identity/use": "true", "app.kubernetes.io/instance": "crdb-aws" });
    expect(sts.spec.selector.match_labels).toEqual({ "app.kubernetes.io/name": "cockroachdb", "app.kubernetes.io/instance": "crdb-aws" });
    expect(() => build({ podLabels: { "app.kubernetes.io/instance": "other" } })).toThrow(
      'podLabels.app.kubernetes.io/instance: invalid value "other". The construct sets this label to select its pods; use another key.',
    );
  });
});
