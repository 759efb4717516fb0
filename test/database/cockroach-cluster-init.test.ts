import { DatabaseSiteNames } from "../../lib/core/naming";
import { CockroachClusterInit, CockroachClusterInitProps, CockroachSqlClient } from "../../lib/database";
import { initScript } from "../../lib/database/scripts";
import { Json, onlyResource, renderedByTerraform, synth } from "./helpers";

const threeSites: DatabaseSiteNames[] = [
  { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
  { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 3 },
  { siteName: "azure", statefulSetName: "crdb-azure", replicas: 3 },
];

function build(overrides: Partial<CockroachClusterInitProps> = {}): Json {
  return synth((stack, p) => {
    new CockroachClusterInit(stack, "init", { provider: p.kubernetes, sites: threeSites, ...overrides });
  });
}

describe("CockroachClusterInit", () => {
  test("one Job that Terraform waits for, initialising the first site's pod 0 and then setting 5 replicas", () => {
    const job = onlyResource(build(), "kubernetes_job_v1");
    expect(job.metadata).toMatchObject({ name: "cockroachdb-init", namespace: "cockroachdb" });
    expect(job.wait_for_completion).toBe(true);
    expect(job.timeouts).toEqual({ create: "35m", update: "35m" });
    expect(job.spec.active_deadline_seconds).toBe(1800);
    const pod = job.spec.template.spec;
    expect(pod.volume).toContainEqual({ name: "certs", secret: { secret_name: "cockroachdb-root-client-certs", default_mode: "0440" } });
    expect(renderedByTerraform(pod.container[0].command[2])).toBe(
      initScript({
        initHost: "crdb-aws-0.cockroachdb.svc.cluster.local:26257",
        probeHosts: ["aws", "gcp", "azure"].flatMap((s) => [0, 1, 2].map((i) => `crdb-${s}-${i}.cockroachdb.svc.cluster.local:26257`)),
        expectedNodes: 9,
        statements: ["ALTER RANGE default CONFIGURE ZONE USING num_replicas = 5"],
      }),
    );
  });

  test("a license comes from a Secret into the environment, never into the spec, and its revision re-runs the Job", () => {
    const job = onlyResource(build({ license: { secretName: "crdb-license", revision: "abc123" } }), "kubernetes_job_v1");
    const pod = job.spec.template.spec;
    expect(pod.container[0].env).toEqual([
      { name: "COCKROACH_LICENSE", value_from: { secret_key_ref: { name: "crdb-license", key: "license", optional: true } } },
      { name: "COCKROACH_LICENSE_ORGANIZATION", value_from: { secret_key_ref: { name: "crdb-license", key: "organization", optional: true } } },
    ]);
    expect(renderedByTerraform(pod.container[0].command[2])).toContain('license="${COCKROACH_LICENSE:-}"');
    expect(job.spec.template.metadata.annotations).toEqual({ "cockroachdb.com/license-revision": "abc123" });
    const without = onlyResource(build(), "kubernetes_job_v1").spec.template;
    expect(without.spec.container[0].env).toBeUndefined();
    expect(without.spec.container[0].command[2]).not.toContain("license");
  });

  test("the zone goal keeps CockroachDB's 3 replicas and accepts fewer sites", () => {
    const sites = threeSites.slice(0, 2);
    const script = onlyResource(build({ survivalGoal: "zone", sites }), "kubernetes_job_v1").spec.template.spec.container[0].command[2];
    expect(script).not.toContain("num_replicas");
    expect(script).toContain("expected=6");
  });

  test("refuses a region-survival topology that cannot survive losing a site", () => {
    expect(() => build({ sites: threeSites.slice(0, 2) })).toThrow(
      'sites: invalid value ["aws","gcp"]. Surviving the loss of a region needs at least 3 database sites',
    );
    // 1 + 1 + min(3, 2) = 4 < 5: the big site would hold 3 of the 5 replicas.
    expect(() => build({ sites: [{ ...threeSites[0], replicas: 1 }, { ...threeSites[1], replicas: 1 }, threeSites[2]] })).toThrow(
      'sites: invalid value {"aws":1,"gcp":1,"azure":3}. With 5 replicas no site may hold more than 2 of them',
    );
    // 1 + 2 + 2 = 5 is enough.
    expect(() => build({ sites: [{ ...threeSites[0], replicas: 1 }, { ...threeSites[1], replicas: 2 }, { ...threeSites[2], replicas: 2 }] })).not.toThrow();
  });

  test("rejects bad props with field, value and fix", () => {
    expect(() => build({ timeoutMinutes: 1 })).toThrow("timeoutMinutes: invalid value 1. Use a whole number of minutes between 5 and 1440.");
    expect(() => build({ image: "cockroachdb/cockroach:latest-v26.2" })).toThrow('image: invalid value "cockroachdb/cockroach:latest-v26.2"');
  });
});

describe("CockroachSqlClient", () => {
  test("an idle pod with root client certificates pointed at the public Service", () => {
    const json = synth((stack, p) => {
      new CockroachSqlClient(stack, "client", { provider: p.kubernetes });
    });
    const deployment = onlyResource(json, "kubernetes_deployment_v1");
    const pod = deployment.spec.template.spec;
    expect(pod.container[0].env).toEqual([
      { name: "COCKROACH_HOST", value: "cockroachdb-public:26257" },
      { name: "COCKROACH_CERTS_DIR", value: "/cockroach/cockroach-certs" },
      { name: "HOME", value: "/tmp" },
    ]);
    expect(pod.container[0].command).toEqual(["sleep", "infinity"]);
    expect(pod.volume).toContainEqual({ name: "certs", secret: { secret_name: "cockroachdb-root-client-certs", default_mode: "0440" } });
    expect(pod.security_context.run_as_non_root).toBe(true);
  });
});
