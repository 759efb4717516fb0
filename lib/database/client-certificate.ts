import { Construct } from "constructs";
import { MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS } from "../core/certificates";
import { fail } from "../core/validation";
import { CaSignedCertificate, CaSignedCertificateProps } from "./ca-signed-certificate";

export interface ClientCertificateProps extends CaSignedCertificateProps {
  /** SQL user the certificate authenticates. @default "root" */
  readonly user?: string;
}

/** A SQL client certificate (`client.<user>.crt`/`.key`): CN = user, client auth only. */
export class ClientCertificate extends CaSignedCertificate {
  readonly user: string;
  readonly files: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ClientCertificateProps) {
    const user = props.user ?? "root";
    // CockroachDB user names; the name also becomes part of a file name in the certs dir.
    if (!/^[a-z_][a-z0-9_.-]{0,62}$/.test(user)) {
      fail("user", user, "Use a CockroachDB user name: lower-case letters, digits, '_', '.', '-', starting with a letter or '_', at most 63 characters.");
    }
    if (user === "node") {
      // CockroachDB maps a client certificate with CN=node to the node user, which bypasses SQL privileges.
      fail("user", user, 'The "node" identity belongs to NodeCertificate; issue client certificates for SQL users such as "root" or "app".');
    }
    super(scope, id, props, {
      commonName: user,
      lifetime: { defaultValidityHours: MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS, maxValidityHours: MAX_CLIENT_CERTIFICATE_VALIDITY_HOURS, defaultEarlyRenewalHours: 720 },
      allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
    });
    this.user = user;
    this.files = { [`client.${user}.crt`]: this.certPem, [`client.${user}.key`]: this.privateKeyPem };
  }
}
