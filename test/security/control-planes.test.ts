/**
 * Locked-down control planes, read from the whole synthesized app: EKS Secrets under a
 * customer KMS key with control-plane logs, GKE shielded nodes (and a customer key when given),
 * AKS with the admin certificate only where README says it is, or Entra ID without it.
 */
import * as fs from "fs";
import * as path from "path";
import { credentialProblems, describeCredentialProblem } from "../../lib/core/credential-lifetimes";
import { defaultTopology, parseTopology } from "../../stacks/topology";
import { Json, synthApp, values } from "../stacks/synth-app";

const ADMINS = "4a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const README = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");

/** Stacks whose state holds the AKS admin client key: its providers use it, or the cluster resource has it. */
function stacksWithAksAdminKey(stacks: Record<string, Json>): string[] {
  return Object.keys(stacks)
    .filter((name) => /client_key/.test(JSON.stringify(stacks[name].provider ?? {})) || (values(stacks[name], "azurerm_kubernetes_cluster")[0] && !values(stacks[name], "azurerm_kubernetes_cluster")[0].local_account_disabled))
    .sort();
}

describe("the default topology", () => {
  const { stacks } = synthApp(defaultTopology());

  test("EKS: Secrets under a rotating customer key, api/audit/authenticator logs in an owned log group", () => {
    const cluster = values(stacks["aws-cluster"], "aws_eks_cluster")[0];
    const [keyId] = Object.keys(stacks["aws-cluster"].resource.aws_kms_key);
    expect(cluster.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: `\${aws_kms_key.${keyId}.arn}` } });
    expect(values(stacks["aws-cluster"], "aws_kms_key")[0].enable_key_rotation).toBe(true);
    expect(cluster.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
    const [groupId] = Object.keys(stacks["aws-cluster"].resource.aws_cloudwatch_log_group);
    expect(values(stacks["aws-cluster"], "aws_cloudwatch_log_group")[0]).toMatchObject({ name: `/aws/eks/${cluster.name}/cluster`, retention_in_days: 90 });
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${groupId}`);
  });

  test("GKE: shielded nodes with secure boot and integrity monitoring", () => {
    expect(values(stacks["gcp-cluster"], "google_container_cluster")[0].enable_shielded_nodes).toBe(true);
    expect(values(stacks["gcp-cluster"], "google_container_node_pool")[0].node_config.shielded_instance_config).toEqual({
      enable_secure_boot: true,
      enable_integrity_monitoring: true,
    });
  });

  test("AKS with certificates: the admin key is in exactly the states README names", () => {
    expect(stacksWithAksAdminKey(stacks)).toEqual(["azure-cluster", "azure-database", "azure-links", "azure-platform"]);
    expect(README).toContain(
      "the AKS admin client certificate and its key are in the states of `<site>-cluster`, `<site>-platform`, `<site>-database`, `<site>-links` (where the site has one) and `cluster-init` when it runs in the AKS site",
    );
  });
});

describe("topology options", () => {
  test("an AKS site that runs cluster-init puts the admin key into its state too, as README says", () => {
    const topology = parseTopology(
      { survivalGoal: "zone", sites: [{ name: "az", cloud: "azure", region: "eastus2" }, { name: "aws", cloud: "aws", region: "us-west-2" }] },
      "inline",
    );
    const { stacks } = synthApp(topology);
    // A site has a links stack only where it dials links to peers.
    const links = stacks["az-links"] ? ["az-links"] : [];
    expect(stacksWithAksAdminKey(stacks)).toEqual(["az-cluster", "az-database", ...links, "az-platform", "cluster-init"]);
  });

  test("entraId: local accounts off, kubelogin everywhere, no state holds a client key, waits fit", () => {
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          { name: "az", cloud: "azure", region: "eastus2", kubernetesAuth: "entraId", adminGroupObjectIds: [ADMINS] },
          { name: "aws", cloud: "aws", region: "us-west-2" },
        ],
      },
      "inline",
    );
    const { stacks } = synthApp(topology);
    expect(values(stacks["az-cluster"], "azurerm_kubernetes_cluster")[0]).toMatchObject({
      local_account_disabled: true,
      azure_active_directory_role_based_access_control: { azure_rbac_enabled: true, admin_group_object_ids: [ADMINS] },
    });
    expect(stacksWithAksAdminKey(stacks)).toEqual([]);
    for (const name of ["az-platform", "az-database", "az-links", "cluster-init"].filter((stack) => stacks[stack])) {
      expect(stacks[name].provider.kubernetes[0].exec[0]).toEqual({
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "kubelogin",
        args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
      });
    }
    expect(credentialProblems(stacks).map(describeCredentialProblem)).toEqual([]);
    expect(stacks["az-cluster"].output.kubectl_credentials.value).toContain("kubelogin convert-kubeconfig --login azurecli --context az");
  });

  test("opt-outs and choices reach the cluster stacks", () => {
    const keyName = "projects/crdb-security/locations/us-west1/keyRings/gke/cryptoKeys/secrets";
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          { name: "aws", cloud: "aws", region: "us-west-2", secretsEncryption: false, controlPlaneLogTypes: ["audit"], controlPlaneLogRetentionDays: 365 },
          { name: "gcp", cloud: "gcp", region: "us-west1", secretsEncryptionKey: keyName },
          { name: "quiet", cloud: "aws", region: "us-east-1", controlPlaneLogTypes: [] },
        ],
      },
      "inline",
    );
    const { stacks } = synthApp(topology);
    const eks = values(stacks["aws-cluster"], "aws_eks_cluster")[0];
    expect(eks.encryption_config).toBeUndefined();
    expect(values(stacks["aws-cluster"], "aws_kms_key")).toEqual([]);
    expect(eks.enabled_cluster_log_types).toEqual(["audit"]);
    expect(values(stacks["aws-cluster"], "aws_cloudwatch_log_group")[0].retention_in_days).toBe(365);
    expect(values(stacks["quiet-cluster"], "aws_eks_cluster")[0].enabled_cluster_log_types).toBeUndefined();
    expect(values(stacks["quiet-cluster"], "aws_cloudwatch_log_group")).toEqual([]);
    expect(values(stacks["gcp-cluster"], "google_container_cluster")[0].database_encryption).toEqual({ state: "ENCRYPTED", key_name: keyName });
  });

  test("bad control-plane input is reported at the file's paths, all at once", () => {
    expect(() =>
      parseTopology(
        {
          survivalGoal: "zone",
          sites: [
            { name: "az", cloud: "azure", region: "eastus2", kubernetesAuth: "entraId" },
            { name: "az2", cloud: "azure", region: "westus2", adminGroupObjectIds: [ADMINS] },
            { name: "az3", cloud: "azure", region: "westus3", kubernetesAuth: "kubelogin" },
            { name: "az4", cloud: "azure", region: "centralus", kubernetesAuth: "entraId", adminGroupObjectIds: ["aks-admins"] },
          ],
        },
        "inline",
      ),
    ).toThrow(
      [
        'sites[2].kubernetesAuth: invalid value "kubelogin". Use one of "certificate", "entraId".',
        `sites[3].adminGroupObjectIds: invalid value ["aks-admins"]. Use the group's object ID, a GUID such as "00000000-0000-0000-0000-000000000000" (not its name).`,
        'sites[0].adminGroupObjectIds: invalid value []. With authentication "entraId" local accounts are off: list the Entra ID group(s) to make cluster-admin, including the identity that runs Terraform.',
        `sites[1].adminGroupObjectIds: invalid value ["${ADMINS}"]. They are used only with authentication "entraId"; set that too or drop the groups.`,
      ].join("\n  "),
    );
  });
});
