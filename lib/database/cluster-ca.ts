import { Construct } from "constructs";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { createSelfSignedCa } from "../core/certificates";

export interface ClusterCaProps {
  readonly provider: TlsProvider;
  /** @default "Cockroach CA" (what `cockroach cert create-ca` uses) */
  readonly commonName?: string;
  /** @default "Cockroach" */
  readonly organization?: string;
  /**
   * At most 87600 (10 years). The CA is never renewed by an apply: replacing it is a
   * deliberate operation (every node and client must trust the new one first).
   * @default 87600 (10 years)
   */
  readonly validityHours?: number;
}

/** RSA 2048: what `cockroach cert` produces and every client library accepts. */
export const CERT_KEY = { algorithm: "RSA", rsaBits: 2048 } as const;

/**
 * The one certificate authority of the whole database: every node in every cluster must
 * trust the same CA. Its private key (and every key signed here) lives in Terraform state,
 * so the stack holding it needs an encrypted, access-controlled backend.
 *
 * The CA is not renewed early: a new CA key would split the cluster until every node and
 * client trusts it, so rotation is a deliberate operation, not a side effect of a plan.
 */
export class ClusterCa extends Construct {
  readonly privateKey: PrivateKey;
  readonly certificate: SelfSignedCert;
  readonly validityHours: number;

  constructor(scope: Construct, id: string, props: ClusterCaProps) {
    super(scope, id);
    const ca = createSelfSignedCa(this, {
      provider: props.provider,
      rsaBits: CERT_KEY.rsaBits,
      subject: { commonName: props.commonName ?? "Cockroach CA", organization: props.organization ?? "Cockroach" },
      // The same usages `cockroach cert create-ca` sets.
      allowedUses: ["cert_signing", "content_commitment", "digital_signature", "key_encipherment"],
      validityField: "validityHours",
      validityHours: props.validityHours ?? 87600,
      setSubjectKeyId: true,
    });
    this.privateKey = ca.privateKey;
    this.certificate = ca.certificate;
    this.validityHours = ca.validityHours;
  }

  /** The CA certificate: `ca.crt` on every node and client. */
  get certPem(): string {
    return this.certificate.certPem;
  }
}
