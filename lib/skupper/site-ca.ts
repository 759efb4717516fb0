import { Construct } from "constructs";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import {
  CertificateLifetime,
  MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS,
  checkCertificateLifetime,
  createSelfSignedCa,
  issueCaSignedCertificate,
} from "../core/certificates";
import { checkDnsLabel, fail } from "../core/validation";
import { checkSkupperSiteName, skupperSiteCaCommonName } from "./mesh";

export interface SkupperSiteCaProps {
  readonly provider: TlsProvider;
  /** The Skupper Site's name (its `metadata.name`); the CA's CN is `<siteName> site CA`. */
  readonly siteName: string;
  /**
   * RSA key size of the CA and of the link client certificates.
   * @default 2048
   */
  readonly rsaBits?: number;
  /**
   * Lifetime of the CA. Replacing the CA is a manual operation (see the class docs), so it
   * is long.
   * @default 87600 (10 years)
   */
  readonly caValidityHours?: number;
  /**
   * Lifetime of each link client certificate; at most 2160 (90 days) and caValidityHours.
   * @default 2160 (90 days)
   */
  readonly linkCertificateValidityHours?: number;
  /**
   * How long before expiry an apply re-issues a link client certificate. Safe: the link's
   * Secret is updated in place and the router reloads it.
   * @default 720 (30 days)
   */
  readonly linkCertificateEarlyRenewalHours?: number;
}

/** A link client certificate and key, PEM; the key is PKCS#1 and a sensitive attribute. */
export interface SkupperLinkClientCertificate {
  readonly certPem: string;
  readonly privateKeyPem: string;
}

export interface IssueLinkClientCertificateOptions {
  /** The site whose router dials this CA's site with the certificate. */
  readonly dialingSite: string;
}

/**
 * A Skupper site's CA, made in Terraform (pki stack, tls provider) so that every site's link
 * credentials can be issued before any Site exists: no token exchange, no manual step.
 *
 * Skupper 2.2.1 keeps a CA it finds in Secret `skupper-site-ca` only if the certificate's CN
 * is exactly `<site name> site CA` and it has no SANs; it signs its router's server
 * certificate with the key, which it parses as PKCS#1 (internal/certs/certs.go) - the tls
 * provider writes RSA keys as PKCS#1. The CA carries no extended key usage, which would
 * otherwise constrain the chains it signs.
 *
 * Private keys live in Terraform state: use an encrypted backend with restricted access.
 *
 * Rotation: the controller does not re-issue its router's server certificate when the CA
 * changes (it checks only CN, hosts and expiry), so replacing this CA needs the Secret
 * `skupper-site-server` deleted in the site afterwards, and every link to the site re-issued.
 */
export class SkupperSiteCa extends Construct {
  public readonly siteName: string;
  /** The CA certificate, PEM. */
  public readonly certPem: string;
  /** The CA key, PEM (PKCS#1); a sensitive attribute. */
  public readonly privateKeyPem: string;

  private readonly provider: TlsProvider;
  private readonly rsaBits: number;
  private readonly linkLifetime: CertificateLifetime;

  constructor(scope: Construct, id: string, props: SkupperSiteCaProps) {
    super(scope, id);
    this.siteName = checkSkupperSiteName("siteName", props.siteName);
    this.provider = props.provider;
    this.rsaBits = props.rsaBits ?? 2048;
    if (![2048, 3072, 4096].includes(this.rsaBits)) {
      fail("rsaBits", this.rsaBits, "Use 2048, 3072 or 4096.");
    }
    const ca = createSelfSignedCa(this, {
      provider: this.provider,
      rsaBits: this.rsaBits,
      subject: { commonName: skupperSiteCaCommonName(this.siteName) },
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      validityField: "caValidityHours",
      validityHours: props.caValidityHours ?? 87600,
    });
    const linkValidityHours = props.linkCertificateValidityHours ?? MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS;
    this.linkLifetime = checkCertificateLifetime({
      validityField: "linkCertificateValidityHours",
      validityHours: linkValidityHours,
      earlyRenewalField: "linkCertificateEarlyRenewalHours",
      earlyRenewalHours: props.linkCertificateEarlyRenewalHours ?? 720,
      caValidityHours: ca.validityHours,
      maxValidityHours: MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS,
      outlastsCaFix: `A link certificate must not outlast its site CA (caValidityHours ${ca.validityHours}); lower it or raise caValidityHours.`,
      earlyRenewalFix: `Must be less than linkCertificateValidityHours (${linkValidityHours}), or every apply re-issues the certificates.`,
    });
    this.certPem = ca.certificate.certPem;
    this.privateKeyPem = ca.privateKey.privateKeyPem;
  }

  /**
   * Issues the client certificate for a link FROM `dialingSite` TO this site. The router
   * authenticates links by chain only (SASL EXTERNAL, no name checks; the controller's own
   * grants put the redeeming Site's UID in the CN), so the CN just names the dialling site;
   * the key usages are what a TLS client certificate needs.
   */
  public issueLinkClientCertificate(id: string, options: IssueLinkClientCertificateOptions): SkupperLinkClientCertificate {
    const dialingSite = checkDnsLabel("dialingSite", options.dialingSite);
    if (dialingSite === this.siteName) {
      fail("dialingSite", dialingSite, `A site does not link to itself; give the name of the site that dials "${this.siteName}".`);
    }
    const { privateKey, certificate } = issueCaSignedCertificate(new Construct(this, id), {
      provider: this.provider,
      ca: { certPem: this.certPem, privateKeyPem: this.privateKeyPem },
      lifetime: this.linkLifetime,
      rsaBits: this.rsaBits,
      subject: { commonName: dialingSite },
      allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
    });
    return { certPem: certificate.certPem, privateKeyPem: privateKey.privateKeyPem };
  }
}
