/**
 * The two ways this library makes certificates with the tls provider: a self-signed CA and a
 * certificate signed by such a CA. The database and the Skupper mesh differ only in the
 * parameters (subject, usages, key size, lifetimes and the props their messages name).
 *
 * Both put their resources straight into the caller's scope with the ids "key", "csr" and
 * "cert", so the callers' logical ids do not depend on this helper.
 */
import { Construct } from "constructs";
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { checkDuration } from "./units";
import { fail } from "./validation";

export interface CertificateSubject {
  readonly commonName: string;
  /** @default none (the subject has no O attribute) */
  readonly organization?: string;
}

interface CertificateBase {
  readonly provider: TlsProvider;
  /** RSA key size; the tls provider writes RSA keys as PKCS#1. */
  readonly rsaBits: number;
  readonly subject: CertificateSubject;
  /** tls provider usages, e.g. "digital_signature", "client_auth". */
  readonly allowedUses: string[];
  /**
   * Adds a subject key identifier. Changing it replaces the certificate, so each caller
   * keeps what it always had.
   * @default false
   */
  readonly setSubjectKeyId?: boolean;
}

export interface SelfSignedCaSpec extends CertificateBase {
  /** The prop that set validityHours, named in its error message. */
  readonly validityField: string;
  readonly validityHours: number;
}

/**
 * Longest lifetimes this library issues, after the CockroachDB Helm chart's self-signer (CA
 * 43800 h, node 8760 h, client 672 h) and the usual 90-day client certificates: a leaked
 * key stays useful only that long. Renewal is an ordinary re-apply (early renewal).
 */
export const MAX_CA_VALIDITY_HOURS = 87600;
export const MAX_SERVER_CERTIFICATE_VALIDITY_HOURS = 8760;
export const MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS = 2160;

export interface SelfSignedCa {
  readonly privateKey: PrivateKey;
  readonly certificate: SelfSignedCert;
  /** The checked validity. */
  readonly validityHours: number;
}

/**
 * A self-signed CA: key "key" and certificate "cert" in `scope`. It is never renewed early:
 * a new CA cuts off everything that trusts only the old one until it is redistributed, so
 * rotation must be a deliberate operation, not a side effect of a plan.
 */
export function createSelfSignedCa(scope: Construct, spec: SelfSignedCaSpec): SelfSignedCa {
  const validityHours = checkDuration(spec.validityField, spec.validityHours, "hours", { min: 24, max: MAX_CA_VALIDITY_HOURS });
  const privateKey = new PrivateKey(scope, "key", { provider: spec.provider, algorithm: "RSA", rsaBits: spec.rsaBits });
  const certificate = new SelfSignedCert(scope, "cert", {
    provider: spec.provider,
    privateKeyPem: privateKey.privateKeyPem,
    isCaCertificate: true,
    subject: [spec.subject],
    allowedUses: spec.allowedUses,
    validityPeriodHours: validityHours,
    earlyRenewalHours: 0,
    setSubjectKeyId: spec.setSubjectKeyId,
  });
  return { privateKey, certificate, validityHours };
}

export interface CertificateLifetimeSpec {
  /** The props that set the two values, named in error messages. */
  readonly validityField: string;
  readonly validityHours: number;
  readonly earlyRenewalField: string;
  readonly earlyRenewalHours: number;
  /** The signing CA's validity: a certificate must not outlast its CA. */
  readonly caValidityHours: number;
  /** The longest validity allowed for this kind of certificate (MAX_*_VALIDITY_HOURS). */
  readonly maxValidityHours: number;
  /** The fix given when the certificate would outlast its CA. */
  readonly outlastsCaFix: string;
  /**
   * The fix given when early renewal is not below the validity (else every apply would
   * re-issue the certificate).
   * @default the allowed range, "Use a whole number of hours between 0 and <validity - 1>."
   */
  readonly earlyRenewalFix?: string;
}

/** A checked lifetime: at least 24 hours, within the CA's, early renewal below it. */
export interface CertificateLifetime {
  readonly validityHours: number;
  readonly earlyRenewalHours: number;
}

export function checkCertificateLifetime(spec: CertificateLifetimeSpec): CertificateLifetime {
  const validityHours = checkDuration(spec.validityField, spec.validityHours, "hours", { min: 24, max: spec.maxValidityHours });
  if (validityHours > spec.caValidityHours) fail(spec.validityField, validityHours, spec.outlastsCaFix);
  if (spec.earlyRenewalFix === undefined) {
    return { validityHours, earlyRenewalHours: checkDuration(spec.earlyRenewalField, spec.earlyRenewalHours, "hours", { min: 0, max: validityHours - 1 }) };
  }
  const earlyRenewalHours = checkDuration(spec.earlyRenewalField, spec.earlyRenewalHours, "hours", { min: 0, max: spec.maxValidityHours });
  if (earlyRenewalHours >= validityHours) fail(spec.earlyRenewalField, earlyRenewalHours, spec.earlyRenewalFix);
  return { validityHours, earlyRenewalHours };
}

export interface CaSignedCertificateSpec extends CertificateBase {
  /** The signing CA's certificate and (PKCS#1) key, PEM. */
  readonly ca: { readonly certPem: string; readonly privateKeyPem: string };
  /** From checkCertificateLifetime against this CA. */
  readonly lifetime: CertificateLifetime;
  /** Subject alternative DNS names. @default none */
  readonly dnsNames?: string[];
  /** Subject alternative IP addresses. @default none */
  readonly ipAddresses?: string[];
}

export interface IssuedCertificate {
  readonly privateKey: PrivateKey;
  readonly certificate: LocallySignedCert;
}

/** A new key ("key"), its CSR ("csr") and the certificate the CA signs from it ("cert"), in `scope`. */
export function issueCaSignedCertificate(scope: Construct, spec: CaSignedCertificateSpec): IssuedCertificate {
  const privateKey = new PrivateKey(scope, "key", { provider: spec.provider, algorithm: "RSA", rsaBits: spec.rsaBits });
  const request = new CertRequest(scope, "csr", {
    provider: spec.provider,
    privateKeyPem: privateKey.privateKeyPem,
    subject: [spec.subject],
    dnsNames: spec.dnsNames,
    ipAddresses: spec.ipAddresses,
  });
  const certificate = new LocallySignedCert(scope, "cert", {
    provider: spec.provider,
    certRequestPem: request.certRequestPem,
    caCertPem: spec.ca.certPem,
    caPrivateKeyPem: spec.ca.privateKeyPem,
    allowedUses: spec.allowedUses,
    validityPeriodHours: spec.lifetime.validityHours,
    earlyRenewalHours: spec.lifetime.earlyRenewalHours,
    setSubjectKeyId: spec.setSubjectKeyId,
  });
  return { privateKey, certificate };
}
