/**
 * The resolved topology: what `loadTopology` returns after validation, with every default the
 * topology owns filled in. The app builds its stacks from this and nothing else.
 */
import type { SiteCloud } from "../../lib/sites/kubernetes-site";
import type { EksAuthentication } from "../../lib/sites/site-inputs";
import type { SkupperControllerScope } from "../../lib/skupper/controller";
import type { AksAuthentication, EksControlPlaneLogType } from "../../lib/sites/control-plane";
import type { SkupperLinkAccessType, SkupperMeshShape } from "../../lib/skupper/mesh";

/** "region": the database survives losing a whole site (cloud); "zone": one zone per site. */
export type SurvivalGoal = "zone" | "region";

/** Worker nodes the database runs on (managed clouds only). */
export interface NodePool {
  /** Instance / machine / VM size, in the cloud's own format (m6i.2xlarge, n2-standard-8, Standard_D8s_v5). */
  readonly machineType: string;
  /** Nodes in the whole site (spread over its zones; on GKE a multiple of the zone count). */
  readonly count: number;
  /** Boot disk of each node in GiB (the database data lives on separate persistent volumes). */
  readonly diskSizeGb: number;
}

/** Prometheus Operator objects for a site (the pods always carry Prometheus scrape annotations). */
export interface SiteMonitoring {
  /** Create a ServiceMonitor, a PrometheusRule and a PodMonitor; their CRDs must exist at plan time. */
  readonly prometheusOperator: boolean;
  /** Labels on those objects, for the Prometheus's selectors (e.g. release: kube-prometheus-stack). */
  readonly labels: Readonly<Record<string, string>>;
  /** Alert when no backup schedule succeeded for this many hours; 0: no backup alert. */
  readonly backupMaxAgeHours: number;
}

interface SiteBase {
  /** RFC 1123 label; names the stacks (`<name>-cluster`, ...), the StatefulSet and the Skupper Site. */
  readonly name: string;
  readonly cloud: SiteCloud;
  readonly region: string;
  /** Zones the nodes spread over; empty for existing clusters (zones come from node labels there). */
  readonly zones: readonly string[];
  /** CockroachDB pods in this site. */
  readonly replicas: number;
  /**
   * How the other sites reach this site's Skupper router: "loadbalancer" (default), "none"
   * (this site dials every peer and accepts no links), and on existing clusters "nodeport"
   * (with nodePortHost) or "route" (OpenShift).
   */
  readonly linkAccess: SkupperLinkAccessType;
  readonly monitoring: SiteMonitoring;
  /**
   * Run the idle SQL client pod here (it keeps the root client certificate mounted, so true also
   * puts that certificate in this site). Undefined: only in the site that runs cluster-init.
   */
  readonly sqlClientPod?: boolean;
  /**
   * Sources allowed to reach this site's Skupper router load balancer (linkAccess
   * "loadbalancer"), replacing the egress addresses of the sites that dial it.
   */
  readonly linkSourceCidrs?: readonly string[];
}

interface ManagedSiteBase extends SiteBase {
  readonly nodes: NodePool;
  /**
   * "1.34" (GKE also "1.34.1-gke.1000", AKS "1.34.1"). Undefined: EKS "1.34" (pinned); GKE the
   * release channel's default, upgraded along the channel; AKS the version AKS recommends at
   * creation, never upgraded automatically.
   */
  readonly kubernetesVersion?: string;
  /** Accept a region or zone missing from the known lists (lib/sites/known-locations). */
  readonly allowUnknownRegion: boolean;
  /** Accept a Kubernetes version outside what the managed service offers per the known lists. */
  readonly allowUnsupportedKubernetesVersion: boolean;
  /** CIDRs allowed to reach the public Kubernetes API endpoint; undefined: reachable from anywhere. */
  readonly apiAccessCidrs?: readonly string[];
  /** Turn on the cluster's NetworkPolicy enforcement (fixed at creation on GKE and AKS). Default: security.networkPolicies. */
  readonly networkPolicyEnforcement: boolean;
}

export interface AwsNetwork {
  /** The VPC; EKS pods take addresses from it too (VPC CNI). */
  readonly vpcCidr: string;
  /** Service ClusterIP range, outside the VPC. */
  readonly serviceCidr: string;
}

export interface GcpNetwork {
  /** Primary range of the subnet: node addresses. */
  readonly subnetCidr: string;
  /** Secondary range for pod alias IPs (VPC-native). */
  readonly podsCidr: string;
  /** Secondary range for Service ClusterIPs. */
  readonly servicesCidr: string;
}

export interface AzureNetwork {
  readonly vnetCidr: string;
  /** Node subnet, inside `vnetCidr`. */
  readonly subnetCidr: string;
  /** Azure CNI overlay pod range, outside the VNet. */
  readonly podCidr: string;
  /** Service ClusterIP range, outside the VNet and the pod range. */
  readonly serviceCidr: string;
}

export interface AwsSite extends ManagedSiteBase {
  readonly cloud: "aws";
  readonly network: AwsNetwork;
  /**
   * IAM role or user ARNs made cluster-admin through EKS access entries; empty: only the
   * identity that creates the cluster. Do not list that identity: EKS already gave it an entry.
   */
  readonly adminPrincipalArns: readonly string[];
  /**
   * How the later stacks authenticate to the cluster: "token" (aws_eks_cluster_auth; lives 15
   * minutes, so longer waits fail) or "exec" (`aws eks get-token` with accounts.awsProfile;
   * needs the AWS CLI where Terraform runs).
   */
  readonly kubernetesAuth: EksAuthentication;
  /** Envelope-encrypt Kubernetes Secrets with a customer KMS key created in the cluster stack. */
  readonly secretsEncryption: boolean;
  /** Control-plane logs sent to CloudWatch (`/aws/eks/<cluster>/cluster`); empty: none. */
  readonly controlPlaneLogTypes: readonly EksControlPlaneLogType[];
  /** Days CloudWatch keeps them; undefined: 90. */
  readonly controlPlaneLogRetentionDays?: number;
  /** Undefined bucketName: `crdb-backup-<name>-<suffix>` (see Backup.nameSuffix). */
  readonly backup?: { readonly bucketName?: string };
}

export interface GcpSite extends ManagedSiteBase {
  readonly cloud: "gcp";
  readonly network: GcpNetwork;
  /** Terraform refuses to delete the cluster while true (the provider's default). */
  readonly deletionProtection: boolean;
  /** Cloud KMS key (in the site's region) for application-layer Secret encryption; undefined: none. */
  readonly secretsEncryptionKey?: string;
  /** Undefined bucketName: `crdb-backup-<name>-<suffix>` (see Backup.nameSuffix). */
  readonly backup?: { readonly bucketName?: string };
}

export interface AzureSite extends ManagedSiteBase {
  readonly cloud: "azure";
  readonly network: AzureNetwork;
  /**
   * How the later stacks authenticate: "certificate" (AKS local accounts; the admin client
   * certificate is copied into their states) or "entraId" (local accounts off, Azure RBAC,
   * `kubelogin get-token --login azurecli`; needs az and kubelogin where Terraform runs).
   */
  readonly kubernetesAuth: AksAuthentication;
  /** Entra ID groups made cluster-admin with "entraId"; required there, empty otherwise. */
  readonly adminGroupObjectIds: readonly string[];
  /** Undefined storageAccountName: `crdb<name><suffix>`, at most 24 characters. */
  readonly backup?: { readonly storageAccountName?: string };
}

export interface ExistingSite extends SiteBase {
  readonly cloud: "existing";
  readonly kubeconfig: {
    /** Absolute, or starting with `~` (the kubernetes provider expands it). */
    readonly path: string;
    readonly context: string;
  };
  /** A StorageClass that already exists in the cluster. */
  readonly storageClassName: string;
  /** Equal to the topology's clusterDomain (validated): every site must resolve every pod's FQDN. */
  readonly clusterDomain: string;
  /** With linkAccess "nodeport": the node IP or DNS name the peers dial (the controller's cluster host). */
  readonly nodePortHost?: string;
  /** The cluster's outbound (NAT, proxy) addresses; undefined: unknown, so the sites it dials cannot restrict their routers to it. */
  readonly egressCidrs?: readonly string[];
  /** Where this site's own backup schedule writes; undefined: none. */
  readonly backup?: ExistingSiteBackup;
}

export interface ExistingSiteBackup {
  /** A CockroachDB external storage URI without credentials. */
  readonly destination: string;
  /** Secret in the namespace whose key holds the URI parameters with the credentials, appended to destination. */
  readonly credentialsSecret?: string;
  readonly credentialsKey: string;
}

/** The backup schedules (one per cloud, one per existing site with a destination). */
export interface BackupSettings {
  /** false: no buckets, identities or schedules. */
  readonly enabled: boolean;
  /** Days each backup file is kept. */
  readonly retentionDays: number;
  /** Crontab (UTC) of the incremental backups. */
  readonly incrementalSchedule: string;
  /** Crontab (UTC) of the full backups. */
  readonly fullSchedule: string;
  /** Suffix of default bucket and storage account names; undefined: derived from the deployment. */
  readonly nameSuffix?: string;
}

export type ManagedSite = AwsSite | GcpSite | AzureSite;
export type Site = ManagedSite | ExistingSite;

/** Settings of the CockroachDB pods; undefined fields take CockroachStatefulSet's defaults. */
export interface CockroachSettings {
  /** Pinned image (a tag other than `latest`, or a digest). */
  readonly image?: string;
  /** CPU request = limit per pod, e.g. "7" or "7500m". */
  readonly cpu?: string;
  /** Memory request = limit per pod, e.g. "28Gi". */
  readonly memory?: string;
  /** Persistent volume size per pod, e.g. "100Gi". */
  readonly storageSize?: string;
  /** The major ("26.2") to finalize: resets cluster.preserve_downgrade_option once every node runs it. */
  readonly finalizeUpgrade?: string;
  /**
   * Sites that hold the root client certificate (Secret cockroachdb-root-client-certs) besides the
   * site that runs cluster-init, which always does; a site needs it to decommission nodes.
   */
  readonly rootClientSites: readonly string[];
  /** SQL user for people (DB Console, `cockroach sql`), member of `admin`; password generated. */
  readonly adminUser: string;
  /** Databases the init stage creates. */
  readonly databases: readonly DatabaseSettings[];
  /** Application users the init stage creates. */
  readonly users: readonly SqlUserSettings[];
}

export interface DatabaseSettings {
  readonly name: string;
  /** Regions from the sites' region tiers; SURVIVE REGION FAILURE with survivalGoal "region". */
  readonly multiRegion: boolean;
  /** One of the sites' regions; undefined: the first site's. */
  readonly primaryRegion?: string;
}

export interface SqlUserSettings {
  readonly name: string;
  /** Databases the user gets ALL privileges on (each declared in `databases` or `defaultdb`). */
  readonly databases: readonly string[];
  /** Member of the admin role. */
  readonly admin: boolean;
  /** A Secret (key `password`) the user created; undefined: a generated password in Secret `cockroachdb-sql-<name>`. */
  readonly passwordSecret?: string;
}

export interface LocalBackendSettings {
  readonly type: "local";
  /** Absolute directory holding `terraform.<stack>.tfstate`. */
  readonly directory: string;
}

export interface S3BackendSettings {
  readonly type: "s3";
  readonly bucket: string;
  readonly region: string;
  /** State of stack X is at `<keyPrefix>/X.tfstate`. */
  readonly keyPrefix: string;
  /** Always true: the state holds private keys. */
  readonly encrypt: true;
  /** S3 native locking (Terraform >= 1.10). */
  readonly useLockfile: boolean;
  /** Legacy DynamoDB locking. */
  readonly dynamodbTable?: string;
  /** A customer-managed KMS key for the state objects. */
  readonly kmsKeyId?: string;
}

export interface GcsBackendSettings {
  readonly type: "gcs";
  readonly bucket: string;
  /** State of stack X is under `<prefix>/X/`. */
  readonly prefix: string;
}

export interface AzurermBackendSettings {
  readonly type: "azurerm";
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  /** State of stack X is the blob `<keyPrefix>/X.tfstate`. */
  readonly keyPrefix: string;
}

export interface CloudBackendSettings {
  readonly type: "cloud";
  readonly organization: string;
  /** Stack X uses the workspace `<workspacePrefix>-X`. */
  readonly workspacePrefix: string;
  /** Terraform Enterprise host; undefined means HCP Terraform (app.terraform.io). */
  readonly hostname?: string;
  /** HCP Terraform project the workspaces belong to. */
  readonly project?: string;
  /**
   * Where the workspaces' runs execute, set by the HCP Terraform bootstrap stack: "local" (cdktf
   * runs Terraform in your pipeline, HCP Terraform keeps the state) or "remote" (HCP Terraform runs it).
   * @default "local"
   */
  readonly executionMode?: "local" | "remote";
  /**
   * The Terraform version the bootstrap stack pins on every workspace.
   * @default DEFAULT_TERRAFORM_VERSION
   */
  readonly terraformVersion?: string;
}

export type BackendSettings =
  | LocalBackendSettings
  | S3BackendSettings
  | GcsBackendSettings
  | AzurermBackendSettings
  | CloudBackendSettings;

/** Cloud account identifiers; each one absent becomes a Terraform variable in the app. */
export interface Accounts {
  readonly awsProfile?: string;
  readonly gcpProject?: string;
  readonly azureSubscriptionId?: string;
}

/** The Skupper network between the sites. */
export interface SkupperSettings {
  /** "full" links every pair of sites; "partial" a sparse mesh the routers forward across (planLinks). */
  readonly mesh: SkupperMeshShape;
  /**
   * "namespace": each site's controller runs in the database namespace and may act only there
   * (Role, RoleBinding); "cluster": in namespace `skupper`, with a ClusterRole over every namespace.
   */
  readonly controllerScope: SkupperControllerScope;
  /** Limit each inbound router's load balancer to the egress addresses of the sites that dial it. */
  readonly restrictLinkSources: boolean;
}

/** Security settings of the whole deployment (see README "Security notes"). */
export interface SecuritySettings {
  /** NetworkPolicies in the database namespace (and enforcement in managed clusters). */
  readonly networkPolicies: boolean;
  /** Namespaces whose pods may open SQL connections (26257). */
  readonly sqlClientNamespaces: readonly string[];
  /** CIDRs that may open SQL connections (26257). */
  readonly sqlClientCidrs: readonly string[];
  /** CIDRs that may reach the DB Console (8080), besides the namespace. */
  readonly httpCidrs: readonly string[];
  /** Namespaces whose pods may scrape metrics (CockroachDB 8080, Skupper 9090/9000). */
  readonly metricsNamespaces: readonly string[];
}

export interface Topology {
  /** Where it came from: the file path, or "built-in default". */
  readonly source: string;
  readonly sites: readonly Site[];
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly statefulSetPrefix: string;
  readonly cockroach: CockroachSettings;
  readonly survivalGoal: SurvivalGoal;
  readonly backup: BackupSettings;
  readonly skupper: SkupperSettings;
  readonly backend: BackendSettings;
  readonly accounts: Accounts;
  readonly security: SecuritySettings;
}
