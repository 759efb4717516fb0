import { Construct } from "constructs";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageManagementPolicy } from "@cdktf/provider-azurerm/lib/storage-management-policy";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { checkDnsLabel, checkNamespace } from "../core/validation";
import { checkDuration } from "../core/units";
import { BackupStorage, BackupStorageProps, DEFAULT_RETENTION_DAYS, RECOVERY_WINDOW_DAYS, RETENTION_DAYS } from "./backup-storage";
import { AZURE_BACKUP_CONTAINER, azureBackupUri, checkAzureStorageAccountName } from "./names";

export interface AzureBackupStorageProps extends BackupStorageProps {
  readonly provider: AzurermProvider;
  readonly resourceGroupName: string;
  /** The cluster's region. */
  readonly location: string;
  /** Globally unique, 3-24 lower-case letters and digits; see defaultStorageAccountName. */
  readonly storageAccountName: string;
  /**
   * The AKS cluster's OIDC issuer URL (KubernetesCluster.oidcIssuerUrl): needs
   * `oidc_issuer_enabled` and `workload_identity_enabled` on the cluster.
   */
  readonly oidcIssuerUrl: string;
}

/** The audience AKS workload identity tokens carry (Microsoft Entra's token exchange). */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * A storage account and container for one cloud's CockroachDB backups and keyless access to
 * them through AKS workload identity: HTTPS and TLS 1.2 only, shared keys and public blobs off
 * (only Entra ID identities get in), infrastructure encryption on top of the default, blob
 * versioning and soft delete, zone-redundant, blobs deleted after the retention period; a
 * user-assigned identity with Storage Blob Data Contributor on the container only, federated
 * with the CockroachDB ServiceAccount. The pods need the ServiceAccount annotation
 * `azure.workload.identity/client-id` and the pod label `azure.workload.identity/use`.
 */
export class AzureBackupStorage extends Construct implements BackupStorage {
  readonly storageAccount: StorageAccount;
  readonly container: StorageContainer;
  readonly identity: UserAssignedIdentity;
  readonly uri: string;
  readonly location: string;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>> = { "azure.workload.identity/use": "true" };

  constructor(scope: Construct, id: string, props: AzureBackupStorageProps) {
    super(scope, id);
    const accountName = checkAzureStorageAccountName("storageAccountName", props.storageAccountName);
    const retentionDays = checkDuration("retentionDays", props.retentionDays ?? DEFAULT_RETENTION_DAYS, "days", RETENTION_DAYS);
    const namespace = checkNamespace("namespace", props.namespace);
    const serviceAccount = checkDnsLabel("serviceAccountName", props.serviceAccountName);
    const { provider, resourceGroupName, location } = props;

    this.storageAccount = new StorageAccount(this, "account", {
      provider,
      name: accountName,
      resourceGroupName,
      location,
      accountKind: "StorageV2",
      accountTier: "Standard",
      // The AKS site spans zones 1-3, so the region has zones and ZRS is available.
      accountReplicationType: "ZRS",
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: "TLS1_2",
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      infrastructureEncryptionEnabled: true,
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: RECOVERY_WINDOW_DAYS },
        containerDeleteRetentionPolicy: { days: RECOVERY_WINDOW_DAYS },
      },
    });
    // By the account's resource ID: the ARM API, so Terraform needs no shared key either.
    this.container = new StorageContainer(this, "container", {
      provider,
      name: AZURE_BACKUP_CONTAINER,
      storageAccountId: this.storageAccount.id,
      containerAccessType: "private",
    });
    new StorageManagementPolicy(this, "retention", {
      provider,
      storageAccountId: this.storageAccount.id,
      rule: [
        {
          name: "backup-retention",
          enabled: true,
          filters: { blobTypes: ["blockBlob"], prefixMatch: [`${AZURE_BACKUP_CONTAINER}/`] },
          actions: {
            baseBlob: { deleteAfterDaysSinceModificationGreaterThan: retentionDays },
            version: { deleteAfterDaysSinceCreation: RECOVERY_WINDOW_DAYS },
          },
        },
      ],
    });

    this.identity = new UserAssignedIdentity(this, "identity", {
      provider,
      name: `${accountName}-cockroachdb`,
      resourceGroupName,
      location,
    });
    new FederatedIdentityCredential(this, "federated-credential", {
      provider,
      name: `${namespace}-${serviceAccount}`.slice(0, 120),
      resourceGroupName,
      parentId: this.identity.id,
      audience: [TOKEN_EXCHANGE_AUDIENCE],
      issuer: props.oidcIssuerUrl,
      subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
    });
    new RoleAssignment(this, "blob-data-contributor", {
      provider,
      scope: this.container.resourceManagerId,
      roleDefinitionName: "Storage Blob Data Contributor",
      principalId: this.identity.principalId,
      principalType: "ServicePrincipal",
    });

    this.serviceAccountAnnotations = { "azure.workload.identity/client-id": this.identity.clientId };
    this.uri = azureBackupUri(accountName);
    this.location = `azure-blob://${AZURE_BACKUP_CONTAINER} in storage account ${accountName} (${location})`;
  }
}
