import { Testing } from "cdktf";
import { buildDeployment } from "../../stacks/app";
import { defaultTopology } from "../../stacks/topology";
import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { SingleClusterStack } from "../../examples/single-cluster/main";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The provider matches keys with Go's regexp (RE2); these patterns mean the same in JavaScript. */
const ignored = (key: string): boolean => CONTROLLER_WRITTEN_ANNOTATIONS.some((pattern) => new RegExp(pattern).test(key));

describe("re-applies converge: annotations controllers write are not Terraform's", () => {
  const app = Testing.app();
  const stacks = buildDeployment(app, defaultTopology());
  const all = [...stacks.platforms, ...stacks.databases, ...stacks.links, stacks.clusterInit].map((s) => [s.node.id, JSON.parse(Testing.synth(s))] as const);

  test("every kubernetes provider of every site stack ignores them", () => {
    for (const [name, json] of all) {
      for (const provider of json.provider.kubernetes as Json[]) {
        expect({ name, ignore: provider.ignore_annotations }).toEqual({ name, ignore: CONTROLLER_WRITTEN_ANNOTATIONS });
      }
    }
  });

  test("Skupper 2.2.1's sslProfile bookkeeping on the link Secrets (internal/kube/secrets/context.go)", () => {
    const links = all.filter(([name]) => name.endsWith("-links"));
    const secrets = links.flatMap(([, json]) => Object.values<Json>(json.resource.kubernetes_secret_v1));
    // The router uses these kubernetes.io/tls Secrets as sslProfiles, so the controller annotates them.
    expect(secrets.map((s) => s.type)).toEqual(["kubernetes.io/tls", "kubernetes.io/tls", "kubernetes.io/tls"]);
    expect(ignored("internal.skupper.io/tls-profile-context")).toBe(true);
    // The same prefix marks Secrets the controller issues (certificates/mgr.go); ours never carry it.
    expect(ignored("internal.skupper.io/hosts")).toBe(true);
  });

  test("GKE's NEG controller annotates Services on VPC-native clusters (terraform-provider-kubernetes issue 445)", () => {
    expect(ignored("cloud.google.com/neg")).toBe(true);
    expect(ignored("cloud.google.com/neg-status")).toBe(true);
    const gcpServices = Object.values<Json>(all.find(([name]) => name === "gcp-database")![1].resource.kubernetes_service_v1);
    expect(gcpServices.length).toBeGreaterThan(0);
  });

  test("annotations this project or its users set are still Terraform's", () => {
    for (const key of [
      "cockroachdb.com/license-revision",
      "skupper.io/tls-prior-valid-revisions",
      "service.beta.kubernetes.io/aws-load-balancer-type",
      "prometheus.io/scrape",
      "cloud.google.com/backend-config",
      "iam.gke.io/gcp-service-account",
      "eks.amazonaws.com/role-arn",
    ]) {
      expect({ key, ignored: ignored(key) }).toEqual({ key, ignored: false });
    }
  });

  test("the single-cluster example's own provider ignores them too", () => {
    const json = JSON.parse(Testing.synth(new SingleClusterStack(Testing.app(), "single", { kubeconfigPath: "~/.kube/config" })));
    expect(json.provider.kubernetes[0].ignore_annotations).toEqual(CONTROLLER_WRITTEN_ANNOTATIONS);
  });
});
