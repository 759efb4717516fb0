import { TerraformOutput } from "cdktf";
import { remotePodNames } from "../../lib/core/naming";
import { CockroachStatefulSet } from "../../lib/database";
import { SkupperPodExposure, SkupperSite } from "../../lib/skupper";
import { crdTest, skupperCrds } from "./crd-validator";
import { manifests, manifestsOfKind, ofType, synth } from "./synth";

describe("SkupperSite", () => {
  const site = (ha?: boolean) =>
    synth((scope, p) => {
      const s = new SkupperSite(scope, "site", { provider: p.kubernetes, siteName: "aws", ha });
      new TerraformOutput(scope, "endpoints", { value: s.linkEndpoints });
    });

  test("a Site with explicit loadbalancer link access and the router sizing", () => {
    const out = site();
    const [m] = manifestsOfKind(out, "Site");
    expect(m).toEqual({
      apiVersion: "skupper.io/v2alpha1",
      kind: "Site",
      metadata: { name: "aws", namespace: "cockroachdb" },
      spec: { linkAccess: "loadbalancer", ha: false, settings: { size: "cockroachdb" } },
    });
  });

  crdTest("the Site, plain and HA, is valid against the CRD", () => {
    for (const ha of [false, true]) {
      const [m] = manifestsOfKind(site(ha), "Site");
      expect(skupperCrds().validate(m)).toEqual({ errors: [], skipped: [] });
    }
  });

  test("waits until Ready, and for HA until both router groups have endpoints", () => {
    const [plain] = Object.values(ofType(site(), "kubernetes_manifest"));
    expect(plain.wait).toEqual({ fields: { "status.status": "^Ready$" } });
    expect(plain.timeouts).toEqual({ create: "10m", update: "10m", delete: "2m" });
    const [ha] = Object.values(ofType(site(true), "kubernetes_manifest"));
    expect((ha.manifest as { spec: { ha: boolean } }).spec.ha).toBe(true);
    expect(ha.wait).toEqual({ fields: { "status.status": "^Ready$", "status.endpoints[3].host": "^.+$" } });
  });

  test("reads the live Site back after it is Ready and exposes its endpoints as a JSON string", () => {
    const out = site();
    const [siteId] = Object.keys(ofType(out, "kubernetes_manifest"));
    const data = ofType(out, "kubernetes_resource", "data");
    const [[dataId, live]] = Object.entries(data);
    expect(live).toMatchObject({
      api_version: "skupper.io/v2alpha1",
      kind: "Site",
      metadata: { name: "aws", namespace: "cockroachdb" },
      depends_on: [`kubernetes_manifest.${siteId}`],
    });
    const [[localId, expression]] = Object.entries(out.locals ?? {});
    expect(expression).toBe(`\${jsonencode(data.kubernetes_resource.${dataId}.object.status.endpoints)}`);
    expect(out.output?.endpoints.value).toBe(`\${local.${localId}}`);
  });

  crdTest.each(["nodeport", "route", "none"] as const)("a Site with linkAccess %s is valid against the CRD", (linkAccess) => {
    const [m] = manifestsOfKind(
      synth((scope, p) => {
        new SkupperSite(scope, "site", { provider: p.kubernetes, siteName: "dc1", linkAccess, ha: true });
      }),
      "Site",
    );
    expect(skupperCrds().validate(m)).toEqual({ errors: [], skipped: [] });
  });

  test.each(["nodeport", "route", "none"] as const)("linkAccess %s is what the Site asks for", (linkAccess) => {
    const out = synth((scope, p) => {
      const s = new SkupperSite(scope, "site", { provider: p.kubernetes, siteName: "dc1", linkAccess, ha: true });
      expect(s.linkAccess).toBe(linkAccess);
      new TerraformOutput(scope, "endpoints", { value: s.linkEndpoints });
    });
    const [m] = manifestsOfKind(out, "Site");
    expect(m.spec).toEqual({ linkAccess, ha: true, settings: { size: "cockroachdb" } });
    const [resource] = Object.values(ofType(out, "kubernetes_manifest"));
    if (linkAccess === "none") {
      // No endpoints are ever published: Ready is Configured + Running, and nobody dials it.
      expect(resource.wait).toEqual({ fields: { "status.status": "^Ready$" } });
      expect(Object.values(out.locals ?? {})).toEqual(["[]"]);
    } else {
      expect(resource.wait).toEqual({ fields: { "status.status": "^Ready$", "status.endpoints[3].host": "^.+$" } });
    }
  });

  test.each([
    [{ siteName: "aws", linkAccess: "ingress" as never }, 'linkAccess: invalid value "ingress". Use one of "loadbalancer", "nodeport", "route", "none".'],
    [{ siteName: "a".repeat(57) }, `siteName: invalid value "${"a".repeat(57)}". The site CA's common name`],
    [{ siteName: "aws", namespace: "CockroachDB" }, 'namespace: invalid value "CockroachDB".'],
    [{ siteName: "aws", routerSizing: "Big" }, 'routerSizing: invalid value "Big".'],
    [{ siteName: "aws", readyTimeoutMinutes: 1.5 }, "readyTimeoutMinutes: invalid value 1.5. Use a whole number of minutes between 1 and 1440."],
    [{ siteName: "aws", deleteTimeoutMinutes: -2 }, "deleteTimeoutMinutes: invalid value -2. Use a whole number of minutes between 1 and 1440."],
  ])("rejects %j", (props, message) => {
    expect(() => synth((scope, p) => new SkupperSite(scope, "s", { provider: p.kubernetes, ...props }))).toThrow(message);
  });
});

describe("SkupperPodExposure", () => {
  // The local names come from the database construct itself, so the takeover guard is
  // tested against the Services really deployed next to it.
  const sites = [
    { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
    { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 2 },
    { siteName: "azure", statefulSetName: "crdb-azure", replicas: 1 },
  ];
  let database!: CockroachStatefulSet;
  synth((scope, p) => {
    database = new CockroachStatefulSet(scope, "db", { provider: p.kubernetes, siteName: "aws", sites, locality: { cloud: "aws", region: "us-west-2" } });
  });
  const local = database.podNames;
  const services = database.serviceNames;
  const remote = remotePodNames(sites, "aws");
  const exposure = (props: Partial<ConstructorParameters<typeof SkupperPodExposure>[2]> = {}) =>
    synth(
      (scope, p) =>
        new SkupperPodExposure(scope, "pods", {
          provider: p.kubernetes,
          localPods: local,
          remotePods: remote,
          localServiceNames: services,
          ...props,
        }),
    );

  test("a Connector per local pod and a Listener per remote pod", () => {
    const out = exposure();
    const connectors = manifestsOfKind(out, "Connector");
    const listeners = manifestsOfKind(out, "Listener");
    expect(connectors.map((c) => c.metadata.name).sort()).toEqual([...local].sort());
    expect(listeners.map((l) => l.metadata.name).sort()).toEqual([...remote].sort());
    for (const c of connectors) {
      expect(c.spec).toEqual({
        routingKey: c.metadata.name,
        selector: `statefulset.kubernetes.io/pod-name=${c.metadata.name}`,
        port: 26257,
        includeNotReadyPods: true,
      });
    }
    for (const l of listeners) expect(l.spec).toEqual({ routingKey: l.metadata.name, host: l.metadata.name, port: 26257 });
  });

  crdTest("each Connector and Listener is valid against its CRD", () => {
    const objects = manifests(exposure());
    expect(objects.length).toBeGreaterThan(0);
    for (const m of objects) expect(skupperCrds().validate(m)).toEqual({ errors: [], skipped: [] });
  });

  test("the inputs are what the database site deploys", () => {
    expect(local).toEqual(["crdb-aws-0", "crdb-aws-1", "crdb-aws-2"]);
    expect([...services].sort()).toEqual(["cockroachdb-public", "crdb-aws", "crdb-aws-0", "crdb-aws-1", "crdb-aws-2"]);
    expect(remote).toEqual(["crdb-gcp-0", "crdb-gcp-1", "crdb-azure-0"]);
  });

  test("fails when a Listener would take over a local Service", () => {
    expect(() => exposure({ localServiceNames: [...services, "crdb-gcp-1"] })).toThrow(
      'remotePods[1]: invalid value "crdb-gcp-1". A Service of that name exists in this namespace (localServiceNames) and the Listener would take it over',
    );
    for (const service of ["cockroachdb-public", "crdb-aws"]) {
      expect(() => exposure({ remotePods: [...remote, service] })).toThrow(
        `remotePods[3]: invalid value ${JSON.stringify(service)}. A Service of that name exists in this namespace (localServiceNames)`,
      );
    }
  });

  test.each([
    [{ remotePods: [...remote, "crdb-aws-2"] }, 'remotePods[3]: invalid value "crdb-aws-2". It is also in localPods; a pod lives in exactly one site.'],
    [{ localPods: ["crdb-aws-0", "crdb-aws-0"] }, 'localPods[1]: invalid value "crdb-aws-0". List each pod once; localPods[0] already uses it.'],
    [{ remotePods: ["crdb_gcp_0"] }, 'remotePods[0]: invalid value "crdb_gcp_0". Use an RFC 1123 label'],
    [{ port: 0 }, "port: invalid value 0. Use a whole number between 1 and 65535."],
  ])("rejects %j", (props, message) => {
    expect(() => exposure(props)).toThrow(message);
  });
});
