import { Construct } from "constructs";
import { checkCertificateLifetime, createSelfSignedCa, issueCaSignedCertificate } from "../../lib/core/certificates";
import { onlyResource, synth } from "../database/helpers";

const lifetime = (overrides: Partial<Parameters<typeof checkCertificateLifetime>[0]> = {}) =>
  checkCertificateLifetime({
    validityField: "v",
    validityHours: 100,
    earlyRenewalField: "r",
    earlyRenewalHours: 10,
    caValidityHours: 1000,
    maxValidityHours: 5000,
    outlastsCaFix: "Outlasts.",
    ...overrides,
  });

describe("createSelfSignedCa", () => {
  test("a CA with exactly the given subject and usages, in the caller's scope, never renewed early", () => {
    const json = synth((stack, p) => {
      createSelfSignedCa(new Construct(stack, "site"), {
        provider: p.tls,
        rsaBits: 3072,
        subject: { commonName: "x site CA" },
        allowedUses: ["cert_signing"],
        validityField: "caHours",
        validityHours: 48,
      });
    });
    expect(Object.keys(json.resource.tls_private_key)[0]).toMatch(/^site_key_[0-9A-F]+$/);
    expect(Object.keys(json.resource.tls_self_signed_cert)[0]).toMatch(/^site_cert_[0-9A-F]+$/);
    expect(onlyResource(json, "tls_private_key")).toMatchObject({ algorithm: "RSA", rsa_bits: 3072 });
    const cert = onlyResource(json, "tls_self_signed_cert");
    expect(cert.subject).toEqual([{ common_name: "x site CA" }]);
    expect(Object.keys(cert.subject[0])).toEqual(["common_name"]);
    expect(cert).toMatchObject({ is_ca_certificate: true, allowed_uses: ["cert_signing"], validity_period_hours: 48, early_renewal_hours: 0 });
    expect(cert.set_subject_key_id).toBeUndefined();
  });

  test("rejects a validity under a day, naming the caller's field", () => {
    expect(() =>
      synth((stack, p) => {
        createSelfSignedCa(stack, { provider: p.tls, rsaBits: 2048, subject: { commonName: "c" }, allowedUses: [], validityField: "caHours", validityHours: 23 });
      }),
    ).toThrow("caHours: invalid value 23. Use a whole number of hours between 24 and 87600.");
  });
});

describe("checkCertificateLifetime", () => {
  test("returns the values when they fit", () => {
    expect(lifetime()).toEqual({ validityHours: 100, earlyRenewalHours: 10 });
    expect(lifetime({ validityHours: 1000, earlyRenewalHours: 999 })).toEqual({ validityHours: 1000, earlyRenewalHours: 999 });
  });

  test("a certificate lives at least a day and not longer than its CA", () => {
    expect(() => lifetime({ validityHours: 23 })).toThrow("v: invalid value 23. Use a whole number of hours between 24 and 5000.");
    expect(() => lifetime({ validityHours: 1001 })).toThrow("v: invalid value 1001. Outlasts.");
    expect(() => lifetime({ validityHours: 5001, caValidityHours: 9000 })).toThrow("v: invalid value 5001. Use a whole number of hours between 24 and 5000.");
  });

  test("early renewal below the validity, as a range or with the caller's fix", () => {
    expect(() => lifetime({ earlyRenewalHours: 100 })).toThrow("r: invalid value 100. Use a whole number of hours between 0 and 99.");
    expect(() => lifetime({ earlyRenewalHours: -1 })).toThrow("r: invalid value -1. Use a whole number of hours between 0 and 99.");
    expect(() => lifetime({ earlyRenewalHours: 100, earlyRenewalFix: "Too late." })).toThrow("r: invalid value 100. Too late.");
    expect(() => lifetime({ earlyRenewalHours: 1.5, earlyRenewalFix: "Too late." })).toThrow("r: invalid value 1.5. Use a whole number of hours between 0 and 5000.");
  });
});

describe("issueCaSignedCertificate", () => {
  test("key, CSR and certificate in the caller's scope, signed by the given CA with the checked lifetime", () => {
    const json = synth((stack, p) => {
      issueCaSignedCertificate(new Construct(stack, "leaf"), {
        provider: p.tls,
        ca: { certPem: "CA-CERT", privateKeyPem: "CA-KEY" },
        lifetime: lifetime(),
        rsaBits: 4096,
        subject: { commonName: "n", organization: "O" },
        allowedUses: ["client_auth"],
        dnsNames: ["a.b"],
        setSubjectKeyId: true,
      });
    });
    const keyId = Object.keys(json.resource.tls_private_key)[0];
    const csrId = Object.keys(json.resource.tls_cert_request)[0];
    expect(keyId).toMatch(/^leaf_key_[0-9A-F]+$/);
    expect(csrId).toMatch(/^leaf_csr_[0-9A-F]+$/);
    expect(Object.keys(json.resource.tls_locally_signed_cert)[0]).toMatch(/^leaf_cert_[0-9A-F]+$/);
    expect(onlyResource(json, "tls_private_key")).toMatchObject({ algorithm: "RSA", rsa_bits: 4096 });
    const csr = onlyResource(json, "tls_cert_request");
    expect(csr).toMatchObject({ subject: [{ common_name: "n", organization: "O" }], dns_names: ["a.b"], private_key_pem: `\${tls_private_key.${keyId}.private_key_pem}` });
    expect(csr.ip_addresses).toBeUndefined();
    expect(onlyResource(json, "tls_locally_signed_cert")).toEqual({
      provider: "tls",
      cert_request_pem: `\${tls_cert_request.${csrId}.cert_request_pem}`,
      ca_cert_pem: "CA-CERT",
      ca_private_key_pem: "CA-KEY",
      allowed_uses: ["client_auth"],
      validity_period_hours: 100,
      early_renewal_hours: 10,
      set_subject_key_id: true,
    });
  });
});
