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
  /**
   * @default node 8760 (1 year, at most that), client 2160 (90 days, at most that); never
   * more than the CA's validity
   */
  readonly validityHours?: number;
  /**
   * An apply this close to expiry replaces the certificate (new key, same CA), so a pipeline
   * that re-applies more often than this never lets it expire. Nodes pick up the new one
   * through a rolling restart (CockroachStatefulSet `certificateRevision`).
   * @default node 2160 (90 days), client 720 (30 days)
   */
  readonly earlyRenewalHours?: number;
}

export interface CertificateSpec {
  readonly commonName: string;
  /** Default and upper bound of validityHours, and the default earlyRenewalHours. */
  readonly lifetime: { readonly defaultValidityHours: number; readonly maxValidityHours: number; readonly defaultEarlyRenewalHours: number };
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
        validityHours: props.validityHours ?? spec.lifetime.defaultValidityHours,
        earlyRenewalField: "earlyRenewalHours",
        earlyRenewalHours: props.earlyRenewalHours ?? spec.lifetime.defaultEarlyRenewalHours,
        caValidityHours: ca.validityHours,
        maxValidityHours: spec.lifetime.maxValidityHours,
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
