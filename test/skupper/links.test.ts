import { TerraformVariable } from "cdktf";
import { SkupperLink, SkupperLinkProps } from "../../lib/skupper";
import { crdTest, skupperCrds } from "./crd-validator";
import { manifestsOfKind, ofType, synth } from "./synth";

const endpoint = (name: string, port: string, host: string, group: string) => ({ name, host, port, group });
const haEndpoints = [
  endpoint("inter-router", "55671", "a.elb.example.com", "skupper-router"),
  endpoint("edge", "45671", "a.elb.example.com", "skupper-router"),
  endpoint("inter-router", "55671", "b.elb.example.com", "skupper-router-2"),
  endpoint("edge", "45671", "b.elb.example.com", "skupper-router-2"),
];

const byName = <T extends { metadata: { name: string } }>(objects: T[]): T[] =>
  [...objects].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

function link(props: Partial<SkupperLinkProps> = {}) {
  return synth(
    (scope, p) =>
      new SkupperLink(scope, "aws-to-gcp", {
        provider: p.kubernetes,
        fromSite: "aws",
        toSite: "gcp",
        clientCertPem: "CLIENT-CERT",
        clientPrivateKeyPem: "CLIENT-KEY",
        targetCaCertPem: "GCP-CA",
        targetLinkEndpoints: JSON.stringify(haEndpoints.slice(0, 2)),
        ...props,
      }),
  );
}

describe("SkupperLink", () => {
  test("a kubernetes.io/tls Secret with the client certificate and the target's CA", () => {
    const [secret] = Object.values(ofType(link(), "kubernetes_secret_v1"));
    expect(secret.metadata).toEqual({ name: "link-to-gcp", namespace: "cockroachdb" });
    expect(secret.type).toBe("kubernetes.io/tls");
    expect(secret.data).toEqual({ "tls.crt": "CLIENT-CERT", "tls.key": "CLIENT-KEY", "ca.crt": "GCP-CA" });
  });

  test("a Link with the target's endpoints (port as a string), after its Secret, waited on until Ready", () => {
    const out = link({ cost: 3 });
    const links = manifestsOfKind(out, "Link");
    expect(links).toEqual([
      {
        apiVersion: "skupper.io/v2alpha1",
        kind: "Link",
        metadata: { name: "link-to-gcp", namespace: "cockroachdb" },
        spec: { tlsCredentials: "link-to-gcp", cost: 3, endpoints: haEndpoints.slice(0, 2) },
      },
    ]);
    const [secretId] = Object.keys(ofType(out, "kubernetes_secret_v1"));
    const [resource] = Object.values(ofType(out, "kubernetes_manifest"));
    expect(resource.depends_on).toEqual([`kubernetes_secret_v1.${secretId}`]);
    expect(resource.wait).toEqual({ fields: { "status.status": "^Ready$" } });
  });

  test("without waiting, when asked", () => {
    const [resource] = Object.values(ofType(link({ waitForReady: false }), "kubernetes_manifest"));
    expect(resource.wait).toBeUndefined();
  });

  test("one Link per router group of an HA target, each with only its group's endpoints", () => {
    const links = byName(manifestsOfKind(link({ targetHa: true, targetLinkEndpoints: JSON.stringify(haEndpoints) }), "Link"));
    expect(links.map((l) => [l.metadata.name, l.spec.tlsCredentials, l.spec.endpoints])).toEqual([
      ["link-to-gcp", "link-to-gcp", haEndpoints.slice(0, 2)],
      ["link-to-gcp-2", "link-to-gcp", haEndpoints.slice(2)],
    ]);
  });

  crdTest("plain and per-group Links validate against the Link CRD", () => {
    const links = [...manifestsOfKind(link({ cost: 3 }), "Link"), ...manifestsOfKind(link({ targetHa: true, targetLinkEndpoints: JSON.stringify(haEndpoints) }), "Link")];
    expect(links).toHaveLength(3);
    for (const l of links) expect(skupperCrds().validate(l)).toEqual({ errors: [], skipped: [] });
  });

  const linksWithEndpointsFromAnotherStack = () => {
    const out = synth((scope, p) => {
      const endpoints = new TerraformVariable(scope, "gcp_endpoints", { type: "string" });
      new SkupperLink(scope, "aws-to-gcp", {
        provider: p.kubernetes,
        fromSite: "aws",
        toSite: "gcp",
        clientCertPem: "C",
        clientPrivateKeyPem: "K",
        targetCaCertPem: "CA",
        targetLinkEndpoints: endpoints.stringValue,
        targetHa: true,
      });
    });
    return byName(manifestsOfKind(out, "Link"));
  };

  test("endpoints from another stack become a per-group filter evaluated by Terraform", () => {
    const links = linksWithEndpointsFromAnotherStack();
    expect(links.map((l) => l.spec.endpoints)).toEqual([
      '${[ for key, val in jsondecode(var.gcp_endpoints): val if val.group == "skupper-router"]}',
      '${[ for key, val in jsondecode(var.gcp_endpoints): val if val.group == "skupper-router-2"]}',
    ]);
  });

  crdTest("such Links validate against the CRD with only their endpoints left to Terraform", () => {
    for (const l of linksWithEndpointsFromAnotherStack()) expect(skupperCrds().validate(l)).toEqual({ errors: [], skipped: ["spec.endpoints"] });
  });

  test.each([
    [{ toSite: "aws" }, 'toSite: invalid value "aws". A site does not link to itself'],
    [{ cost: 0 }, "cost: invalid value 0. Use a whole number >= 1."],
    [{ targetLinkEndpoints: "not json" }, 'targetLinkEndpoints: invalid value "not json". Give a JSON list of {"name","host","port","group"}'],
    [
      { targetLinkEndpoints: JSON.stringify([{ ...haEndpoints[0], port: 55671 }]) },
      "targetLinkEndpoints: invalid value \"[{\\\"name\\\":\\\"inter-router\\\"",
    ],
    [
      { targetHa: true },
      'No "inter-router" endpoint for router group "skupper-router-2"; copy toSite\'s Site.status.endpoints once it is Ready (targetHa must match toSite\'s ha).',
    ],
    [{ fromSite: "AWS" }, 'fromSite: invalid value "AWS".'],
    [{ readyTimeoutMinutes: 0 }, "readyTimeoutMinutes: invalid value 0. Use a whole number of minutes between 1 and 1440."],
  ])("rejects %j", (props, message) => {
    expect(() => link(props)).toThrow(message);
  });
});
