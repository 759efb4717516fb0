import { CockroachScaleDown, CockroachScaleDownProps } from "../../lib/database";
import { scaleDownScript } from "../../lib/database/scale-down-script";
import { Json, onlyResource, renderedByTerraform, synth } from "./helpers";

const SITES = [
  { siteName: "aws", statefulSetName: "crdb-aws", replicas: 2 },
  { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 3 },
  { siteName: "azure", statefulSetName: "crdb-azure", replicas: 3 },
];

function build(props: Partial<CockroachScaleDownProps> = {}): Json {
  return synth((stack, p) => new CockroachScaleDown(stack, "scale", { provider: p.kubernetes, siteName: "aws", sites: SITES, ...props }));
}

describe("CockroachScaleDown", () => {
  const json = build();
  const job = onlyResource(json, "kubernetes_job_v1");

  test("a Job named after the target replicas, so a new target re-creates it, waited on within a bounded time", () => {
    expect(job.metadata.name).toBe("crdb-aws-to-2");
    expect(job.wait_for_completion).toBe(true);
    expect(job.timeouts).toEqual({ create: "11m", update: "11m" });
    expect(job.spec.active_deadline_seconds).toBe(600);
    expect(job.spec.backoff_limit).toBe(0);
    const raised = build({ sites: SITES.map((s) => (s.siteName === "aws" ? { ...s, replicas: 3 } : s)) });
    expect(onlyResource(raised, "kubernetes_job_v1").metadata.name).toBe("crdb-aws-to-3");
  });

  test("runs the scale-down script unchanged through Terraform, as root client, for this site's target", () => {
    const container = job.spec.template.spec.container[0];
    const expected = scaleDownScript({
      statefulSetName: "crdb-aws",
      namespace: "cockroachdb",
      targetReplicas: 2,
      host: "cockroachdb-public",
      serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount",
      decommissionTimeoutSeconds: 540,
      workDir: "/tmp",
    });
    expect(container.command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
    expect(renderedByTerraform(container.command[2])).toBe(expected);
    expect(expected).toContain("%{http_code}");
    expect(container.command[2]).toContain("%%{http_code}");
    const secrets = job.spec.template.spec.volume.filter((v: Json) => v.secret).map((v: Json) => v.secret.secret_name);
    expect(secrets).toEqual(["cockroachdb-root-client-certs"]);
  });

  test("may only read the scale of its own StatefulSet, and waits for that grant", () => {
    const role = onlyResource(json, "kubernetes_role_v1");
    expect(role.rule).toEqual([{ api_groups: ["apps"], resources: ["statefulsets/scale"], resource_names: ["crdb-aws"], verbs: ["get"] }]);
    const [bindingId] = Object.keys(json.resource.kubernetes_role_binding_v1);
    expect(job.depends_on).toEqual([`kubernetes_role_binding_v1.${bindingId}`]);
    const [accountId] = Object.keys(json.resource.kubernetes_service_account_v1);
    expect(job.spec.template.spec.service_account_name).toBe(`\${kubernetes_service_account_v1.${accountId}.metadata[0].name}`);
  });

  test.each([
    [{ sites: SITES.map((s) => ({ ...s, replicas: 1 })) }, "sites: invalid value {\"aws\":1,\"gcp\":1,\"azure\":1}. With 5 replicas no site may hold more than 2"],
    [{ sites: SITES.slice(0, 2) }, "sites: invalid value [\"aws\",\"gcp\"]. Surviving the loss of a region needs at least 3 database sites"],
    [{ survivalGoal: "zone" as const, sites: [{ ...SITES[0], replicas: 2 }] }, "sites: invalid value {\"aws\":2}. Keeping 3 replicas of every range needs at least 3 CockroachDB nodes; the sites would run 2."],
    [{ siteName: "onprem" }, 'siteName: invalid value "onprem". Use one of the sites listed in sites: aws, gcp, azure.'],
    [{ timeoutMinutes: 1 }, "timeoutMinutes: invalid value 1. Use a whole number of minutes between 2 and 1440."],
  ])("refuses at synth %j", (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
