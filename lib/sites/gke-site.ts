import { Fn } from "cdktf";
import { Construct } from "constructs";
import { ComputeAddress } from "@cdktf/provider-google/lib/compute-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { fail } from "../core/validation";
import { CloudSiteProps, ConnectOptions, KubernetesSite, SiteProviders } from "./kubernetes-site";
import { checkGcpProjectId, checkGkeNetwork, checkGkeNodeCount, isLiteral, resolveCloudSiteInputs, warnIfApiOpen } from "./site-inputs";
import { createSiteProviders, requireCloudProvider } from "./site-providers";
import { checkGkeSecretsEncryptionKey } from "./control-plane";

/** Access is governed by the node account's IAM roles, not by scopes (Google's advice). */
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export type GkeReleaseChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";

export interface GkeSiteProps extends CloudSiteProps {
  /**
   * The cluster stack's google provider. Its region and project need not match: every
   * resource names `project` and the region (or zones) itself.
   */
  readonly provider: GoogleProvider;
  /** The project ID; a plain string or a token (e.g. a TerraformVariable's value). */
  readonly project: string;
  /**
   * Primary range of the subnet: node addresses; /29 or larger.
   * @default "10.20.0.0/20"
   */
  readonly nodeCidr?: string;
  /**
   * Secondary range for pod addresses (VPC-native); /24 or larger, and GKE takes a /24 of
   * it for each node (110 pods per node).
   * @default "10.24.0.0/14"
   */
  readonly podCidr?: string;
  /**
   * Secondary range for Service addresses.
   * @default "10.21.0.0/20"
   */
  readonly serviceCidr?: string;
  /**
   * GKE release channel; GKE upgrades the control plane and nodes along it.
   * @default "REGULAR"
   */
  readonly releaseChannel?: GkeReleaseChannel;
  /**
   * Whether Terraform refuses to delete the cluster. Set it to false (and apply) before
   * `cdktf destroy`.
   * @default true (the provider's default)
   */
  readonly deletionProtection?: boolean;
  /**
   * Boot disk type of the nodes (N4/C4 machines need "hyperdisk-balanced").
   * @default "pd-balanced" (SSD)
   */
  readonly diskType?: string;
  /**
   * A Cloud KMS key (`projects/<p>/locations/<region>/keyRings/<r>/cryptoKeys/<k>`, in the
   * cluster's region) that encrypts Kubernetes Secrets at the application layer, on top of
   * Google's default encryption at rest. The key is yours to create and keep: the GKE service
   * agent `service-<project number>@container-engine-robot.iam.gserviceaccount.com` needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it before the cluster is created, and
   * destroying or disabling the key makes the cluster's Secrets unreadable. Setting or
   * removing it later updates the cluster in place (GKE re-encrypts or decrypts the Secrets).
   * @default none: Google-managed encryption at rest only
   */
  readonly secretsEncryptionKey?: string;
}

/**
 * A regional GKE cluster ready for CockroachDB: custom VPC and subnet with secondary ranges
 * for pods and Services, private nodes with Cloud NAT for egress, no default node pool and a
 * separate node pool over the zones under a least-privilege node service account, workload
 * identity and a release channel.
 */
export class GkeSite extends Construct implements KubernetesSite {
  readonly siteName: string;
  readonly cloud = "gcp" as const;
  // google_client_config returns an OAuth2 access token of the default credentials: 3600 s.
  readonly credentialLifetimeMinutes = 60;
  readonly region: string;
  readonly zones: readonly string[];
  readonly clusterName: string;
  /** Exists on every GKE cluster: pd-ssd, WaitForFirstConsumer, expandable. */
  readonly storageClassName = "premium-rwo";
  readonly loadBalancerAnnotations: Readonly<Record<string, string>> = {};
  /** The Cloud NAT's reserved address (/32): every node's and pod's outbound traffic leaves from it. */
  readonly egressCidrs: readonly string[];
  readonly networkCidrs: Readonly<Record<string, string>>;
  readonly cluster: ContainerCluster;
  readonly nodePool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkeSiteProps) {
    super(scope, id);
    const inputs = resolveCloudSiteInputs("gcp", props);
    warnIfApiOpen(this, inputs.siteName, inputs.apiAccessCidrs);
    const { region, zones, clusterName } = inputs;
    const project = props.project;
    if (typeof project !== "string" || project === "") fail("project", project, "Give the Google Cloud project ID (a string or a token).");
    if (isLiteral(project)) checkGcpProjectId("project", project);
    checkGkeNodeCount("nodeCount", inputs.nodeCount, zones.length);
    const secretsEncryptionKey =
      props.secretsEncryptionKey === undefined ? undefined : checkGkeSecretsEncryptionKey("secretsEncryptionKey", props.secretsEncryptionKey, region);
    const { nodeCidr, podCidr, serviceCidr } = checkGkeNetwork(
      { nodeCidr: props.nodeCidr ?? "10.20.0.0/20", podCidr: props.podCidr ?? "10.24.0.0/14", serviceCidr: props.serviceCidr ?? "10.21.0.0/20" },
      {},
      inputs.nodeCount + zones.length,
    );

    this.siteName = inputs.siteName;
    this.region = region;
    this.zones = zones;
    this.clusterName = clusterName;
    this.networkCidrs = { nodeCidr, podCidr, serviceCidr };
    const provider = props.provider;

    const network = new ComputeNetwork(this, "network", {
      provider,
      project,
      name: `${clusterName}-net`,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
    });
    const subnet = new ComputeSubnetwork(this, "subnet", {
      provider,
      project,
      name: `${clusterName}-nodes`,
      region,
      network: network.id,
      ipCidrRange: nodeCidr,
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: "pods", ipCidrRange: podCidr },
        { rangeName: "services", ipCidrRange: serviceCidr },
      ],
    });
    // Private nodes have no public address: Cloud NAT gives them egress (image pulls).
    const router = new ComputeRouter(this, "router", { provider, project, name: `${clusterName}-router`, region, network: network.id });
    // A reserved address instead of automatic ones, so that peers can allow exactly it (the
    // Skupper routers' load balancer source ranges). One address holds 64512 ports: 1008
    // nodes at Cloud NAT's default of 64 ports per VM.
    const natAddress = new ComputeAddress(this, "nat-address", {
      provider,
      project,
      name: `${clusterName}-nat`,
      region,
      addressType: "EXTERNAL",
    });
    this.egressCidrs = [`${natAddress.address}/32`];
    new ComputeRouterNat(this, "nat", {
      provider,
      project,
      name: `${clusterName}-nat`,
      region,
      router: router.name,
      natIpAllocateOption: "MANUAL_ONLY",
      natIps: [natAddress.selfLink],
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });

    // The Compute Engine default service account has the project-wide Editor role.
    const nodeAccount = new ServiceAccount(this, "node-sa", {
      provider,
      project,
      accountId: `${clusterName.slice(0, 24)}-nodes`,
      displayName: `GKE nodes of ${clusterName}`,
    });
    const nodeAccountRole = new ProjectIamMember(this, "node-sa-role", {
      provider,
      project,
      role: "roles/container.defaultNodeServiceAccount",
      member: nodeAccount.member,
    });

    this.cluster = new ContainerCluster(this, "cluster", {
      provider,
      project,
      name: clusterName,
      // A region, not a zone: a regional control plane survives a zone outage.
      location: region,
      nodeLocations: zones,
      minMasterVersion: inputs.kubernetesVersion,
      releaseChannel: { channel: props.releaseChannel ?? "REGULAR" },
      deletionProtection: props.deletionProtection ?? true,
      network: network.id,
      subnetwork: subnet.id,
      networkingMode: "VPC_NATIVE",
      // Dataplane V2 (Cilium) enforces NetworkPolicies; the legacy datapath ignores them.
      datapathProvider: (props.networkPolicyEnforcement ?? true) ? "ADVANCED_DATAPATH" : undefined,
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
      // The default pool cannot be shaped or replaced independently: drop it for our own.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The temporary default pool still runs for a moment: under our node account, not the
      // Compute Engine default one, which many organisations disable.
      nodeConfig: {
        serviceAccount: nodeAccount.email,
        oauthScopes: [CLOUD_PLATFORM_SCOPE],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      // Nodes prove their identity with a vTPM when they join: a stolen node credential cannot impersonate a node.
      enableShieldedNodes: true,
      // Stated even when off, so that removing the key decrypts the Secrets instead of leaving them encrypted unseen.
      databaseEncryption: secretsEncryptionKey ? { state: "ENCRYPTED", keyName: secretsEncryptionKey } : { state: "DECRYPTED" },
      workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
      masterAuthorizedNetworksConfig: inputs.apiAccessCidrs
        ? { cidrBlocks: inputs.apiAccessCidrs.map((cidrBlock, i) => ({ cidrBlock, displayName: `api-access-${i}` })) }
        : undefined,
      dependsOn: [nodeAccountRole],
      // Once the default pool is gone the API reports another pool's config (or none) as the
      // cluster's node_config, and every difference there would replace the cluster
      // (hashicorp/terraform-provider-google#12070). It only ever shaped the removed pool.
      lifecycle: { ignoreChanges: ["node_config"] },
    });

    this.nodePool = new ContainerNodePool(this, "nodes", {
      provider,
      project,
      name: "crdb",
      cluster: this.cluster.id,
      location: region,
      // Per zone in a regional cluster.
      nodeCount: inputs.nodeCount / zones.length,
      management: { autoRepair: true, autoUpgrade: true },
      // Surge one node at a time, never below the database's node count.
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: inputs.machineType,
        diskSizeGb: inputs.diskSizeGb,
        diskType: props.diskType ?? "pd-balanced",
        imageType: "COS_CONTAINERD",
        serviceAccount: nodeAccount.email,
        oauthScopes: [CLOUD_PLATFORM_SCOPE],
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        labels: { "cockroachdb.com/site": this.siteName },
      },
      dependsOn: [nodeAccountRole],
    });
  }

  connect(scope: Construct, id: string, options: ConnectOptions = {}): SiteProviders {
    const connection = new Construct(scope, id);
    const google = requireCloudProvider(options.cloudProvider, "google", this.siteName, "google_client_config reads the caller's access token with it");
    const client = new DataGoogleClientConfig(connection, "client", { provider: google });
    return createSiteProviders(
      connection,
      {
        host: `https://${this.cluster.endpoint}`,
        clusterCaCertificate: Fn.base64decode(this.cluster.masterAuth.clusterCaCertificate),
        token: client.accessToken,
      },
      options.alias,
    );
  }

  ensureStorageClass(_scope: Construct, _id: string, _kubernetes: KubernetesProvider): string {
    return this.storageClassName;
  }
}
