/**
 * The whole interconnect for 3 sites x 3 pods, built the way the staged app builds it (pki,
 * platform, database and links stacks, values crossing stacks as references) and
 * synthesized by a real cdktf App.
 */
import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { podNames, remotePodNames, statefulSetName } from "../../lib/core/naming";
import { CockroachStatefulSet } from "../../lib/database";
import {
  SkupperController,
  SkupperLink,
  SkupperPodExposure,
  SkupperRouterServiceTemplate,
  SkupperRouterSizing,
  SkupperSite,
  SkupperSiteCa,
  SkupperSiteCaSecret,
  planLinks,
  validateMesh,
} from "../../lib/skupper";
import { crdTest, skupperCrds } from "./crd-validator";
import { Synth, manifests, manifestsOfKind, ofType } from "./synth";

const SITES = ["aws", "gcp", "azure"];
const PODS_PER_SITE = 3;
const DATABASE_SITES = SITES.map((siteName) => ({ siteName, statefulSetName: statefulSetName("crdb", siteName), replicas: PODS_PER_SITE }));
const pods = (site: string) => podNames(statefulSetName("crdb", site), PODS_PER_SITE);

function buildApp(): App {
  const app = Testing.app();
  validateMesh(SITES.map((siteName) => ({ siteName, namespace: "cockroachdb", podNames: pods(siteName) })));
  const links = planLinks(SITES);

  const pki = new TerraformStack(app, "pki");
  const tls = new TlsProvider(pki, "tls", {});
  const cas = Object.fromEntries(SITES.map((s) => [s, new SkupperSiteCa(pki, `skupper-ca-${s}`, { provider: tls, siteName: s })]));
  const credentials = links.map((l) => cas[l.to].issueLinkClientCertificate(`link-${l.from}-${l.to}`, { dialingSite: l.from }));

  const sites: Record<string, SkupperSite> = {};
  for (const s of SITES) {
    const platform = new TerraformStack(app, `${s}-platform`);
    const kubernetes = new KubernetesProvider(platform, "kubernetes", {});
    const controller = new SkupperController(platform, "skupper", { provider: new HelmProvider(platform, "helm", {}) });
    new SkupperRouterSizing(platform, "sizing", { provider: kubernetes, controllerNamespace: controller.namespace });
    new SkupperSiteCaSecret(platform, "site-ca", { provider: kubernetes, caCertPem: cas[s].certPem, caPrivateKeyPem: cas[s].privateKeyPem });
    new SkupperRouterServiceTemplate(platform, "lb", {
      provider: kubernetes,
      annotations: s === "aws" ? { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } : {},
    });

    const database = new TerraformStack(app, `${s}-database`);
    const dbKubernetes = new KubernetesProvider(database, "kubernetes", {});
    sites[s] = new SkupperSite(database, "skupper-site", { provider: dbKubernetes, siteName: s });
    const cockroach = new CockroachStatefulSet(database, "cockroachdb", {
      provider: dbKubernetes,
      siteName: s,
      sites: DATABASE_SITES,
      locality: { cloud: s, region: "region-1" },
    });
    new SkupperPodExposure(database, "pods", {
      provider: dbKubernetes,
      localPods: cockroach.podNames,
      remotePods: remotePodNames(DATABASE_SITES, s),
      localServiceNames: cockroach.serviceNames,
    });
  }
  for (const s of SITES) {
    const stack = new TerraformStack(app, `${s}-links`);
    const kubernetes = new KubernetesProvider(stack, "kubernetes", {});
    links.forEach((l, i) => {
      if (l.from !== s) return;
      new SkupperLink(stack, `to-${l.to}`, {
        provider: kubernetes,
        fromSite: l.from,
        toSite: l.to,
        clientCertPem: credentials[i].certPem,
        clientPrivateKeyPem: credentials[i].privateKeyPem,
        targetCaCertPem: cas[l.to].certPem,
        targetLinkEndpoints: sites[l.to].linkEndpoints,
      });
    });
  }
  app.synth();
  return app;
}

describe("3 sites x 3 pods", () => {
  const app = buildApp();
  const stack = (name: string): Synth => JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  const all = (suffix: string) => SITES.map((s) => stack(`${s}-${suffix}`));
  afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

  test("3 links from planLinks, one Link and one link Secret each", () => {
    expect(planLinks(SITES)).toHaveLength(3);
    const linkObjects = all("links").flatMap((out) => manifestsOfKind(out, "Link"));
    expect(linkObjects).toHaveLength(3);
    const secrets = all("links").flatMap((out) => Object.values(ofType(out, "kubernetes_secret_v1")));
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) {
      expect(secret.type).toBe("kubernetes.io/tls");
      expect(Object.keys(secret.data as object).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    }
  });

  crdTest("every Skupper object validates against the CRDs; only the Links' endpoints are left to Terraform", () => {
    const objects = [...all("database"), ...all("links")].flatMap(manifests);
    expect(objects).toHaveLength(3 * (1 + 3 + 6) + 3);
    for (const object of objects) {
      const { errors, skipped } = skupperCrds().validate(object);
      expect(errors).toEqual([]);
      expect(skipped).toEqual(object.kind === "Link" ? ["spec.endpoints"] : []);
    }
  });

  test("each site has exactly 3 Connectors and 6 Listeners", () => {
    for (const out of all("database")) {
      expect(manifestsOfKind(out, "Connector")).toHaveLength(3);
      expect(manifestsOfKind(out, "Listener")).toHaveLength(6);
      expect(manifestsOfKind(out, "Site")).toHaveLength(1);
    }
  });

  test("every pod name resolves in every site: a local Service or a Listener, never both", () => {
    // Judged on what the database stacks synthesize: their StatefulSets and Services.
    const statefulSets = all("database").flatMap((out) => Object.values(ofType(out, "kubernetes_stateful_set_v1")));
    expect(statefulSets).toHaveLength(SITES.length);
    const allPods = statefulSets.flatMap((sts) => {
      const { metadata, spec } = sts as { metadata: { name: string }; spec: { replicas: string } };
      return podNames(metadata.name, Number(spec.replicas));
    });
    expect(allPods).toHaveLength(SITES.length * PODS_PER_SITE);
    SITES.forEach((s, i) => {
      const serviceNames = Object.values(ofType(all("database")[i], "kubernetes_service_v1")).map((svc) => (svc.metadata as { name: string }).name);
      expect(serviceNames).toContain("cockroachdb-public");
      const listenerHosts = manifestsOfKind(all("database")[i], "Listener").map((l) => l.spec.host as string);
      // A Listener named like any local Service (pod, headless or public) would take it over.
      expect(listenerHosts.filter((host) => serviceNames.includes(host))).toEqual([]);
      for (const pod of allPods) {
        const local = serviceNames.includes(pod);
        const listened = listenerHosts.filter((h) => h === pod).length;
        expect([pod, local || listened === 1]).toEqual([pod, true]);
        expect([pod, local && listened > 0]).toEqual([pod, false]);
      }
      // Connectors select exactly the local pods, routed under their own names.
      const connectors = manifestsOfKind(all("database")[i], "Connector");
      expect(connectors.map((c) => c.spec.routingKey).sort()).toEqual(pods(s).sort());
    });
  });

  test("every Link's endpoints come from its target's database stack, and credentials from the pki stack", () => {
    for (const [from, out] of SITES.map((s, i) => [s, all("links")[i]] as const)) {
      for (const link of manifestsOfKind(out, "Link")) {
        const to = link.metadata.name.replace(/^link-to-/, "");
        expect(planLinks(SITES)).toContainEqual({ from, to });
        expect(link.spec.endpoints).toMatch(/^\$\{\[ for key, val in jsondecode\(data\.terraform_remote_state\.cross-stack-reference-input-[\w-]+\.outputs\.[\w-]+\): val if val\.group == "skupper-router"\]\}$/);
      }
      const remote = Object.values(ofType(out, "terraform_remote_state", "data"));
      const sources = remote.map((r) => ((r.config as { path: string }).path ?? "").match(/terraform\.([\w-]+)\.tfstate/)?.[1]);
      const targets = planLinks(SITES).filter((l) => l.from === from).map((l) => `${l.to}-database`);
      expect(sources.sort()).toEqual([...(targets.length > 0 ? ["pki"] : []), ...targets].sort());
    }
  });

  test("each platform stack carries the site's own CA, CN matched in the pki stack", () => {
    const pki = stack("pki");
    const cns = Object.values(ofType(pki, "tls_self_signed_cert")).map((c) => (c.subject as Array<{ common_name: string }>)[0].common_name);
    expect(cns.sort()).toEqual(SITES.map((s) => `${s} site CA`).sort());
    for (const out of all("platform")) {
      const [secret] = Object.values(ofType(out, "kubernetes_secret_v1"));
      expect(secret.metadata).toEqual({ name: "skupper-site-ca", namespace: "cockroachdb" });
      expect(secret.type).toBe("kubernetes.io/tls");
      expect(Object.keys(secret.data as object).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    }
    expect(Object.values(ofType(pki, "tls_locally_signed_cert"))).toHaveLength(3);
  });
});
