import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkDnsSubdomain, checkNamespace } from "../core/validation";
import { CockroachCertificateFiles } from "./ca-signed-certificate";
import { labels } from "./common";

export interface CockroachCertsSecretProps {
  readonly provider: KubernetesProvider;
  /** e.g. NODE_CERTS_SECRET or ROOT_CLIENT_CERTS_SECRET */
  readonly name: string;
  /**
   * A literal or a NamespaceV1's `metadata.name` (which orders these objects after it).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** The cluster CA certificate, stored as `ca.crt`. */
  readonly caCertPem: string;
  /** A NodeCertificate or ClientCertificate (possibly from another stack). */
  readonly certificate: CockroachCertificateFiles;
}

/**
 * A Secret laid out as a CockroachDB certs dir (`ca.crt` plus `node.*` or `client.<user>.*`),
 * mounted whole as `--certs-dir`. The key is in the Secret's data and therefore in this
 * stack's state too.
 */
export class CockroachCertsSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: CockroachCertsSecretProps) {
    super(scope, id);
    const name = checkDnsSubdomain("name", props.name);
    this.secret = new SecretV1(this, "secret", {
      provider: props.provider,
      metadata: {
        name,
        namespace: checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE),
        labels: labels(name, "certificates"),
      },
      type: "Opaque",
      data: { "ca.crt": props.caCertPem, ...props.certificate.files },
    });
  }
}
