import { CONTROLLER_WRITTEN_ANNOTATIONS } from "../../lib/sites/site-providers";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { AksSite, AksSiteProps } from "../../lib/sites/aks-site";
import { providerCredentials } from "../../lib/core/credential-lifetimes";
import { Json, blocksOf, single, synthJson, typesOf } from "./synth";

function aksStack(props: Partial<AksSiteProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "azure-cluster");
  // azurerm 4.x needs subscription_id; a variable keeps synth free of real IDs.
  const subscription = new TerraformVariable(stack, "azure_subscription_id", { type: "string" });
  const provider = new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId: subscription.stringValue });
  const site = new AksSite(stack, "site", { provider, siteName: "azure", region: "eastus2", ...props });
  return { app, stack, site };
}

const ref = (json: Json, type: string, attribute: string) => `\${${type}.${Object.keys(blocksOf(json, type))[0]}.${attribute}}`;

describe("AksSite", () => {
  const { stack, site } = aksStack();
  const json = synthJson(stack);

  test("certificate authentication by default: local accounts stay on, no Entra ID block", () => {
    const cluster = single(json, "azurerm_kubernetes_cluster");
    expect(site.authentication).toBe("certificate");
    expect(cluster.local_account_disabled).toBeUndefined();
    expect(cluster.azure_active_directory_role_based_access_control).toBeUndefined();
  });

  test("site facts", () => {
    expect(site.cloud).toBe("azure");
    expect(site.region).toBe("eastus2");
    expect(site.zones).toEqual(["1", "2", "3"]);
    expect(site.clusterName).toBe("crdb-azure");
    expect(site.resourceGroupName).toBe("crdb-azure-rg");
    expect(site.storageClassName).toBe("managed-csi-premium");
    expect(site.loadBalancerAnnotations).toEqual({});
    expect(site.networkCidrs).toEqual({ vnetCidr: "10.30.0.0/16", nodeCidr: "10.30.0.0/16", podCidr: "10.32.0.0/14", serviceCidr: "10.31.0.0/16" });
    expect(json.provider.azurerm[0].subscription_id).toBe("${var.azure_subscription_id}");
    expect(Object.keys(json.terraform.required_providers)).toEqual(["azurerm"]);
    expect(json.data).toBeUndefined();
  });

  test("resource group, VNet and node subnet", () => {
    expect(single(json, "azurerm_resource_group")).toMatchObject({ name: "crdb-azure-rg", location: "eastus2" });
    expect(single(json, "azurerm_virtual_network")).toMatchObject({
      name: "crdb-azure-vnet",
      location: "eastus2",
      resource_group_name: ref(json, "azurerm_resource_group", "name"),
      address_space: ["10.30.0.0/16"],
    });
    expect(single(json, "azurerm_subnet")).toMatchObject({
      virtual_network_name: ref(json, "azurerm_virtual_network", "name"),
      address_prefixes: ["10.30.0.0/16"],
    });
  });

  test("cluster: explicit Azure CNI overlay profile with non-colliding service CIDR, system pool for critical add-ons", () => {
    const cluster = single(json, "azurerm_kubernetes_cluster");
    expect(cluster).toMatchObject({
      name: "crdb-azure",
      location: "eastus2",
      resource_group_name: ref(json, "azurerm_resource_group", "name"),
      dns_prefix: "crdb-azure",
      sku_tier: "Standard",
      identity: { type: "SystemAssigned" },
      role_based_access_control_enabled: true,
      network_profile: {
        network_plugin: "azure",
        network_plugin_mode: "overlay",
        pod_cidr: "10.32.0.0/14",
        service_cidr: "10.31.0.0/16",
        dns_service_ip: "10.31.0.10",
        load_balancer_sku: "standard",
        outbound_type: "loadBalancer",
      },
      default_node_pool: {
        name: "system",
        vm_size: "Standard_D4s_v5",
        node_count: 3,
        zones: ["1", "2", "3"],
        vnet_subnet_id: ref(json, "azurerm_subnet", "id"),
        only_critical_addons_enabled: true,
        temporary_name_for_rotation: "systemtmp",
        upgrade_settings: { max_surge: "10%" },
      },
    });
    expect(cluster.kubernetes_version).toBeUndefined();
    expect(cluster.api_server_access_profile).toBeUndefined();
  });

  test("user pool for the database across zones 1-3", () => {
    expect(single(json, "azurerm_kubernetes_cluster_node_pool")).toMatchObject({
      name: "crdb",
      mode: "User",
      kubernetes_cluster_id: ref(json, "azurerm_kubernetes_cluster", "id"),
      vm_size: "Standard_D8s_v5",
      node_count: 3,
      zones: ["1", "2", "3"],
      vnet_subnet_id: ref(json, "azurerm_subnet", "id"),
      os_disk_size_gb: 100,
      temporary_name_for_rotation: "crdbtmp",
    });
  });

  test("the cluster identity may manage load balancers in the subnet and with the outbound IP", () => {
    const assignments = Object.values(blocksOf(json, "azurerm_role_assignment"));
    expect(assignments.map((a) => a.scope).sort()).toEqual([ref(json, "azurerm_public_ip", "id"), ref(json, "azurerm_subnet", "id")].sort());
    for (const assignment of assignments) {
      expect(assignment).toMatchObject({
        role_definition_name: "Network Contributor",
        principal_id: ref(json, "azurerm_kubernetes_cluster", "identity[0].principal_id"),
      });
    }
    expect(typesOf(json)).toEqual([
      "azurerm_kubernetes_cluster",
      "azurerm_kubernetes_cluster_node_pool",
      "azurerm_public_ip",
      "azurerm_resource_group",
      "azurerm_role_assignment",
      "azurerm_subnet",
      "azurerm_virtual_network",
    ]);
  });

  test("options", () => {
    const { stack: custom } = aksStack({
      kubernetesVersion: "1.33.3",
      nodeCount: 5,
      machineType: "Standard_E16ads_v5",
      systemMachineType: "Standard_D2s_v5",
      systemNodeCount: 2,
      vnetCidr: "192.168.0.0/20",
      nodeCidr: "192.168.0.0/22",
      podCidr: "100.64.0.0/16",
      serviceCidr: "172.16.0.0/20",
      apiAccessCidrs: ["203.0.113.0/24"],
      skuTier: "Free",
      grantSubnetAccess: false,
      resourceGroupName: "rg-db",
    });
    const customJson = synthJson(custom);
    expect(single(customJson, "azurerm_kubernetes_cluster")).toMatchObject({
      kubernetes_version: "1.33.3",
      sku_tier: "Free",
      api_server_access_profile: { authorized_ip_ranges: ["203.0.113.0/24"] },
      network_profile: { pod_cidr: "100.64.0.0/16", service_cidr: "172.16.0.0/20", dns_service_ip: "172.16.0.10" },
      // Both pools follow kubernetesVersion, the system pool too.
      default_node_pool: { vm_size: "Standard_D2s_v5", node_count: 2, orchestrator_version: "1.33.3" },
    });
    expect(single(customJson, "azurerm_kubernetes_cluster_node_pool")).toMatchObject({
      orchestrator_version: "1.33.3",
      vm_size: "Standard_E16ads_v5",
      node_count: 5,
    });
    expect(single(customJson, "azurerm_virtual_network").address_space).toEqual(["192.168.0.0/20"]);
    expect(single(customJson, "azurerm_subnet").address_prefixes).toEqual(["192.168.0.0/22"]);
    expect(single(customJson, "azurerm_resource_group").name).toBe("rg-db");
    expect(Object.keys(blocksOf(customJson, "azurerm_role_assignment"))).toHaveLength(0);
  });
});

const ADMINS = "4a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

describe("AksSite bad input", () => {
  type Case = [name: string, props: Partial<AksSiteProps>, message: string];
  const cases: Case[] = [
    ["display name as region", { region: "East US 2" }, 'region: invalid value "East US 2". Use an Azure region name such as "eastus2" (the short location name, not "East US 2").'],
    ["zone 4", { zones: ["1", "2", "4"] }, 'zones[2]: invalid value "4". Use a zone of region "eastus2": "1", "2" or "3".'],
    ["two zones", { zones: ["1", "2"] }, 'zones: invalid value ["1","2"]. Give at least 3 distinct zones'],
    ["node count 0", { nodeCount: 0 }, "nodeCount: invalid value 0. Use a whole number >= 1."],
    ["system node count 0", { systemNodeCount: 0 }, "systemNodeCount: invalid value 0. Use a whole number >= 1."],
    ["AWS machine type", { machineType: "m6i.2xlarge" }, 'machineType: invalid value "m6i.2xlarge". Use an Azure machine type such as "Standard_D8s_v5".'],
    ["bad system machine type", { systemMachineType: "D4s_v5" }, 'systemMachineType: invalid value "D4s_v5". Use an Azure machine type'],
    ["GKE version", { kubernetesVersion: "1.34.1-gke.1000" }, 'kubernetesVersion: invalid value "1.34.1-gke.1000". Use a Kubernetes version such as "1.34" or "1.34.1".'],
    ["services overlap the VNet (AKS default range)", { nodeCidr: "10.0.0.0/16", serviceCidr: "10.0.0.0/16" }, 'serviceCidr: invalid value "10.0.0.0/16". It overlaps nodeCidr (10.0.0.0/16); choose disjoint ranges.'],
    ["pods overlap the VNet", { podCidr: "10.30.128.0/17" }, 'podCidr: invalid value "10.30.128.0/17". It overlaps nodeCidr (10.30.0.0/16)'],
    ["subnet outside the VNet", { vnetCidr: "10.40.0.0/16", nodeCidr: "10.30.0.0/20" }, 'nodeCidr: invalid value "10.30.0.0/20". The node subnet must lie inside vnetCidr (10.40.0.0/16).'],
    ["services overlap the VNet outside the subnet", { vnetCidr: "10.30.0.0/16", nodeCidr: "10.30.0.0/20", serviceCidr: "10.30.128.0/20" }, 'serviceCidr: invalid value "10.30.128.0/20". It overlaps vnetCidr (10.30.0.0/16)'],
    ["service CIDR too small for the DNS address", { serviceCidr: "10.31.0.0/29" }, 'serviceCidr: invalid value "10.31.0.0/29". It is too small to hold address number 10.'],
    [
      "reserved service range",
      { serviceCidr: "172.31.0.0/16" },
      'serviceCidr: invalid value "172.31.0.0/16". AKS reserves 172.31.0.0/16; choose a range outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24.',
    ],
    ["reserved pod range", { podCidr: "169.254.0.0/16" }, 'podCidr: invalid value "169.254.0.0/16". AKS reserves 169.254.0.0/16'],
    ["reserved VNet range", { vnetCidr: "172.30.0.0/16", nodeCidr: "172.30.0.0/20" }, 'vnetCidr: invalid value "172.30.0.0/16". AKS reserves 172.30.0.0/16'],
    ["reserved node range without a VNet of its own", { nodeCidr: "172.30.0.0/20" }, 'nodeCidr: invalid value "172.30.0.0/20". AKS reserves 172.30.0.0/16'],
    ["bad resource group", { resourceGroupName: "rg." }, 'resourceGroupName: invalid value "rg.". Use 1-90 letters'],
    [
      "Entra ID without admin groups",
      { authentication: "entraId" },
      'adminGroupObjectIds: invalid value []. With authentication "entraId" local accounts are off: list the Entra ID group(s) to make cluster-admin, including the identity that runs Terraform.',
    ],
    [
      "admin groups with certificates",
      { adminGroupObjectIds: [ADMINS] },
      `adminGroupObjectIds: invalid value ["${ADMINS}"]. They are used only with authentication "entraId"; set that too or drop the groups.`,
    ],
    [
      "group name instead of object ID",
      { authentication: "entraId", adminGroupObjectIds: ["aks-admins"] },
      'adminGroupObjectIds[0]: invalid value "aks-admins". Use the group\'s object ID, a GUID such as "00000000-0000-0000-0000-000000000000" (not its name).',
    ],
    [
      "group twice",
      { authentication: "entraId", adminGroupObjectIds: [ADMINS, ADMINS.toUpperCase()] },
      `adminGroupObjectIds: invalid value ["${ADMINS}","${ADMINS.toUpperCase()}"]. List each group once.`,
    ],
  ];
  test.each(cases)("%s", (...[, props, message]: Case) => {
    expect(() => aksStack(props)).toThrow(message);
  });
});

describe("AksSite.connect (cross-stack)", () => {
  test("kube_config client certificate through remote state, no data source", () => {
    const { app, stack, site } = aksStack();
    const platform = new TerraformStack(app, "azure-platform");
    const providers = site.connect(platform, "azure-k8s", { alias: "azure" });
    expect(providers.helm.terraformResourceType).toBe("helm");
    expect(site.ensureStorageClass(platform, "sc", providers.kubernetes)).toBe("managed-csi-premium");
    app.synth();
    const json = synthJson(platform);

    const remote = /^\$\{base64decode\(data\.terraform_remote_state\.cross-stack-reference-input-azure-cluster\.outputs\.[^)]*kube_config0(client_certificate|client_key|cluster_ca_certificate)\)\}$/;
    const [kubernetes] = json.provider.kubernetes;
    expect(kubernetes).toEqual({
      alias: "azure",
      host: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-azure-cluster\.outputs\..*kube_config0host\}$/),
      cluster_ca_certificate: expect.stringMatching(remote),
      client_certificate: expect.stringMatching(remote),
      client_key: expect.stringMatching(remote),
      ignore_annotations: CONTROLLER_WRITTEN_ANNOTATIONS,
    });
    expect(kubernetes.client_key).toContain("client_key");
    const [helm] = json.provider.helm;
    const connection = Object.fromEntries(Object.entries(kubernetes).filter(([key]) => key !== "alias" && key !== "ignore_annotations"));
    expect(helm).toEqual({ alias: "azure", kubernetes: connection });
    expect(Object.keys(json.data)).toEqual(["terraform_remote_state"]);
    expect(Object.keys(json.terraform.required_providers).sort()).toEqual(["helm", "kubernetes"]);

    // The client key crosses stacks only as a sensitive output.
    const keyOutput = Object.values(synthJson(stack).output).find((o: Json) => /kube_config\[0\]\.client_key/.test(o.value)) as Json;
    expect(keyOutput.sensitive).toBe(true);
    expect(providerCredentials(json).map((c) => [c.provider, c.kind]).sort()).toEqual([
      ["helm.azure", "client certificate"],
      ["kubernetes.azure", "client certificate"],
    ]);
  });

  test("entraId: local accounts off, Azure RBAC with admin groups, kubelogin exec and no certificate in any other stack", () => {
    const { app, stack, site } = aksStack({ authentication: "entraId", adminGroupObjectIds: [ADMINS] });
    const platform = new TerraformStack(app, "azure-platform");
    const providers = site.connect(platform, "azure-k8s");
    expect(providers.helm.terraformResourceType).toBe("helm");
    app.synth();
    const cluster = single(synthJson(stack), "azurerm_kubernetes_cluster");
    expect(cluster).toMatchObject({
      local_account_disabled: true,
      role_based_access_control_enabled: true,
      azure_active_directory_role_based_access_control: { azure_rbac_enabled: true, admin_group_object_ids: [ADMINS] },
    });
    const json = synthJson(platform);
    const [kubernetes] = json.provider.kubernetes;
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "kubelogin",
      args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
    };
    expect(kubernetes).toMatchObject({
      host: expect.stringMatching(/kube_config0host\}$/),
      cluster_ca_certificate: expect.stringMatching(/kube_config0cluster_ca_certificate\)\}$/),
      exec: [exec],
    });
    expect(json.provider.helm[0].kubernetes).toMatchObject({ host: kubernetes.host, cluster_ca_certificate: kubernetes.cluster_ca_certificate, exec });
    // Neither the consuming stack nor the cluster stack's outputs carry the certificate or its key.
    expect(JSON.stringify(json)).not.toMatch(/client_(certificate|key)/);
    expect(JSON.stringify(synthJson(stack).output)).not.toMatch(/client_(certificate|key)/);
    // The credential analysis sees a refreshing credential: waits are unbounded by it.
    expect(providerCredentials(json).sort((a, b) => a.provider.localeCompare(b.provider))).toEqual([
      { provider: "helm", kind: "exec credential plugin", lifetime: Infinity },
      { provider: "kubernetes", kind: "exec credential plugin", lifetime: Infinity },
    ]);
  });
});
