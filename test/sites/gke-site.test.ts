import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { GkeSite, GkeSiteProps } from "../../lib/sites/gke-site";
import { Json, blocksOf, single, synthJson, typesOf } from "./synth";

function gkeStack(props: Partial<GkeSiteProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "gcp-cluster");
  const provider = new GoogleProvider(stack, "google", {});
  const site = new GkeSite(stack, "site", { provider, siteName: "gcp", region: "us-central1", project: "crdb-prod-1", ...props });
  return { app, stack, site };
}

const ref = (json: Json, type: string, attribute: string) => `\${${type}.${Object.keys(blocksOf(json, type))[0]}.${attribute}}`;

describe("GkeSite", () => {
  const { stack, site } = gkeStack();
  const json = synthJson(stack);

  test("site facts", () => {
    expect(site.cloud).toBe("gcp");
    expect(site.zones).toEqual(["us-central1-a", "us-central1-b", "us-central1-c"]);
    expect(site.clusterName).toBe("crdb-gcp");
    expect(site.storageClassName).toBe("premium-rwo");
    expect(site.loadBalancerAnnotations).toEqual({});
    // The Cloud NAT's reserved address, known after apply.
    expect(site.egressCidrs).toHaveLength(1);
    expect(site.egressCidrs[0]).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}\/32$/);
    expect(site.networkCidrs).toEqual({ nodeCidr: "10.20.0.0/20", podCidr: "10.24.0.0/14", serviceCidr: "10.21.0.0/20" });
    expect(Object.keys(json.terraform.required_providers)).toEqual(["google"]);
    expect(json.data).toBeUndefined();
  });

  test("custom network and subnet with secondary ranges for pods and Services", () => {
    expect(single(json, "google_compute_network")).toMatchObject({
      name: "crdb-gcp-net",
      project: "crdb-prod-1",
      auto_create_subnetworks: false,
    });
    expect(single(json, "google_compute_subnetwork")).toEqual(
      expect.objectContaining({
        region: "us-central1",
        network: ref(json, "google_compute_network", "id"),
        ip_cidr_range: "10.20.0.0/20",
        private_ip_google_access: true,
        secondary_ip_range: [
          { range_name: "pods", ip_cidr_range: "10.24.0.0/14" },
          { range_name: "services", ip_cidr_range: "10.21.0.0/20" },
        ],
      }),
    );
    expect(single(json, "google_compute_router_nat")).toMatchObject({
      router: ref(json, "google_compute_router", "name"),
      region: "us-central1",
      // A reserved address, so that peers can admit exactly it.
      nat_ip_allocate_option: "MANUAL_ONLY",
      nat_ips: [ref(json, "google_compute_address", "self_link")],
      source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
    });
  });

  test("regional VPC-native cluster without default pool, workload identity, release channel, deletion protection", () => {
    const cluster = single(json, "google_container_cluster");
    expect(cluster).toMatchObject({
      name: "crdb-gcp",
      project: "crdb-prod-1",
      location: "us-central1",
      node_locations: ["us-central1-a", "us-central1-b", "us-central1-c"],
      network: ref(json, "google_compute_network", "id"),
      subnetwork: ref(json, "google_compute_subnetwork", "id"),
      networking_mode: "VPC_NATIVE",
      ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
      remove_default_node_pool: true,
      initial_node_count: 1,
      workload_identity_config: { workload_pool: "crdb-prod-1.svc.id.goog" },
      release_channel: { channel: "REGULAR" },
      deletion_protection: true,
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false },
    });
    expect(cluster.master_authorized_networks_config).toBeUndefined();
    expect(cluster.min_master_version).toBeUndefined();
    expect(cluster.node_pool).toBeUndefined();
  });

  test("shielded nodes; Secrets stated as Google-encrypted only, without a key", () => {
    const cluster = single(json, "google_container_cluster");
    expect(cluster.enable_shielded_nodes).toBe(true);
    expect(cluster.database_encryption).toEqual({ state: "DECRYPTED" });
    expect(typesOf(json).filter((type) => type.startsWith("google_kms"))).toEqual([]);
  });

  test("application-layer Secret encryption with the user's Cloud KMS key", () => {
    const keyName = "projects/crdb-security/locations/us-central1/keyRings/gke/cryptoKeys/secrets";
    const { stack: encrypted } = gkeStack({ secretsEncryptionKey: keyName });
    const encryptedJson = synthJson(encrypted);
    expect(single(encryptedJson, "google_container_cluster").database_encryption).toEqual({ state: "ENCRYPTED", key_name: keyName });
    // The key and its grant to the GKE service agent are the user's: the stack plans without a data source.
    expect(encryptedJson.data).toBeUndefined();
  });

  test("the temporary default pool runs as the node account, not the Compute Engine default one", () => {
    const cluster = single(json, "google_container_cluster");
    expect(cluster.node_config).toEqual({
      service_account: ref(json, "google_service_account", "email"),
      oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
    });
    expect(cluster.depends_on).toEqual([`google_project_iam_member.${Object.keys(blocksOf(json, "google_project_iam_member"))[0]}`]);
    // Read back after the pool is gone, node_config would otherwise replace the cluster.
    expect(cluster.lifecycle).toEqual({ ignore_changes: ["node_config"] });
  });

  test("separate node pool over the zones with a least-privilege service account", () => {
    const pool = single(json, "google_container_node_pool");
    expect(pool).toMatchObject({
      cluster: ref(json, "google_container_cluster", "id"),
      location: "us-central1",
      node_count: 1,
      management: { auto_repair: true, auto_upgrade: true },
      node_config: {
        machine_type: "n2-standard-8",
        disk_size_gb: 100,
        disk_type: "pd-balanced",
        service_account: ref(json, "google_service_account", "email"),
        oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
        workload_metadata_config: { mode: "GKE_METADATA" },
        shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      },
    });
    expect(single(json, "google_service_account").account_id).toBe("crdb-gcp-nodes");
    expect(single(json, "google_project_iam_member")).toMatchObject({
      role: "roles/container.defaultNodeServiceAccount",
      member: ref(json, "google_service_account", "member"),
    });
    expect(pool.depends_on).toEqual([`google_project_iam_member.${Object.keys(blocksOf(json, "google_project_iam_member"))[0]}`]);
    expect(typesOf(json)).toEqual([
      "google_compute_address",
      "google_compute_network",
      "google_compute_router",
      "google_compute_router_nat",
      "google_compute_subnetwork",
      "google_container_cluster",
      "google_container_node_pool",
      "google_project_iam_member",
      "google_service_account",
    ]);
  });

  test("options: zones, node count per zone, version, channel, API CIDRs, no deletion protection", () => {
    const { stack: custom } = gkeStack({
      region: "us-east1",
      nodeCount: 6,
      kubernetesVersion: "1.33.5-gke.1000",
      releaseChannel: "STABLE",
      deletionProtection: false,
      apiAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
      machineType: "c4-standard-8",
      diskType: "hyperdisk-balanced",
    });
    const customJson = synthJson(custom);
    const cluster = single(customJson, "google_container_cluster");
    expect(cluster).toMatchObject({
      node_locations: ["us-east1-b", "us-east1-c", "us-east1-d"],
      min_master_version: "1.33.5-gke.1000",
      release_channel: { channel: "STABLE" },
      deletion_protection: false,
      master_authorized_networks_config: {
        cidr_blocks: [
          { cidr_block: "203.0.113.0/24", display_name: "api-access-0" },
          { cidr_block: "198.51.100.7/32", display_name: "api-access-1" },
        ],
      },
    });
    expect(single(customJson, "google_container_node_pool")).toMatchObject({
      node_count: 2,
      node_config: { machine_type: "c4-standard-8", disk_type: "hyperdisk-balanced" },
    });
  });

  test("the project may be a token, e.g. a TerraformVariable", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "gcp-cluster");
    const project = new TerraformVariable(stack, "gcp_project", { type: "string" });
    new GkeSite(stack, "site", { provider: new GoogleProvider(stack, "google", {}), siteName: "gcp", region: "us-central1", project: project.stringValue });
    const json = synthJson(stack);
    expect(single(json, "google_container_cluster").workload_identity_config.workload_pool).toBe("${var.gcp_project}.svc.id.goog");
    expect(single(json, "google_compute_network").project).toBe("${var.gcp_project}");
  });
});

describe("GkeSite bad input", () => {
  type Case = [name: string, props: Partial<GkeSiteProps>, message: string];
  const cases: Case[] = [
    ["malformed region", { region: "us-central" }, 'region: invalid value "us-central". Use a Google Cloud region name such as "us-central1".'],
    ["AWS region on GCP", { region: "us-west-2" }, 'region: invalid value "us-west-2"'],
    ["zone of another region", { zones: ["us-central1-a", "us-central1-b", "us-east1-b"] }, 'zones[2]: invalid value "us-east1-b". Use a zone of region "us-central1": "us-central1-a".'],
    ["AWS-style zone", { zones: ["us-central1a", "us-central1-b", "us-central1-c"] }, 'zones[0]: invalid value "us-central1a"'],
    ["one zone", { zones: ["us-central1-a"] }, 'zones: invalid value ["us-central1-a"]. Give at least 3 distinct zones'],
    ["node count not a multiple of zones", { nodeCount: 4 }, "nodeCount: invalid value 4. GKE runs the same number of nodes in each zone; use a multiple of the 3 zones."],
    ["node count 0", { nodeCount: 0 }, "nodeCount: invalid value 0. Use a whole number >= 1."],
    ["Azure machine type", { machineType: "Standard_D8s_v5" }, 'machineType: invalid value "Standard_D8s_v5". Use a Google Cloud machine type such as "n2-standard-8".'],
    ["bad version", { kubernetesVersion: "v1.34" }, 'kubernetesVersion: invalid value "v1.34". Use a Kubernetes version such as "1.34" or "1.34.1-gke.1000".'],
    ["project name instead of ID", { project: "My Project" }, 'project: invalid value "My Project". Use a project ID (not the name or number)'],
    ["empty project", { project: "" }, 'project: invalid value "". Give the Google Cloud project ID'],
    ["pods overlap nodes", { podCidr: "10.20.0.0/14" }, 'podCidr: invalid value "10.20.0.0/14". It overlaps nodeCidr (10.20.0.0/20); choose disjoint ranges.'],
    ["services overlap pods", { serviceCidr: "10.25.0.0/20" }, 'serviceCidr: invalid value "10.25.0.0/20". It overlaps podCidr (10.24.0.0/14)'],
    ["node range too small", { nodeCidr: "10.20.0.0/30" }, 'nodeCidr: invalid value "10.20.0.0/30". Use a /29 or larger block: Google Cloud\'s smallest subnet range; it reserves 4 of its addresses.'],
    ["pod range too small", { podCidr: "10.24.0.0/25" }, 'podCidr: invalid value "10.24.0.0/25". Use a /24 or larger block: GKE takes a /24 of it for each node (110 pods per node).'],
    ["project ending with a dash", { project: "crdb-prod-" }, 'project: invalid value "crdb-prod-". Use a project ID (not the name or number) such as "my-project-123"'],
    ["bad API CIDR", { apiAccessCidrs: ["203.0.113.0/33"] }, 'apiAccessCidrs[0]: invalid value "203.0.113.0/33". Use an IPv4 CIDR block'],
    [
      "key version instead of key",
      { secretsEncryptionKey: "projects/p-123456/locations/us-central1/keyRings/gke/cryptoKeys/secrets/cryptoKeyVersions/1" },
      'secretsEncryptionKey: invalid value "projects/p-123456/locations/us-central1/keyRings/gke/cryptoKeys/secrets/cryptoKeyVersions/1". Use a Cloud KMS key name: projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key> (not a key version).',
    ],
    [
      "key in another location",
      { secretsEncryptionKey: "projects/p-123456/locations/global/keyRings/gke/cryptoKeys/secrets" },
      'secretsEncryptionKey: invalid value "projects/p-123456/locations/global/keyRings/gke/cryptoKeys/secrets". The key is in location "global"; GKE needs it in the cluster\'s region "us-central1".',
    ],
  ];
  test.each(cases)("%s", (...[, props, message]: Case) => {
    expect(() => gkeStack(props)).toThrow(message);
  });
});

describe("GkeSite.connect (cross-stack)", () => {
  test("google_client_config token in the consuming stack, https endpoint and CA by remote state", () => {
    const { app, stack, site } = gkeStack();
    const platform = new TerraformStack(app, "gcp-platform");
    const google = new GoogleProvider(platform, "google", {});
    const providers = site.connect(platform, "gcp-k8s", { cloudProvider: google });
    expect(providers.helm.terraformResourceType).toBe("helm");
    expect(site.ensureStorageClass(platform, "sc", providers.kubernetes)).toBe("premium-rwo");
    app.synth();
    const json = synthJson(platform);

    const client = single(json, "google_client_config", "data");
    expect(client.provider).toBe("google");
    const [clientKey] = Object.keys(blocksOf(json, "google_client_config", "data"));
    const [kubernetes] = json.provider.kubernetes;
    expect(kubernetes.host).toMatch(/^https:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-gcp-cluster\.outputs\..*endpoint\}$/);
    expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\..*master_auth.*cluster_ca_certificate\)\}$/);
    expect(kubernetes.token).toBe(`\${data.google_client_config.${clientKey}.access_token}`);
    const [helm] = json.provider.helm;
    expect(helm.kubernetes).toEqual({ host: kubernetes.host, cluster_ca_certificate: kubernetes.cluster_ca_certificate, token: kubernetes.token });
    // Nothing is created for storage: premium-rwo exists on GKE.
    expect(json.resource).toBeUndefined();

    const outputs = Object.values(synthJson(stack).output).map((o: Json) => o.value);
    expect(outputs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/google_container_cluster\..*\.endpoint/),
        expect.stringMatching(/google_container_cluster\..*\.master_auth\[0\]\.cluster_ca_certificate/),
      ]),
    );
  });

  test("without the consuming stack's google provider it fails at synth", () => {
    const { app, site } = gkeStack();
    const platform = new TerraformStack(app, "gcp-platform");
    const aws = new AwsProvider(platform, "aws", { region: "us-west-2" });
    expect(() => site.connect(platform, "k8s", { cloudProvider: aws })).toThrow(
      'connect(gcp).cloudProvider: invalid value "aws". Pass the consuming stack\'s google provider: google_client_config reads the caller\'s access token with it.',
    );
  });
});
