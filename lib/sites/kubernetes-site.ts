/**
 * The contract every site (a Kubernetes cluster that hosts part of the database) offers to
 * the stacks that deploy into it. The cluster is created in one stack; `connect` and
 * `ensureStorageClass` are called from later stacks, because Terraform cannot plan
 * Kubernetes objects against a cluster created in the same apply.
 */
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";

export type SiteCloud = "aws" | "gcp" | "azure" | "existing";

export interface SiteProviders {
  readonly kubernetes: KubernetesProvider;
  /** Created in the consuming stack when first read, so stacks that install no chart have none. */
  readonly helm: HelmProvider;
}

export interface ConnectOptions {
  /**
   * The CONSUMING stack's provider of the site's cloud: EKS needs an aws provider there for
   * aws_eks_cluster_auth, GKE a google provider for google_client_config. Unused by AKS and
   * existing clusters.
   * @default none; EKS (token auth) and GKE fail at synth without it
   */
  readonly cloudProvider?: TerraformProvider;
  /**
   * Alias for the created kubernetes and helm providers, needed when one stack talks to
   * several clusters.
   * @default no alias (the stack's default kubernetes/helm provider)
   */
  readonly alias?: string;
}

export interface KubernetesSite {
  readonly siteName: string;
  readonly cloud: SiteCloud;
  readonly region: string;
  readonly zones: readonly string[];
  readonly clusterName: string;
  /** The StorageClass the database's volumes should use. */
  readonly storageClassName: string;
  /** Source addresses of the cluster's outbound traffic, where known (EKS: NAT EIPs /32). */
  readonly egressCidrs?: readonly string[];
  /** Annotations for Services of type LoadBalancer (EKS: NLB instead of a Classic ELB). */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /**
   * Minutes the credentials `connect` hands out stay valid after a plan read them (EKS token:
   * 15, GKE access token: 60); stacks keep their waits inside it.
   * @default unbounded: refreshed (exec) or long-lived (client certificate, kubeconfig)
   */
  readonly credentialLifetimeMinutes?: number;
  /** Creates kubernetes + helm providers (and the auth data sources they need) in `scope`, which is in ANOTHER stack. */
  connect(scope: Construct, id: string, options?: ConnectOptions): SiteProviders;
  /** Creates in the consuming stack what the database needs and the cluster lacks (EKS: gp3 StorageClass); returns the class name. */
  ensureStorageClass(scope: Construct, id: string, kubernetes: KubernetesProvider): string;
}

/** Props shared by the sites that create their cluster (EKS, GKE, AKS). */
export interface CloudSiteProps {
  /**
   * Short name of the site (RFC 1123 label), e.g. "aws"; used in resource and database names.
   * At most 40 characters, and 35 without `clusterName` (the default cluster name adds "crdb-").
   */
  readonly siteName: string;
  /** The cloud's region, e.g. "us-west-2", "us-central1", "eastus2". */
  readonly region: string;
  /**
   * Zones to spread nodes over; at least 3 (EKS: at most 6, see MAX_ZONES).
   * @default three zones of the region (see defaultZones)
   */
  readonly zones?: readonly string[];
  /**
   * Name of the Kubernetes cluster: 1-40 characters, lower-case letters, digits and '-'.
   * @default `crdb-<siteName>`
   */
  readonly clusterName?: string;
  /**
   * Kubernetes version of the control plane and the nodes ("1.34"; GKE also "1.34.1-gke.1000",
   * AKS "1.34.1"). On GKE it is a minimum: the release channel upgrades past it.
   * @default EKS "1.34" (pinned, raise it to upgrade); GKE the release channel's default
   * version, then upgraded along the channel; AKS the version AKS recommends when the cluster
   * is created, never upgraded automatically
   */
  readonly kubernetesVersion?: string;
  /**
   * Machine type of the database nodes. Changing it (or `diskSizeGb`) on EKS replaces the node
   * group, taking all of the site's database nodes down at once: one site at a time.
   * @default m6i.2xlarge (EKS), n2-standard-8 (GKE), Standard_D8s_v5 (AKS): 8 vCPU / 32 GiB
   */
  readonly machineType?: string;
  /**
   * Total number of database nodes, spread over the zones (GKE: a multiple of the zone count).
   * @default 3
   */
  readonly nodeCount?: number;
  /**
   * Size of each node's (SSD) OS disk in GiB; the database's data lives on separate volumes.
   * @default 100
   */
  readonly diskSizeGb?: number;
  /**
   * CIDR blocks allowed to reach the public Kubernetes API endpoint (Terraform and operators).
   * @default reachable from anywhere (authentication still required); a warning at synth says so
   */
  readonly apiAccessCidrs?: readonly string[];
  /**
   * Turn on the cluster's NetworkPolicy enforcement (EKS: the VPC CNI's network policy
   * agent; GKE: Dataplane V2; AKS: Cilium). Without it NetworkPolicies are stored but ignored.
   * On GKE and AKS it is fixed at creation: changing it replaces the cluster.
   * @default true
   */
  readonly networkPolicyEnforcement?: boolean;
}
