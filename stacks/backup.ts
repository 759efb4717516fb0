/**
 * Which site backs up where, computed once from the topology so the cluster stacks (storage
 * and identity), the database stacks (ServiceAccount binding) and the init stage (schedules)
 * agree. One schedule per cloud, run only by that cloud's nodes into that cloud's storage, so
 * every cloud keeps a complete copy with its own native credentials; plus one per existing site
 * that names a destination.
 */
import { ConfigError } from "../lib/core/validation";
import {
  azureBackupUri,
  backupScheduleLabel,
  checkAzureStorageAccountName,
  checkGcsBucketName,
  checkS3BucketName,
  defaultBucketName,
  defaultStorageAccountName,
  deploymentSuffix,
  gcsBackupUri,
  s3BackupUri,
} from "../lib/backup/names";
import type { BackendSettings, Site, Topology } from "./topology/types";

export interface BackupTarget {
  /** The schedule key: the cloud tier value (aws, gcp, azure) or an existing site's name. */
  readonly key: string;
  /** `crdb-backup-<key>`. */
  readonly label: string;
  /** The site whose nodes run the schedule and whose cluster stack owns the storage. */
  readonly siteName: string;
  readonly cloud: Site["cloud"];
  /** `EXECUTION LOCALITY` filter: the nodes that can reach the storage with their own identity. */
  readonly executionLocality: string;
  /** Collection URI without credentials. */
  readonly uri: string;
  /** Bucket or storage account created by the site's cluster stack; undefined for existing sites. */
  readonly storageName?: string;
  /** Secret holding URI parameters with credentials (existing sites only). */
  readonly credentials?: { readonly secretName: string; readonly secretKey: string };
}

/**
 * The backup targets of `topology`, in site order; empty when backups are off. A cloud with
 * several sites backs up from its first one, pinned by region as well, because only that site's
 * identity may write to its bucket.
 */
export function planBackups(topology: Topology): BackupTarget[] {
  if (!topology.backup.enabled) return [];
  const suffix = topology.backup.nameSuffix ?? deploymentSuffix(deploymentIdentity(topology));
  const targets: BackupTarget[] = [];
  const seenClouds = new Set<string>();
  topology.sites.forEach((site, index) => {
    const at = `sites[${index}]`;
    if (site.cloud === "existing") {
      if (!site.backup) return;
      const secretName = site.backup.credentialsSecret;
      targets.push({
        key: site.name,
        label: backupScheduleLabel(site.name),
        siteName: site.name,
        cloud: site.cloud,
        executionLocality: `cloud=${site.cloud},region=${site.region}`,
        uri: site.backup.destination,
        credentials: secretName ? { secretName, secretKey: site.backup.credentialsKey } : undefined,
      });
      return;
    }
    if (seenClouds.has(site.cloud)) return;
    seenClouds.add(site.cloud);
    const sharedCloud = topology.sites.filter((s) => s.cloud === site.cloud).length > 1;
    const executionLocality = sharedCloud ? `cloud=${site.cloud},region=${site.region}` : `cloud=${site.cloud}`;
    const common = { key: site.cloud, label: backupScheduleLabel(site.cloud), siteName: site.name, cloud: site.cloud, executionLocality };
    const named = (field: string, name: string, check: (field: string, name: string) => string, custom: boolean) =>
      check(custom ? `${at}.backup.${field}` : `${at}.name`, name);
    switch (site.cloud) {
      case "aws": {
        const bucket = named("bucketName", site.backup?.bucketName ?? defaultBucketName(site.name, suffix), checkS3BucketName, !!site.backup?.bucketName);
        targets.push({ ...common, uri: s3BackupUri(bucket, site.region), storageName: bucket });
        return;
      }
      case "gcp": {
        const bucket = named("bucketName", site.backup?.bucketName ?? defaultBucketName(site.name, suffix), checkGcsBucketName, !!site.backup?.bucketName);
        targets.push({ ...common, uri: gcsBackupUri(bucket), storageName: bucket });
        return;
      }
      case "azure": {
        const account = named(
          "storageAccountName",
          site.backup?.storageAccountName ?? defaultStorageAccountName(site.name, suffix),
          checkAzureStorageAccountName,
          !!site.backup?.storageAccountName,
        );
        targets.push({ ...common, uri: azureBackupUri(account), storageName: account });
        return;
      }
    }
  });
  return targets;
}

/** The target whose storage `siteName`'s cluster stack creates, if any. */
export function backupTargetOf(topology: Topology, siteName: string): BackupTarget | undefined {
  return planBackups(topology).find((target) => target.siteName === siteName && target.storageName !== undefined);
}

/** planBackups' naming problems, for the topology validator to report with all others. */
export function backupProblems(topology: Topology): ConfigError[] {
  try {
    planBackups(topology);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [error];
    throw error;
  }
}

/**
 * What names one deployment: where its state lives (the state is what ties Terraform to the
 * buckets, so the names change only when the state moves), its namespace and StatefulSet prefix,
 * and the cloud accounts the topology names.
 */
export function deploymentIdentity(topology: Topology): string {
  return [
    backendIdentity(topology.backend),
    topology.namespace,
    topology.statefulSetPrefix,
    topology.accounts.gcpProject ?? "",
    topology.accounts.azureSubscriptionId ?? "",
  ].join("\n");
}

function backendIdentity(backend: BackendSettings): string {
  switch (backend.type) {
    case "local":
      return `local:${backend.directory}`;
    case "s3":
      return `s3:${backend.bucket}/${backend.keyPrefix}`;
    case "gcs":
      return `gcs:${backend.bucket}/${backend.prefix}`;
    case "azurerm":
      return `azurerm:${backend.storageAccountName}/${backend.containerName}/${backend.keyPrefix}`;
    case "cloud":
      return `cloud:${backend.hostname ?? "app.terraform.io"}/${backend.organization}/${backend.workspacePrefix}`;
  }
}
