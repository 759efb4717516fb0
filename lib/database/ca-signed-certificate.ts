import { Construct } from "constructs";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { checkCertificateLifetime, issueCaSignedCertificate } from "../core/certificates";
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
    const { ca } = props;
    const issued = issueCaSignedCertificate(this, {
      provider: props.provider,
      ca: { certPem: ca.certPem, privateKeyPem: ca.privateKey.privateKeyPem },
      lifetime: checkCertificateLifetime({
        validityField: "validityHours",
        validityHours: props.validityHours ?? 43800,
        earlyRenewalField: "earlyRenewalHours",
        earlyRenewalHours: props.earlyRenewalHours ?? 720,
        caValidityHours: ca.validityHours,
        outlastsCaFix: `A certificate must not outlast its CA (${ca.validityHours} hours); lower it or raise the CA's validityHours.`,
      }),
      rsaBits: CERT_KEY.rsaBits,
      subject: { commonName: spec.commonName, organization: "Cockroach" },
      allowedUses: spec.allowedUses,
      dnsNames: spec.dnsNames,
      ipAddresses: spec.ipAddresses,
      setSubjectKeyId: true,
    });
    this.privateKey = issued.privateKey;
    this.certificate = issued.certificate;
  }

  get certPem(): string {
    return this.certificate.certPem;
  }

  /** PKCS#1 PEM; sensitive, never print it. */
  get privateKeyPem(): string {
    return this.privateKey.privateKeyPem;
  }
}
