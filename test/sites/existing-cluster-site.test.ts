import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ExistingClusterSite, ExistingClusterSiteProps } from "../../lib/sites/existing-cluster-site";
import { KubernetesSite } from "../../lib/sites/kubernetes-site";
import { synthJson } from "./synth";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function existing(props: Partial<ExistingClusterSiteProps>) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "onprem-platform");
  const site = new ExistingClusterSite(stack, "onprem", { siteName: "onprem", region: "fra", storageClassName: "fast-ssd", ...props });
  return { stack, site };
}

describe("ExistingClusterSite", () => {
  test("kubeconfig path + context", () => {
    const { stack, site } = existing({ kubeconfigPath: "~/.kube/config", kubeconfigContext: "onprem-admin", zones: ["rack-1", "rack-2"] });
    const asSite: KubernetesSite = site;
    expect(asSite).toMatchObject({
      siteName: "onprem",
      cloud: "existing",
      region: "fra",
      zones: ["rack-1", "rack-2"],
      clusterName: "onprem",
      storageClassName: "fast-ssd",
      loadBalancerAnnotations: {},
    });
    expect(site.egressCidrs).toBeUndefined();
    const providers = site.connect(stack, "k8s", { alias: "onprem" });
    expect(providers.helm.terraformResourceType).toBe("helm");
    expect(site.ensureStorageClass(stack, "sc", providers.kubernetes)).toBe("fast-ssd");
    const json = synthJson(stack);
    expect(json.provider.kubernetes).toEqual([{ alias: "onprem", config_path: "~/.kube/config", config_context: "onprem-admin", ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS }]);
    expect(json.provider.helm).toEqual([{ alias: "onprem", kubernetes: { config_path: "~/.kube/config", config_context: "onprem-admin" } }]);
    expect(json.resource).toBeUndefined();
  });

  test("host + CA + token (token from a sensitive variable), annotations and egress", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "onprem-platform");
    const token = new TerraformVariable(stack, "onprem_token", { type: "string", sensitive: true });
    const site = new ExistingClusterSite(stack, "onprem", {
      siteName: "onprem",
      region: "fra",
      clusterName: "rke2-fra",
      storageClassName: "longhorn",
      host: "https://203.0.113.10:6443",
      clusterCaCertificate: CA,
      token: token.stringValue,
      egressCidrs: ["203.0.113.0/28"],
      loadBalancerAnnotations: { "metallb.universe.tf/address-pool": "public" },
    });
    expect(site.clusterName).toBe("rke2-fra");
    expect(site.egressCidrs).toEqual(["203.0.113.0/28"]);
    expect(site.loadBalancerAnnotations).toEqual({ "metallb.universe.tf/address-pool": "public" });
    void site.connect(stack, "k8s").helm;
    const json = synthJson(stack);
    const connection = { host: "https://203.0.113.10:6443", cluster_ca_certificate: CA, token: "${var.onprem_token}" };
    expect(json.provider.kubernetes).toEqual([{ ...connection, ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS }]);
    expect(json.provider.helm).toEqual([{ kubernetes: connection }]);
  });

  type Case = [name: string, props: Partial<ExistingClusterSiteProps>, message: string];
  const cases: Case[] = [
    ["neither kubeconfig nor host", {}, "kubeconfigPath: invalid value undefined. Give kubeconfigPath (and optionally kubeconfigContext), or host with clusterCaCertificate and token."],
    ["both kubeconfig and host", { kubeconfigPath: "/k", host: "https://h" }, 'host: invalid value "https://h". Give either kubeconfigPath or host'],
    ["empty kubeconfig path", { kubeconfigPath: "" }, 'kubeconfigPath: invalid value "". Give the path of a kubeconfig file.'],
    ["context with host", { host: "https://h", clusterCaCertificate: CA, token: "t", kubeconfigContext: "c" }, 'kubeconfigContext: invalid value "c". A context only applies to kubeconfigPath'],
    ["plain http host", { host: "http://10.0.0.1:6443", clusterCaCertificate: CA, token: "t" }, 'host: invalid value "http://10.0.0.1:6443". Use the API server\'s https:// URL'],
    ["host without CA", { host: "https://h", token: "t" }, "clusterCaCertificate: invalid value undefined. Give the PEM of the CA"],
    ["host without token", { host: "https://h", clusterCaCertificate: CA }, "token: invalid value undefined. Give a bearer token"],
    ["bad storage class", { kubeconfigPath: "/k", storageClassName: "Fast_SSD" }, 'storageClassName: invalid value "Fast_SSD". Use an RFC 1123 subdomain'],
    ["bad region label", { kubeconfigPath: "/k", region: "eu central" }, 'region: invalid value "eu central". Use an RFC 1123 label'],
    ["bad egress CIDR", { kubeconfigPath: "/k", egressCidrs: ["203.0.113.1"] }, 'egressCidrs[0]: invalid value "203.0.113.1". Use an IPv4 CIDR block'],
  ];
  test.each(cases)("bad input: %s", (...[, props, message]: Case) => {
    expect(() => existing(props)).toThrow(message);
  });

  test("providers are created only in the scope given to connect", () => {
    const { stack, site } = existing({ kubeconfigPath: "/k" });
    const { kubernetes, helm } = site.connect(stack, "k8s");
    expect(kubernetes).toBeInstanceOf(KubernetesProvider);
    expect(kubernetes.node.path).toBe("onprem-platform/k8s/kubernetes");
    expect(helm.node.path).toBe("onprem-platform/k8s/helm");
  });
});
