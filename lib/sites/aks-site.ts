import { Fn } from "cdktf";
import { Construct } from "constructs";
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { checkInteger, fail } from "../core/validation";
import { CloudSiteProps, ConnectOptions, KubernetesSite, SiteProviders } from "./kubernetes-site";
import { checkAksNetwork, checkMachineType, resolveCloudSiteInputs, warnIfApiOpen } from "./site-inputs";
import { ClusterCredentials, createSiteProviders } from "./site-providers";
import { AKS_AAD_SERVER_APPLICATION_ID, AksAuthentication, checkAksAuthentication } from "./control-plane";

export interface AksSiteProps extends CloudSiteProps {
  /** The cluster stack's azurerm provider (4.x needs its subscription_id; a token is fine). */
  readonly provider: AzurermProvider;
  /**
   * Resource group created for the cluster's network and cluster.
   * @default `<clusterName>-rg`
   */
  readonly resourceGroupName?: string;
  /**
   * The node subnet.
   * @default "10.30.0.0/16"
   */
  readonly nodeCidr?: string;
  /**
   * Address space of the VNet; must contain `nodeCidr` (room to add subnets later).
   * @default nodeCidr
   */
  readonly vnetCidr?: string;
  /**
   * Pod addresses of the Azure CNI overlay (not routable outside the cluster).
   * @default "10.32.0.0/14"
   */
  readonly podCidr?: string;
  /**
   * Service addresses; the DNS service takes the 10th address. Set explicitly because the
   * AKS default, 10.0.0.0/16, collides with common VPC ranges.
   * @default "10.31.0.0/16"
   */
  readonly serviceCidr?: string;
  /**
   * Machine type of the system pool, which runs only critical add-ons.
   * @default "Standard_D4s_v5"
   */
  readonly systemMachineType?: string;
  /**
   * Nodes in the system pool, spread over the zones.
   * @default 3
   */
  readonly systemNodeCount?: number;
  /**
   * AKS pricing tier; "Standard" carries the uptime SLA a production control plane needs.
   * @default "Standard"
   */
  readonly skuTier?: "Free" | "Standard" | "Premium";
  /**
   * Grant the cluster identity Network Contributor on the node subnet, which AKS needs in a
   * VNet it did not create, and on the outbound public IP, which the cloud provider joins to
   * the load balancer whenever a LoadBalancer Service changes it (needs Owner or User Access
   * Administrator where Terraform runs).
   * @default true
   */
  readonly grantSubnetAccess?: boolean;
  /**
   * The cluster's OIDC issuer and workload identity, which let pods act as Entra ID identities
   * without keys (backups to Blob Storage use it). Once on, AKS cannot turn the issuer off.
   * @default true
   */
  readonly workloadIdentity?: boolean;
  /**
   * How the cluster is administered and how consuming stacks authenticate. "certificate": AKS
   * local accounts, and the stacks use kube_config's admin client certificate, which lands in
   * their states (works anywhere Terraform runs, HCP Terraform remote runs included).
   * "entraId": the hardened choice where the Azure CLI is logged in next to Terraform: local
   * accounts disabled, Entra ID authentication with Azure RBAC, and the stacks run
   * `kubelogin get-token --login azurecli` (needs kubelogin and az), so no long-lived credential
   * is in any state. AKS keeps Entra ID integration once it is on.
   * @default "certificate"
   */
  readonly authentication?: AksAuthentication;
  /**
   * Entra ID groups made cluster-admin with "entraId" authentication (required there, and the
   * identity that runs Terraform must be a member); object IDs, not names.
   * @default []
   */
  readonly adminGroupObjectIds?: readonly string[];
}

/**
 * An AKS cluster ready for CockroachDB: resource group, VNet and subnet, an explicit Azure CNI
 * overlay network profile, a system pool that runs only critical add-ons and a user pool for
 * the database, both over zones 1-3 and both replaceable in place (temporary_name_for_rotation).
 */
export class AksSite extends Construct implements KubernetesSite {
  readonly siteName: string;
  readonly cloud = "azure" as const;
  readonly region: string;
  readonly zones: readonly string[];
  readonly clusterName: string;
  /** Exists on every AKS cluster: Premium SSD, WaitForFirstConsumer, expandable. */
  readonly storageClassName = "managed-csi-premium";
  readonly loadBalancerAnnotations: Readonly<Record<string, string>> = {};
  /** The outbound public IP of the cluster's load balancer (/32): all outbound traffic leaves from it. */
  readonly egressCidrs: readonly string[];
  readonly resourceGroupName: string;
  readonly networkCidrs: Readonly<Record<string, string>>;
  readonly cluster: KubernetesCluster;
  readonly nodePool: KubernetesClusterNodePool;
  /** How consuming stacks authenticate (see AksSiteProps.authentication). */
  readonly authentication: AksAuthentication;

  constructor(scope: Construct, id: string, props: AksSiteProps) {
    super(scope, id);
    const inputs = resolveCloudSiteInputs("azure", props);
    warnIfApiOpen(this, inputs.siteName, inputs.apiAccessCidrs);
    const { region, zones, clusterName } = inputs;
    const nodeCidr = props.nodeCidr ?? "10.30.0.0/16";
    const { vnetCidr, podCidr, serviceCidr, dnsServiceIp } = checkAksNetwork(
      {
        vnetCidr: props.vnetCidr ?? nodeCidr,
        nodeCidr,
        podCidr: props.podCidr ?? "10.32.0.0/14",
        serviceCidr: props.serviceCidr ?? "10.31.0.0/16",
      },
      // Without a vnetCidr of its own the VNet is the node subnet: name the prop that was set.
      props.vnetCidr === undefined ? { vnetCidr: "nodeCidr" } : {},
    );
    const systemMachineType = checkMachineType("azure", "systemMachineType", props.systemMachineType ?? "Standard_D4s_v5");
    const systemNodeCount = checkInteger("systemNodeCount", props.systemNodeCount ?? 3, 1);
    const authentication = props.authentication ?? "certificate";
    const adminGroupObjectIds = checkAksAuthentication(authentication, props.adminGroupObjectIds ?? []);
    const resourceGroupName = props.resourceGroupName ?? `${clusterName}-rg`;
    if (!/^[-\w.()]{1,89}[-\w()]$/.test(resourceGroupName)) {
      fail("resourceGroupName", resourceGroupName, "Use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'.");
    }

    this.siteName = inputs.siteName;
    this.region = region;
    this.zones = zones;
    this.clusterName = clusterName;
    this.networkCidrs = { vnetCidr, nodeCidr, podCidr, serviceCidr };
    this.resourceGroupName = resourceGroupName;
    this.authentication = authentication;
    const provider = props.provider;

    const group = new ResourceGroup(this, "rg", { provider, name: resourceGroupName, location: region });
    const vnet = new VirtualNetwork(this, "vnet", {
      provider,
      name: `${clusterName}-vnet`,
      location: region,
      resourceGroupName: group.name,
      addressSpace: [vnetCidr],
    });
    const subnet = new Subnet(this, "nodes-subnet", {
      provider,
      name: "nodes",
      resourceGroupName: group.name,
      virtualNetworkName: vnet.name,
      addressPrefixes: [nodeCidr],
    });
    // Our own outbound address instead of one AKS manages, so that peers can allow exactly it
    // (the Skupper routers' load balancer source ranges). One holds 64000 SNAT ports, AKS's
    // own default; zone-redundant like the pools.
    const egressIp = new PublicIp(this, "egress-ip", {
      provider,
      name: `${clusterName}-egress`,
      location: region,
      resourceGroupName: group.name,
      allocationMethod: "Static",
      sku: "Standard",
      zones,
    });
    this.egressCidrs = [`${egressIp.ipAddress}/32`];
    // Without an explicit setting AKS keeps a surge default that Terraform then shows as drift.
    const upgradeSettings = { maxSurge: "10%" };

    this.cluster = new KubernetesCluster(this, "cluster", {
      provider,
      name: clusterName,
      location: region,
      resourceGroupName: group.name,
      dnsPrefix: clusterName,
      kubernetesVersion: inputs.kubernetesVersion,
      skuTier: props.skuTier ?? "Standard",
      identity: { type: "SystemAssigned" },
      roleBasedAccessControlEnabled: true,
      // Without local accounts nobody holds a credential that outlives its Entra ID identity.
      ...(authentication === "entraId"
        ? { localAccountDisabled: true, azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, adminGroupObjectIds } }
        : {}),
      defaultNodePool: {
        name: "system",
        vmSize: systemMachineType,
        nodeCount: systemNodeCount,
        zones,
        vnetSubnetId: subnet.id,
        // Without it the system pool stays on its version when kubernetesVersion is raised.
        orchestratorVersion: inputs.kubernetesVersion,
        // Taints the pool CriticalAddonsOnly so the database lands on the user pool.
        onlyCriticalAddonsEnabled: true,
        temporaryNameForRotation: "systemtmp",
        upgradeSettings,
      },
      // Leaving the profile out gives kubenet, and changing it later replaces the cluster.
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr,
        serviceCidr,
        dnsServiceIp,
        loadBalancerSku: "standard",
        // Azure CNI powered by Cilium: the policy engine that fits the overlay (Azure NPM is
        // being retired); without one AKS ignores NetworkPolicies.
        ...((props.networkPolicyEnforcement ?? true) ? { networkDataPlane: "cilium", networkPolicy: "cilium" } : {}),
        outboundType: "loadBalancer",
        loadBalancerProfile: { outboundIpAddressIds: [egressIp.id] },
      },
      apiServerAccessProfile: inputs.apiAccessCidrs ? { authorizedIpRanges: inputs.apiAccessCidrs } : undefined,
      oidcIssuerEnabled: props.workloadIdentity ?? true,
      workloadIdentityEnabled: props.workloadIdentity ?? true,
    });

    if (props.grantSubnetAccess ?? true) {
      for (const [id, scope] of [["subnet-network-contributor", subnet.id], ["egress-ip-network-contributor", egressIp.id]]) {
        new RoleAssignment(this, id, {
          provider,
          scope,
          roleDefinitionName: "Network Contributor",
          principalId: this.cluster.identity.principalId,
          principalType: "ServicePrincipal",
        });
      }
    }

    this.nodePool = new KubernetesClusterNodePool(this, "nodes", {
      provider,
      name: "crdb",
      mode: "User",
      kubernetesClusterId: this.cluster.id,
      orchestratorVersion: inputs.kubernetesVersion,
      vmSize: inputs.machineType,
      nodeCount: inputs.nodeCount,
      zones,
      vnetSubnetId: subnet.id,
      osDiskSizeGb: inputs.diskSizeGb,
      osDiskType: "Managed",
      temporaryNameForRotation: "crdbtmp",
      upgradeSettings,
      nodeLabels: { "cockroachdb.com/site": this.siteName },
    });
  }

  connect(scope: Construct, id: string, options: ConnectOptions = {}): SiteProviders {
    // No data source, only this cluster's attributes, read by remote state from another stack.
    const kubeConfig = this.cluster.kubeConfig.get(0);
    const base = { host: kubeConfig.host, clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate) };
    const credentials: ClusterCredentials =
      this.authentication === "entraId"
        ? {
            ...base,
            // The Azure CLI's login gets a token for the AKS server application; refreshed when it expires.
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "kubelogin",
              args: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APPLICATION_ID],
            },
          }
        : {
            ...base,
            // The admin client certificate of the local accounts: it is copied into this stack's state.
            clientCertificate: Fn.base64decode(kubeConfig.clientCertificate),
            clientKey: Fn.base64decode(kubeConfig.clientKey),
          };
    return createSiteProviders(new Construct(scope, id), credentials, options.alias);
  }

  ensureStorageClass(_scope: Construct, _id: string, _kubernetes: KubernetesProvider): string {
    return this.storageClassName;
  }
}
