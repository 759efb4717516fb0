import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { X509Certificate } from "crypto";
import * as tls from "tls";
import { ClientCertificate, ClusterCa, CockroachCertsSecret, CockroachStatefulSet, DEFAULT_PUBLIC_SERVICE, NodeCertificate } from "../../lib/database";
import { Json, hasTool, onlyResource, resources, renderedByTerraform, synth } from "./helpers";

describe("ClusterCa, NodeCertificate, ClientCertificate", () => {
  const json = synth((stack, p) => {
    const ca = new ClusterCa(stack, "ca", { provider: p.tls });
    new NodeCertificate(stack, "node-aws", { provider: p.tls, ca });
    new ClientCertificate(stack, "root", { provider: p.tls, ca });
  });

  test("the CA is a self-signed RSA 2048 CA that is never renewed behind the operator's back", () => {
    const ca = onlyResource(json, "tls_self_signed_cert");
    expect(ca.is_ca_certificate).toBe(true);
    expect(ca.allowed_uses).toEqual(expect.arrayContaining(["cert_signing", "digital_signature", "key_encipherment"]));
    expect(ca.early_renewal_hours).toBe(0);
    expect(ca.validity_period_hours).toBe(87600);
    expect(ca.subject).toEqual([{ common_name: "Cockroach CA", organization: "Cockroach" }]);
    for (const key of resources(json, "tls_private_key")) expect(key).toMatchObject({ algorithm: "RSA", rsa_bits: 2048 });
    expect(resources(json, "tls_private_key")).toHaveLength(3);
  });

  test("the node certificate is CN=node with server AND client auth, signed by the CA", () => {
    const requests = resources(json, "tls_cert_request");
    const node = requests.find((r) => r.subject[0].common_name === "node");
    expect(node.dns_names).toEqual([
      "localhost",
      "*.cockroachdb",
      "*.cockroachdb.svc",
      "*.cockroachdb.svc.cluster.local",
      "cockroachdb-public",
    ]);
    expect(node.ip_addresses).toEqual(["127.0.0.1"]);
    const signed = resources(json, "tls_locally_signed_cert");
    const nodeCert = signed.find((c) => c.cert_request_pem.includes("node-aws"));
    expect(nodeCert.allowed_uses.sort()).toEqual(["client_auth", "digital_signature", "key_encipherment", "server_auth"]);
    expect(nodeCert.ca_cert_pem).toMatch(/tls_self_signed_cert\.ca_cert_[A-Z0-9]+\.cert_pem/);
    expect(nodeCert.ca_private_key_pem).toMatch(/tls_private_key\.ca_key_[A-Z0-9]+\.private_key_pem/);
    expect(nodeCert.validity_period_hours).toBe(8760);
    expect(nodeCert.early_renewal_hours).toBe(2160);
  });

  test("the client certificate is CN=root with client auth only", () => {
    const root = resources(json, "tls_cert_request").find((r) => r.subject[0].common_name === "root");
    expect(root.dns_names).toBeUndefined();
    const rootCert = resources(json, "tls_locally_signed_cert").find((c) => c.cert_request_pem.includes("root_csr"));
    expect(rootCert.allowed_uses.sort()).toEqual(["client_auth", "digital_signature", "key_encipherment"]);
  });

  test("certificate files are named as CockroachDB's certs dir expects", () => {
    synth((stack, p) => {
      const ca = new ClusterCa(stack, "ca", { provider: p.tls });
      expect(Object.keys(new NodeCertificate(stack, "n", { provider: p.tls, ca }).files)).toEqual(["node.crt", "node.key"]);
      expect(Object.keys(new ClientCertificate(stack, "c", { provider: p.tls, ca, user: "app_user" }).files)).toEqual([
        "client.app_user.crt",
        "client.app_user.key",
      ]);
    });
  });

  test("bad input is rejected with the field, the value and the fix", () => {
    expect(() =>
      synth((stack, p) => {
        const ca = new ClusterCa(stack, "ca", { provider: p.tls, validityHours: 1000 });
        new NodeCertificate(stack, "n", { provider: p.tls, ca });
      }),
    ).toThrow("validityHours: invalid value 8760. A certificate must not outlast its CA (1000 hours)");
    expect(() =>
      synth((stack, p) => {
        const ca = new ClusterCa(stack, "ca", { provider: p.tls });
        new ClientCertificate(stack, "c", { provider: p.tls, ca, user: "Root" });
      }),
    ).toThrow('user: invalid value "Root". Use a CockroachDB user name');
    expect(() =>
      synth((stack, p) => {
        const ca = new ClusterCa(stack, "ca", { provider: p.tls });
        new ClientCertificate(stack, "c", { provider: p.tls, ca, user: "node" });
      }),
    ).toThrow('user: invalid value "node". The "node" identity belongs to NodeCertificate');
    expect(() =>
      synth((stack, p) => {
        const ca = new ClusterCa(stack, "ca", { provider: p.tls });
        new NodeCertificate(stack, "n", { provider: p.tls, ca, earlyRenewalHours: 43800 });
      }),
    ).toThrow("earlyRenewalHours: invalid value 43800. Use a whole number of hours between 0 and 8759.");
    expect(() =>
      synth((stack, p) => {
        const ca = new ClusterCa(stack, "ca", { provider: p.tls });
        new NodeCertificate(stack, "n", { provider: p.tls, ca, extraDnsNames: ["db.example.com", "Bad_Name"] });
      }),
    ).toThrow('extraDnsNames[1]: invalid value "Bad_Name"');
  });
});

describe("CockroachCertsSecret", () => {
  test("lays a certificate out as a certs dir", () => {
    const json = synth((stack, p) => {
      const ca = new ClusterCa(stack, "ca", { provider: p.tls });
      const node = new NodeCertificate(stack, "node", { provider: p.tls, ca });
      new CockroachCertsSecret(stack, "secret", { provider: p.kubernetes, name: "cockroachdb-node-certs", caCertPem: ca.certPem, certificate: node });
    });
    const secret = onlyResource(json, "kubernetes_secret_v1");
    expect(secret.metadata).toMatchObject({ name: "cockroachdb-node-certs", namespace: "cockroachdb" });
    expect(secret.type).toBe("Opaque");
    expect(Object.keys(secret.data).sort()).toEqual(["ca.crt", "node.crt", "node.key"]);
    expect(secret.data["ca.crt"]).toMatch(/tls_self_signed_cert\.ca_cert_.*\.cert_pem/);
    expect(secret.data["node.crt"]).toMatch(/tls_locally_signed_cert\.node_cert_.*\.cert_pem/);
    expect(secret.data["node.key"]).toMatch(/tls_private_key\.node_key_.*\.private_key_pem/);
  });
});

/**
 * The tls provider cannot run offline, so openssl issues a certificate with exactly the
 * names the construct synthesizes, and Node's TLS hostname check (RFC 6125, as strict as
 * Go's for these names) proves every name a node or client dials is covered.
 */
const describeWithOpenssl = hasTool("openssl") ? describe : describe.skip;
if (!hasTool("openssl")) console.warn("openssl not found: skipping the certificate name coverage check");

/** Issues, with openssl, a certificate carrying exactly the names and usages the construct asked the tls provider for. */
function opensslCertificateLike(request: Json, signed: Json): { peer: tls.PeerCertificate; purposes: string } {
  const san = [...request.dns_names.map((n: string) => `DNS:${n}`), ...request.ip_addresses.map((ip: string) => `IP:${ip}`)].join(",");
  const keyUsage = { digital_signature: "digitalSignature", key_encipherment: "keyEncipherment" } as Record<string, string>;
  const extendedKeyUsage = { server_auth: "serverAuth", client_auth: "clientAuth" } as Record<string, string>;
  const uses: string[] = signed.allowed_uses;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-cert-"));
  const certPath = path.join(dir, "c.pem");
  const run = spawnSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "k.pem"), "-out", certPath, "-days", "1",
      "-subj", `/CN=${request.subject[0].common_name}`,
      "-addext", `subjectAltName=${san}`,
      "-addext", `keyUsage=${uses.filter((u) => keyUsage[u]).map((u) => keyUsage[u]).join(",")}`,
      "-addext", `extendedKeyUsage=${uses.filter((u) => extendedKeyUsage[u]).map((u) => extendedKeyUsage[u]).join(",")}`,
    ],
    { encoding: "utf8" },
  );
  expect(run.status).toBe(0);
  const purposes = spawnSync("openssl", ["x509", "-in", certPath, "-noout", "-purpose"], { encoding: "utf8" }).stdout;
  const cert = new X509Certificate(fs.readFileSync(certPath));
  fs.rmSync(dir, { recursive: true, force: true });
  return { peer: { subject: { CN: request.subject[0].common_name }, subjectaltname: cert.subjectAltName } as unknown as tls.PeerCertificate, purposes };
}

describeWithOpenssl("node certificate names cover every dialled name", () => {
  const namespace = "db";
  const clusterDomain = "example.internal";
  const sitesWith = (gcpReplicas: number) => [
    { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
    { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: gcpReplicas },
    { siteName: "azure", statefulSetName: "crdb-azure", replicas: 3 },
  ];

  /** Every site's database synthesized; the names nodes advertise (one per pod) and join. */
  function dialledNames(sites: ReturnType<typeof sitesWith>): string[] {
    const names = new Set<string>(["localhost", "127.0.0.1", DEFAULT_PUBLIC_SERVICE, `${DEFAULT_PUBLIC_SERVICE}.${namespace}.svc.${clusterDomain}`]);
    for (const site of sites) {
      const json = synth((stack, p) => {
        new CockroachStatefulSet(stack, "db", { provider: p.kubernetes, siteName: site.siteName, sites, namespace, clusterDomain, locality: { cloud: site.siteName, region: "r1" } });
      });
      const join: string = onlyResource(json, "kubernetes_config_map_v1").data.join;
      for (const address of join.split(",")) names.add(address.replace(/:26257$/, ""));
      const script = renderedByTerraform(onlyResource(json, "kubernetes_stateful_set_v1").spec.template.spec.container[0].command[2]);
      const advertise = /--advertise-addr="\$\{POD_NAME\}(\.[^:"]+):26257"/.exec(script);
      expect(advertise).not.toBeNull();
      for (const service of resources(json, "kubernetes_service_v1").filter((s) => s.spec.selector["statefulset.kubernetes.io/pod-name"])) {
        names.add(`${service.metadata.name}${advertise![1]}`);
      }
    }
    return [...names];
  }

  const certificate = synth((stack, p) => {
    const ca = new ClusterCa(stack, "ca", { provider: p.tls });
    new NodeCertificate(stack, "node", { provider: p.tls, ca, namespace, clusterDomain });
  });
  const { peer, purposes } = opensslCertificateLike(onlyResource(certificate, "tls_cert_request"), onlyResource(certificate, "tls_locally_signed_cert"));
  const covered = (host: string) => tls.checkServerIdentity(host, peer) === undefined;

  test("the usages make it a TLS server AND client certificate (nodes dial each other with it)", () => {
    expect(purposes).toContain("SSL server : Yes");
    expect(purposes).toContain("SSL client : Yes");
  });

  test("3 sites x 3 pods: every advertised and joined name is covered", () => {
    const names = dialledNames(sitesWith(3));
    expect(names.filter((n) => n.startsWith("crdb-"))).toHaveLength(9);
    for (const host of names) expect([host, covered(host)]).toEqual([host, true]);
  });

  test("after scaling gcp from 3 to 7 pods, the same certificate still covers every name", () => {
    const names = dialledNames(sitesWith(7));
    expect(names).toContain(`crdb-gcp-6.${namespace}.svc.${clusterDomain}`);
    expect(names.filter((n) => n.startsWith("crdb-"))).toHaveLength(13);
    for (const host of names) expect([host, covered(host)]).toEqual([host, true]);
  });

  test("names outside the namespace or cluster domain are not covered", () => {
    for (const host of ["crdb-aws-0.other.svc.example.internal", "crdb-aws-0.db.svc.cluster.local", "evil.example.com"]) {
      expect([host, covered(host)]).toEqual([host, false]);
    }
  });
});
