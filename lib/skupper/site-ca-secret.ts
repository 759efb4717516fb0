import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkNamespace } from "../core/validation";
import { SKUPPER_SITE_CA_SECRET } from "./mesh";

export interface SkupperSiteCaSecretProps {
  readonly provider: KubernetesProvider;
  /**
   * The site namespace (where the Site will be).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** SkupperSiteCa.certPem of this site. */
  readonly caCertPem: string;
  /** SkupperSiteCa.privateKeyPem of this site (PKCS#1). */
  readonly caPrivateKeyPem: string;
}

/**
 * This site's Skupper CA as the Secret `skupper-site-ca` (type kubernetes.io/tls, keys
 * tls.crt, tls.key and ca.crt, the shape the controller itself writes). It must exist
 * BEFORE the Site: on its first reconcile the controller keeps an existing CA that matches
 * (SkupperSiteCa's docs) and signs its router's server certificate with it, so certificates
 * issued from the same CA in Terraform are trusted without any token exchange. Created in
 * the platform stack, a stage before the Site.
 *
 * On Site deletion the controller deletes this Secret along with the Site's Certificate
 * (certificateDeleted in internal/kube/certificates/mgr.go); re-apply this stack before
 * recreating a Site, or the controller generates a fresh CA that no link trusts.
 */
export class SkupperSiteCaSecret extends Construct {
  public readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: SkupperSiteCaSecretProps) {
    super(scope, id);
    this.secret = new SecretV1(this, "secret", {
      provider: props.provider,
      metadata: {
        name: SKUPPER_SITE_CA_SECRET,
        namespace: checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE),
      },
      type: "kubernetes.io/tls",
      data: {
        "tls.crt": props.caCertPem,
        "tls.key": props.caPrivateKeyPem,
        "ca.crt": props.caCertPem,
      },
    });
  }
}
