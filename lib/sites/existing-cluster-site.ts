import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { terraformLiteral } from "../core/terraform-strings";
import { checkDnsLabel, checkDnsSubdomain, checkSafeText, fail, parseIpv4Cidr } from "../core/validation";
import { ConnectOptions, KubernetesSite, SiteProviders } from "./kubernetes-site";
import { isLiteral } from "./site-inputs";
import { ClusterCredentials, createSiteProviders } from "./site-providers";

export interface ExistingClusterSiteProps {
  /** Short name of the site (RFC 1123 label); used in resource and database names. */
  readonly siteName: string;
  /** Region label for the database's locality, e.g. "onprem-fra" (an RFC 1123 label). */
  readonly region: string;
  /**
   * Zone labels of the nodes, informational.
   * @default []
   */
  readonly zones?: readonly string[];
  /**
   * Name of the cluster, informational.
   * @default siteName
   */
  readonly clusterName?: string;
  /** An existing StorageClass for the database's volumes (SSD, WaitForFirstConsumer advised). */
  readonly storageClassName: string;
  /**
   * Path of a kubeconfig file on the machine that runs Terraform. Give this or `host`.
   * @default none
   */
  readonly kubeconfigPath?: string;
  /**
   * Context in the kubeconfig file.
   * @default the file's current context
   */
  readonly kubeconfigContext?: string;
  /**
   * API server URL (https://...). Give this (with clusterCaCertificate and token) or kubeconfigPath.
   * @default none
   */
  readonly host?: string;
  /**
   * PEM of the CA that signed the API server's certificate; required with `host`.
   * @default none
   */
  readonly clusterCaCertificate?: string;
  /**
   * Bearer token (e.g. a ServiceAccount token from a sensitive TerraformVariable); required with `host`.
   * @default none
   */
  readonly token?: string;
  /**
   * Source addresses of the cluster's outbound traffic, if known.
   * @default unknown
   */
  readonly egressCidrs?: readonly string[];
  /**
   * Annotations for Services of type LoadBalancer in this cluster.
   * @default {}
   */
  readonly loadBalancerAnnotations?: Readonly<Record<string, string>>;
}

/**
 * A cluster the user already has (on-premises or any cloud), reached by kubeconfig or by
 * host/CA/token, so a topology can mix it with the clusters this library creates.
 */
export class ExistingClusterSite extends Construct implements KubernetesSite {
  readonly siteName: string;
  readonly cloud = "existing" as const;
  readonly region: string;
  readonly zones: readonly string[];
  readonly clusterName: string;
  readonly storageClassName: string;
  readonly egressCidrs?: readonly string[];
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  private readonly credentials: ClusterCredentials;

  constructor(scope: Construct, id: string, props: ExistingClusterSiteProps) {
    super(scope, id);
    this.siteName = checkDnsLabel("siteName", props.siteName, 40);
    this.region = checkDnsLabel("region", props.region);
    this.zones = (props.zones ?? []).map((zone, i) => checkDnsLabel(`zones[${i}]`, zone));
    this.clusterName = props.clusterName ?? this.siteName;
    this.storageClassName = checkDnsSubdomain("storageClassName", props.storageClassName);
    this.egressCidrs = props.egressCidrs?.map((cidr, i) => parseIpv4Cidr(`egressCidrs[${i}]`, cidr).text);
    this.loadBalancerAnnotations = { ...(props.loadBalancerAnnotations ?? {}) };
    this.credentials = credentialsOf(props);
  }

  connect(scope: Construct, id: string, options: ConnectOptions = {}): SiteProviders {
    return createSiteProviders(new Construct(scope, id), this.credentials, options.alias);
  }

  ensureStorageClass(_scope: Construct, _id: string, _kubernetes: KubernetesProvider): string {
    return this.storageClassName;
  }
}

function credentialsOf(props: ExistingClusterSiteProps): ClusterCredentials {
  const { kubeconfigPath, kubeconfigContext, host, clusterCaCertificate, token } = props;
  if (kubeconfigPath !== undefined && host !== undefined) {
    fail("host", host, "Give either kubeconfigPath or host (with clusterCaCertificate and token), not both.");
  }
  if (kubeconfigPath !== undefined) {
    if (kubeconfigPath === "") fail("kubeconfigPath", kubeconfigPath, "Give the path of a kubeconfig file.");
    checkSafeText("kubeconfigPath", kubeconfigPath);
    if (kubeconfigContext !== undefined) checkSafeText("kubeconfigContext", kubeconfigContext);
    // Any text may name a file or context; Terraform must not read `${` in it as a template.
    return {
      configPath: terraformLiteral(kubeconfigPath),
      configContext: kubeconfigContext === undefined ? undefined : terraformLiteral(kubeconfigContext),
    };
  }
  if (host === undefined) {
    fail("kubeconfigPath", undefined, "Give kubeconfigPath (and optionally kubeconfigContext), or host with clusterCaCertificate and token.");
  }
  if (kubeconfigContext !== undefined) {
    fail("kubeconfigContext", kubeconfigContext, "A context only applies to kubeconfigPath; drop it when using host.");
  }
  if (isLiteral(host) && !/^https:\/\/[^\s/]+/.test(host)) {
    fail("host", host, "Use the API server's https:// URL, e.g. \"https://203.0.113.10:6443\".");
  }
  if (!clusterCaCertificate) fail("clusterCaCertificate", clusterCaCertificate, "Give the PEM of the CA that signed the API server's certificate.");
  if (!token) fail("token", token, "Give a bearer token for the API server (e.g. from a sensitive TerraformVariable).");
  return { host, clusterCaCertificate, token };
}
