/**
 * The site provider factory: the one place that creates kubernetes and helm providers, so
 * both always point at the same cluster with the same credentials.
 */
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider, KubernetesProviderExec } from "@cdktf/provider-kubernetes/lib/provider";
import { requireOptionalPeer } from "../core/optional-peers";
import { fail } from "../core/validation";
import { SiteProviders } from "./kubernetes-site";

/**
 * How to reach and authenticate to a cluster; PEM values, not base64. Give either `host`
 * with credentials, or `configPath` and `configContext` of a kubeconfig.
 */
export interface ClusterCredentials {
  /**
   * The API server's URL, e.g. "https://1.2.3.4".
   * @default none: the kubeconfig's server (`configPath`)
   */
  readonly host?: string;
  /**
   * The CA certificate (PEM) the API server's certificate must chain to.
   * @default none: the kubeconfig's, else the system's trusted CAs
   */
  readonly clusterCaCertificate?: string;
  /**
   * A bearer token (EKS: aws_eks_cluster_auth; GKE: google_client_config).
   * @default none
   */
  readonly token?: string;
  /**
   * A client certificate (PEM) for TLS client authentication (AKS local accounts).
   * @default none
   */
  readonly clientCertificate?: string;
  /**
   * The private key (PEM) of `clientCertificate`.
   * @default none
   */
  readonly clientKey?: string;
  /**
   * Path of a kubeconfig file; `~` is expanded by the providers.
   * @default none: the providers read a kubeconfig only if KUBE_CONFIG_PATH is set
   */
  readonly configPath?: string;
  /**
   * The context to use in `configPath`.
   * @default the kubeconfig's current-context
   */
  readonly configContext?: string;
  /**
   * A credential plugin run by the provider for every connection (e.g. `aws eks get-token`).
   * @default none
   */
  readonly exec?: KubernetesProviderExec;
}

/**
 * Annotations (Go regexps, as the kubernetes provider's `ignore_annotations` takes them) that
 * controllers write onto objects this project creates, so Terraform neither shows nor reverts
 * them and a second plan is empty:
 * - `internal.skupper.io/*`: Skupper 2.2.1 records which sslProfile revision a kubernetes.io/tls
 *   Secret backs (internal.skupper.io/tls-profile-context, internal/kube/secrets/context.go) on
 *   every such Secret its router uses: the link Secrets.
 * - `cloud.google.com/neg` and `-neg-status`: GKE's NEG controller annotates Services on
 *   VPC-native clusters (terraform-provider-kubernetes issue 445).
 * The provider itself already ignores `*.kubernetes.io` keys (not app. and service.beta.).
 */
export const CONTROLLER_WRITTEN_ANNOTATIONS: readonly string[] = ["^internal\\.skupper\\.io/", "^cloud\\.google\\.com/neg(-status)?$"];

/**
 * Creates the kubernetes provider for one cluster in `scope` (id `kubernetes`), and the helm
 * provider (id `helm`) when `helm` is first read: a stack that installs no chart then has no
 * helm provider to download and configure. The helm provider 3.x takes `kubernetes` as an
 * object attribute, not a block, and its `exec` as an object; the kubernetes provider's
 * `exec` is a block list.
 */
export function createSiteProviders(scope: Construct, credentials: ClusterCredentials, alias?: string): SiteProviders {
  const { exec, ...connection } = credentials;
  const kubernetes = new KubernetesProvider(scope, "kubernetes", {
    ...connection,
    ignoreAnnotations: [...CONTROLLER_WRITTEN_ANNOTATIONS],
    exec: exec ? [exec] : undefined,
    alias,
  });
  let helm: HelmProvider | undefined;
  return {
    kubernetes,
    get helm(): HelmProvider {
      if (!helm) {
        // helm is an optional peer: a site that installs no chart works without it.
        const { HelmProvider: Helm }: typeof import("@cdktf/provider-helm/lib/provider") = requireOptionalPeer("A site's helm provider", "@cdktf/provider-helm", () =>
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require("@cdktf/provider-helm/lib/provider"),
        );
        helm = new Helm(scope, "helm", { kubernetes: { ...connection, exec }, alias });
      }
      return helm;
    },
  };
}

/** The consuming stack's provider of the given type, or a synth error saying what to pass. */
export function requireCloudProvider(
  provider: TerraformProvider | undefined,
  terraformType: string,
  siteName: string,
  why: string,
): TerraformProvider {
  if (!provider || provider.terraformResourceType !== terraformType) {
    fail(
      `connect(${siteName}).cloudProvider`,
      provider?.terraformResourceType,
      `Pass the consuming stack's ${terraformType} provider: ${why}.`,
    );
  }
  return provider;
}
