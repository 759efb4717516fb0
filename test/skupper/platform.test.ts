import {
  LOAD_BALANCER_SOURCE_RANGES_ANNOTATION,
  SkupperController,
  type SkupperControllerProps,
  SkupperRouterServiceTemplate,
  SkupperRouterSizing,
  SkupperSiteCaSecret,
} from "../../lib/skupper";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ofType, synth } from "./synth";

type Resource = Record<string, unknown>;
const values = (release: Resource) => JSON.parse((release.values as string[])[0]);

describe("SkupperController", () => {
  test("installs the 2.2.1 OCI chart, namespace scope in the site namespace, local default access, pinned images", () => {
    const out = synth((scope, p) => {
      const controller = new SkupperController(scope, "skupper", { provider: p.helm });
      expect(controller).toMatchObject({ scope: "namespace", namespace: "cockroachdb" });
    });
    const [release] = Object.values(ofType(out, "helm_release"));
    expect(release).toMatchObject({
      name: "skupper",
      repository: "oci://quay.io/skupper/helm",
      chart: "skupper",
      version: "2.2.1",
      namespace: "cockroachdb",
      // The site namespace holds the user's Secrets: it must exist before, and outlive, the release.
      create_namespace: false,
      wait: true,
    });
    expect(values(release)).toEqual({
      scope: "namespace",
      controllerImage: "quay.io/skupper/controller:2.2.1",
      kubeAdaptorImage: "quay.io/skupper/kube-adaptor:2.2.1",
      routerImage: "quay.io/skupper/skupper-router:3.5.1",
      enabledAccessTypes: "local,loadbalancer",
      defaultAccessType: "local",
    });
  });

  test("cluster scope on request: its own namespace, created by Helm", () => {
    const out = synth((scope, p) => {
      const controller = new SkupperController(scope, "skupper", { provider: p.helm, scope: "cluster" });
      expect(controller.namespace).toBe("skupper");
    });
    const [release] = Object.values(ofType(out, "helm_release"));
    expect(release).toMatchObject({ namespace: "skupper", create_namespace: true });
    expect(values(release).scope).toBe("cluster");
  });

  test("installs into the namespace it is given by reference, after that namespace exists", () => {
    const out = synth((scope, p) => {
      const namespace = new NamespaceV1(scope, "ns", { provider: p.kubernetes, metadata: { name: "crdb" } });
      new SkupperController(scope, "skupper", { provider: p.helm, namespace: namespace.metadata.name });
    });
    const [release] = Object.values(ofType(out, "helm_release"));
    expect(release.namespace).toBe("${kubernetes_namespace_v1.ns.metadata[0].name}");
  });

  test("rejects a scope the chart does not know (it would render no controller at all)", () => {
    expect(() => synth((scope, p) => new SkupperController(scope, "s", { provider: p.helm, scope: "Namespace" as "namespace" }))).toThrow(
      'scope: invalid value "Namespace". Use "namespace" or "cluster".',
    );
  });

  test("takes mirrored images and another namespace", () => {
    const out = synth((scope, p) => {
      const c = new SkupperController(scope, "skupper", {
        provider: p.helm,
        namespace: "skupper-system",
        controllerImage: "registry.example.com/skupper/controller@sha256:" + "a".repeat(64),
      });
      expect(c.namespace).toBe("skupper-system");
    });
    const [release] = Object.values(ofType(out, "helm_release"));
    expect(release.namespace).toBe("skupper-system");
    expect(values(release).controllerImage).toBe(`registry.example.com/skupper/controller@sha256:${"a".repeat(64)}`);
  });

  test.each([
    ["quay.io/skupper/controller:latest"],
    ["quay.io/skupper/controller"],
    ["localhost:5000/skupper/controller"],
    ["quay.io/skupper/controller: 2.2.1"],
  ])("rejects the unpinned image %j", (image) => {
    expect(() => synth((scope, p) => new SkupperController(scope, "s", { provider: p.helm, controllerImage: image }))).toThrow(
      `controllerImage: invalid value ${JSON.stringify(image)}. Pin a release with a version tag or an @sha256 digest`,
    );
  });

  test("enables the Site's link access: nodeport with the cluster host, route", () => {
    const release = (props: Partial<SkupperControllerProps>) =>
      values(Object.values(ofType(synth((scope, p) => new SkupperController(scope, "skupper", { provider: p.helm, ...props })), "helm_release"))[0]);
    expect(release({ linkAccess: "nodeport", clusterHost: "192.0.2.10" })).toMatchObject({
      enabledAccessTypes: "local,loadbalancer,nodeport",
      defaultAccessType: "local",
      clusterHost: "192.0.2.10",
    });
    expect(release({ linkAccess: "route" }).enabledAccessTypes).toBe("local,loadbalancer,route");
    const none = release({ linkAccess: "none" });
    expect(none.enabledAccessTypes).toBe("local,loadbalancer");
    expect(none).not.toHaveProperty("clusterHost");
  });

  test.each<[Partial<SkupperControllerProps>, string]>([
    [{ linkAccess: "nodeport" }, 'clusterHost: invalid value undefined. linkAccess "nodeport" needs the address peers dial'],
    [{ linkAccess: "route", clusterHost: "192.0.2.10" }, 'clusterHost: invalid value "192.0.2.10". Only linkAccess "nodeport" uses a cluster host (this is "route"); remove clusterHost.'],
    [{ linkAccess: "nodeport", clusterHost: "node_1" }, 'clusterHost: invalid value "node_1". Use an RFC 1123 subdomain'],
  ])("rejects the link access %j", (props, message) => {
    expect(() => synth((scope, p) => new SkupperController(scope, "s", { provider: p.helm, ...props }))).toThrow(message);
  });

  test("rejects a bad namespace and a short timeout", () => {
    expect(() => synth((scope, p) => new SkupperController(scope, "s", { provider: p.helm, namespace: "Skupper" }))).toThrow(
      'namespace: invalid value "Skupper".',
    );
    expect(() => synth((scope, p) => new SkupperController(scope, "s", { provider: p.helm, timeoutMinutes: 0 }))).toThrow(
      "timeoutMinutes: invalid value 0. Use a whole number of minutes between 1 and 1440.",
    );
  });
});

describe("SkupperRouterSizing", () => {
  test("a sizing ConfigMap in the controller namespace, 2 CPU and 1-2 GiB by default", () => {
    const out = synth((scope, p) => {
      const sizing = new SkupperRouterSizing(scope, "sizing", { provider: p.kubernetes, controllerNamespace: "skupper" });
      expect(sizing.sizingName).toBe("cockroachdb");
    });
    const [cm] = Object.values(ofType(out, "kubernetes_config_map_v1"));
    expect(cm.metadata).toEqual({ name: "skupper-sizing-cockroachdb", namespace: "skupper", labels: { "skupper.io/site-sizing": "cockroachdb" } });
    expect(cm.data).toEqual({
      "router-cpu-request": "2",
      "router-cpu-limit": "2",
      "router-memory-request": "1Gi",
      "router-memory-limit": "2Gi",
    });
  });

  test("is configurable", () => {
    const out = synth(
      (scope, p) =>
        new SkupperRouterSizing(scope, "sizing", {
          provider: p.kubernetes,
          controllerNamespace: "skupper",
          name: "large",
          routerCpuRequest: "4",
          routerCpuLimit: "4",
          routerMemoryRequest: "4Gi",
          routerMemoryLimit: "4Gi",
        }),
    );
    const [cm] = Object.values(ofType(out, "kubernetes_config_map_v1"));
    expect((cm.metadata as Resource).labels).toEqual({ "skupper.io/site-sizing": "large" });
    expect(cm.data).toMatchObject({ "router-cpu-request": "4", "router-memory-limit": "4Gi" });
  });

  test.each([
    [{ routerCpuRequest: "3" }, 'routerCpuRequest: invalid value "3". It exceeds routerCpuLimit (2); a request may not exceed its limit.'],
    [{ routerMemoryRequest: "3Gi" }, 'routerMemoryRequest: invalid value "3Gi". It exceeds routerMemoryLimit (2Gi)'],
    [{ routerCpuLimit: "two" }, 'routerCpuLimit: invalid value "two". Use a positive Kubernetes CPU quantity'],
    [{ routerMemoryLimit: "2GB" }, 'routerMemoryLimit: invalid value "2GB". Use a positive Kubernetes memory quantity'],
    [{ name: "Large" }, 'name: invalid value "Large".'],
  ])("rejects %j", (props, message) => {
    expect(() =>
      synth((scope, p) => new SkupperRouterSizing(scope, "s", { provider: p.kubernetes, controllerNamespace: "skupper", ...props })),
    ).toThrow(message);
  });
});

describe("SkupperSiteCaSecret", () => {
  test("Secret skupper-site-ca, kubernetes.io/tls, with tls.crt, tls.key and ca.crt = the CA", () => {
    const out = synth(
      (scope, p) => new SkupperSiteCaSecret(scope, "ca", { provider: p.kubernetes, caCertPem: "CERT", caPrivateKeyPem: "KEY" }),
    );
    const [secret] = Object.values(ofType(out, "kubernetes_secret_v1"));
    expect(secret.metadata).toEqual({ name: "skupper-site-ca", namespace: "cockroachdb" });
    expect(secret.type).toBe("kubernetes.io/tls");
    expect(secret.data).toEqual({ "tls.crt": "CERT", "tls.key": "KEY", "ca.crt": "CERT" });
  });
});

test("a namespace token orders the platform objects after the namespace", () => {
  const out = synth((scope, p) => {
    const ns = new NamespaceV1(scope, "ns", { provider: p.kubernetes, metadata: { name: "cockroachdb" } });
    const namespace = ns.metadata.name;
    new SkupperSiteCaSecret(scope, "ca", { provider: p.kubernetes, namespace, caCertPem: "C", caPrivateKeyPem: "K" });
    new SkupperRouterServiceTemplate(scope, "lb", { provider: p.kubernetes, namespace });
  });
  const [nsId] = Object.keys(ofType(out, "kubernetes_namespace_v1"));
  const namespaces = [...Object.values(ofType(out, "kubernetes_secret_v1")), ...Object.values(ofType(out, "kubernetes_config_map_v1"))].map(
    (r) => (r.metadata as Resource).namespace,
  );
  expect(namespaces).toEqual(Array(3).fill(`\${kubernetes_namespace_v1.${nsId}.metadata[0].name}`));
});

describe("SkupperRouterServiceTemplate", () => {
  const eks = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };

  test("label templates for both router Services carry the annotations and source ranges", () => {
    const out = synth(
      (scope, p) =>
        new SkupperRouterServiceTemplate(scope, "lb", {
          provider: p.kubernetes,
          annotations: eks,
          loadBalancerSourceRanges: ["198.51.100.7/32", "203.0.113.0/24"],
        }),
    );
    const cms = Object.values(ofType(out, "kubernetes_config_map_v1"));
    expect(cms.map((cm) => cm.data)).toHaveLength(2);
    expect(cms.map((cm) => cm.data)).toEqual(expect.arrayContaining([
      { kind: "Service", name: "skupper-router" },
      { kind: "Service", name: "skupper-router-2" },
    ]));
    for (const cm of cms) {
      expect(cm.metadata).toMatchObject({
        namespace: "cockroachdb",
        labels: { "skupper.io/label-template": "true" },
        annotations: { ...eks, [LOAD_BALANCER_SOURCE_RANGES_ANNOTATION]: "198.51.100.7/32,203.0.113.0/24" },
      });
    }
  });

  test.each([
    [{ loadBalancerSourceRanges: [] }, "loadBalancerSourceRanges: invalid value []. Give at least one CIDR"],
    [{ loadBalancerSourceRanges: ["10.0.0.1/8"] }, 'loadBalancerSourceRanges[0]: invalid value "10.0.0.1/8". The address has bits set'],
    [{ loadBalancerSourceRanges: ["any"] }, 'loadBalancerSourceRanges[0]: invalid value "any". Use an IPv4 CIDR block'],
    [
      { annotations: { [LOAD_BALANCER_SOURCE_RANGES_ANNOTATION]: "0.0.0.0/0" }, loadBalancerSourceRanges: ["10.0.0.0/8"] },
      `loadBalancerSourceRanges: invalid value ["10.0.0.0/8"]. annotations already sets ${LOAD_BALANCER_SOURCE_RANGES_ANNOTATION}`,
    ],
    [{ annotations: { "bad key!": "x" } }, 'annotations["bad key!"]: invalid value "bad key!". Use a Kubernetes annotation key'],
  ])("rejects %j", (props, message) => {
    expect(() => synth((scope, p) => new SkupperRouterServiceTemplate(scope, "lb", { provider: p.kubernetes, ...props }))).toThrow(message);
  });
});
