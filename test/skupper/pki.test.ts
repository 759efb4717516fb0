import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { SkupperSiteCa } from "../../lib/skupper";
import { hasTool } from "../database/helpers";
import { ofType, synth } from "./synth";

type Resource = Record<string, unknown>;

function pki(build?: (ca: SkupperSiteCa, scope: Construct) => void) {
  return synth((scope, p) => {
    const ca = new SkupperSiteCa(scope, "aws-ca", { provider: p.tls, siteName: "aws" });
    build?.(ca, scope);
  });
}

const only = (resources: Record<string, Resource>, filter: (id: string) => boolean = () => true): Resource => {
  const matching = Object.entries(resources).filter(([id]) => filter(id));
  expect(matching).toHaveLength(1);
  return matching[0][1];
};

describe("SkupperSiteCa", () => {
  test("a self-signed RSA CA whose CN is exactly '<site> site CA', with no SANs", () => {
    const out = pki();
    const key = only(ofType(out, "tls_private_key"));
    expect(key).toMatchObject({ algorithm: "RSA", rsa_bits: 2048 });
    const cert = only(ofType(out, "tls_self_signed_cert"));
    expect(cert.subject).toEqual([{ common_name: "aws site CA" }]);
    expect(cert.is_ca_certificate).toBe(true);
    // Never renewed early: a new CA would break every link to the site until re-issued.
    expect(cert.early_renewal_hours).toBe(0);
    // Exactly these: no extended key usage on the CA, which would constrain the chains it signs.
    expect(cert.allowed_uses).toEqual(["cert_signing", "crl_signing", "digital_signature"]);
    for (const san of ["dns_names", "ip_addresses", "uris"]) expect(cert[san]).toBeUndefined();
    expect(cert.private_key_pem).toMatch(/^\$\{tls_private_key\.aws-ca_key_[0-9A-F]+\.private_key_pem\}$/);
  });

  test("link client certificates are signed by this CA, CN = dialling site, client auth", () => {
    const out = pki((ca, scope) => {
      const issued = ca.issueLinkClientCertificate("from-gcp", { dialingSite: "gcp" });
      new TerraformOutput(scope, "cert", { value: issued.certPem });
      new TerraformOutput(scope, "key", { value: issued.privateKeyPem, sensitive: true });
    });
    const idOf = (type: string, prefix = "") => {
      const ids = Object.keys(ofType(out, type)).filter((id) => id.startsWith(prefix));
      expect(ids).toHaveLength(1);
      return ids[0];
    };
    const caCertId = idOf("tls_self_signed_cert");
    const caKeyId = idOf("tls_private_key", "aws-ca_key_");
    const clientKeyId = idOf("tls_private_key", "aws-ca_from-gcp_key_");
    const certId = idOf("tls_locally_signed_cert");
    expect(ofType(out, "tls_private_key")[clientKeyId]).toMatchObject({ algorithm: "RSA", rsa_bits: 2048 });
    const csr = only(ofType(out, "tls_cert_request"));
    expect(csr.subject).toEqual([{ common_name: "gcp" }]);
    expect(csr.private_key_pem).toBe(`\${tls_private_key.${clientKeyId}.private_key_pem}`);
    const cert = ofType(out, "tls_locally_signed_cert")[certId];
    expect(cert.ca_cert_pem).toBe(`\${tls_self_signed_cert.${caCertId}.cert_pem}`);
    expect(cert.ca_private_key_pem).toBe(`\${tls_private_key.${caKeyId}.private_key_pem}`);
    expect(cert.allowed_uses).toEqual(["digital_signature", "key_encipherment", "client_auth"]);
    expect(cert).toMatchObject({ validity_period_hours: 2160, early_renewal_hours: 720 });
    expect(out.output?.cert.value).toBe(`\${tls_locally_signed_cert.${certId}.cert_pem}`);
    expect(out.output?.key.value).toBe(`\${tls_private_key.${clientKeyId}.private_key_pem}`);
  });

  test.each([
    [{ siteName: "aws", rsaBits: 1024 }, "rsaBits: invalid value 1024. Use 2048, 3072 or 4096."],
    [{ siteName: "a".repeat(57) }, `siteName: invalid value "${"a".repeat(57)}". The site CA's common name`],
    [
      { siteName: "aws", linkCertificateValidityHours: 100, linkCertificateEarlyRenewalHours: 100 },
      "linkCertificateEarlyRenewalHours: invalid value 100. Must be less than linkCertificateValidityHours (100)",
    ],
    [{ siteName: "aws", caValidityHours: 1 }, "caValidityHours: invalid value 1. Use a whole number of hours between 24 and 87600."],
    [
      { siteName: "aws", caValidityHours: 1000 },
      "linkCertificateValidityHours: invalid value 2160. A link certificate must not outlast its site CA (caValidityHours 1000); lower it or raise caValidityHours.",
    ],
  ])("rejects %j", (props, message) => {
    expect(() => synth((scope, p) => new SkupperSiteCa(scope, "ca", { provider: p.tls, ...props }))).toThrow(message);
  });

  test("rejects a link from a site to itself and a bad dialling site", () => {
    expect(() => pki((ca) => ca.issueLinkClientCertificate("self", { dialingSite: "aws" }))).toThrow(
      'dialingSite: invalid value "aws". A site does not link to itself; give the name of the site that dials "aws".',
    );
    expect(() => pki((ca) => ca.issueLinkClientCertificate("bad", { dialingSite: "GCP" }))).toThrow('dialingSite: invalid value "GCP".');
  });
});

/**
 * The tls provider cannot run offline, so openssl builds certificates from exactly the
 * attributes synthesized above and checks what the controller and the router rely on: the CA
 * subject and absence of SANs, and that the client certificate verifies against the CA for
 * TLS client use. A leaf with server_auth only must fail, proving the check can fail.
 */
const describeWithOpenssl = hasTool("openssl") ? describe : describe.skip;
if (!hasTool("openssl")) console.warn("openssl not found: skipping the check of the site CA and link certificate with openssl");

describeWithOpenssl("site CA and link certificate with openssl", () => {
  // tls provider allowed_uses -> openssl extension values
  const keyUsage: Record<string, string> = {
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
    digital_signature: "digitalSignature",
    key_encipherment: "keyEncipherment",
  };
  const extendedKeyUsage: Record<string, string> = { client_auth: "clientAuth", server_auth: "serverAuth" };
  const extensions = (uses: string[], ca: boolean): string => {
    uses.forEach((u) => expect(keyUsage[u] ?? extendedKeyUsage[u]).toBeDefined());
    const ku = uses.filter((u) => keyUsage[u]).map((u) => keyUsage[u]);
    const eku = uses.filter((u) => extendedKeyUsage[u]).map((u) => extendedKeyUsage[u]);
    return [
      `basicConstraints=critical,CA:${ca ? "TRUE" : "FALSE"}`,
      ku.length > 0 ? `keyUsage=critical,${ku.join(",")}` : "",
      eku.length > 0 ? `extendedKeyUsage=${eku.join(",")}` : "",
    ].join("\n");
  };

  test("the CA and a link certificate built from the synthesized attributes verify for TLS client use", () => {
    const out = pki((ca) => ca.issueLinkClientCertificate("from-gcp", { dialingSite: "gcp" }));
    const caCert = only(ofType(out, "tls_self_signed_cert"));
    const leaf = only(ofType(out, "tls_locally_signed_cert"));
    const csr = only(ofType(out, "tls_cert_request"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "skupper-pki-"));
    const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    try {
      const cn = (subject: unknown) => (subject as Array<{ common_name: string }>)[0].common_name;
      fs.writeFileSync(path.join(dir, "ca.ext"), extensions(caCert.allowed_uses as string[], true));
      run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", `/CN=${cn(caCert.subject)}`, "-extensions", "v3", "-config", writeConfig(dir, "ca.ext"));
      const issue = (name: string, uses: string[]) => {
        fs.writeFileSync(path.join(dir, `${name}.ext`), extensions(uses, false));
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn(csr.subject)}`);
        run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-out", `${name}.crt`, "-extfile", `${name}.ext`);
      };
      const caText = run("x509", "-in", "ca.crt", "-noout", "-text");
      expect(run("x509", "-in", "ca.crt", "-noout", "-subject", "-nameopt", "RFC2253").trim()).toBe("subject=CN=aws site CA");
      expect(caText).not.toContain("Subject Alternative Name");
      expect(caText).toContain("CA:TRUE");
      issue("client", leaf.allowed_uses as string[]);
      expect(run("verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "client.crt").trim()).toBe("client.crt: OK");
      issue("serveronly", ["digital_signature", "key_encipherment", "server_auth"]);
      expect(() => run("verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "serveronly.crt")).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function writeConfig(dir: string, extFile: string): string {
  const file = path.join(dir, "req.cnf");
  fs.writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${fs.readFileSync(path.join(dir, extFile), "utf8")}\n`);
  return file;
}
