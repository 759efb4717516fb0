import { Construct } from "constructs";
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { checkInteger, fail } from "../core/validation";
import { CERT_KEY, ClusterCa } from "./cluster-ca";

/** Files a certificate contributes to a CockroachDB certs dir, keyed by file name. */
export interface CockroachCertificateFiles {
  readonly files: Readonly<Record<string, string>>;
}

export interface CaSignedCertificateProps {
  readonly provider: TlsProvider;
  readonly ca: ClusterCa;
  /** @default 43800 (5 years, as `cockroach cert`); at most the CA's validity */
  readonly validityHours?: number;
  /**
   * Terraform replaces the certificate (same key, same CA) once it is this close to expiry.
   * Nodes pick up a new certificate on restart or SIGHUP.
   * @default 720 (30 days)
   */
  readonly earlyRenewalHours?: number;
}

export interface CertificateSpec {
  readonly commonName: string;
  readonly allowedUses: string[];
  /** Subject alternative DNS names. @default none */
  readonly dnsNames?: string[];
  /** Subject alternative IP addresses. @default none */
  readonly ipAddresses?: string[];
}

/** A key plus a certificate signed by the cluster CA; the base of node and client certificates. */
export abstract class CaSignedCertificate extends Construct implements CockroachCertificateFiles {
  readonly privateKey: PrivateKey;
  readonly certificate: LocallySignedCert;
  abstract readonly files: Readonly<Record<string, string>>;

  protected constructor(scope: Construct, id: string, props: CaSignedCertificateProps, spec: CertificateSpec) {
    super(scope, id);
    const validity = checkInteger("validityHours", props.validityHours ?? 43800, 24);
    if (validity > props.ca.validityHours) {
      fail("validityHours", validity, `A certificate must not outlast its CA (${props.ca.validityHours} hours); lower it or raise the CA's validityHours.`);
    }
    const earlyRenewal = checkInteger("earlyRenewalHours", props.earlyRenewalHours ?? 720, 0, validity - 1);
    this.privateKey = new PrivateKey(this, "key", { provider: props.provider, ...CERT_KEY });
    const request = new CertRequest(this, "csr", {
      provider: props.provider,
      privateKeyPem: this.privateKey.privateKeyPem,
      subject: [{ commonName: spec.commonName, organization: "Cockroach" }],
      dnsNames: spec.dnsNames,
      ipAddresses: spec.ipAddresses,
    });
    this.certificate = new LocallySignedCert(this, "cert", {
      provider: props.provider,
      certRequestPem: request.certRequestPem,
      caCertPem: props.ca.certPem,
      caPrivateKeyPem: props.ca.privateKey.privateKeyPem,
      allowedUses: spec.allowedUses,
      validityPeriodHours: validity,
      earlyRenewalHours: earlyRenewal,
      setSubjectKeyId: true,
    });
  }

  get certPem(): string {
    return this.certificate.certPem;
  }

  /** PKCS#1 PEM; sensitive, never print it. */
  get privateKeyPem(): string {
    return this.privateKey.privateKeyPem;
  }
}
