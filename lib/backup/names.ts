/**
 * Names and formats of backup storage and schedules. Bucket and storage account names are
 * global across every customer of a cloud, so a default name carries a suffix derived from the
 * deployment; everything here is checked at synth, because a bad name otherwise fails only in
 * the middle of `cdktf deploy`.
 */
import { createHash } from "crypto";
import { fail } from "../core/validation";

/** Prefix of every backup schedule label; `npm run status` finds schedules by it. */
export const BACKUP_SCHEDULE_PREFIX = "crdb-backup-";

/**
 * The label of the backup schedule run by the nodes whose `cloud` locality tier is `key`
 * (aws, gcp, azure), or of an existing site's schedule (key = the site name).
 */
export function backupScheduleLabel(key: string): string {
  if (typeof key !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(key)) {
    fail("backup schedule key", key, "Use the cloud tier value or site name: lower-case letters, digits and '-'.");
  }
  return `${BACKUP_SCHEDULE_PREFIX}${key}`;
}

/** The Azure Blob container every backup storage account holds. */
export const AZURE_BACKUP_CONTAINER = "backups";

/**
 * Eight hex digits of sha256 over what identifies one deployment. Deterministic, so a re-synth
 * keeps the names (a new name would replace the bucket and lose the backups), and different
 * for deployments that differ in any part of `identity`.
 */
export function deploymentSuffix(identity: string): string {
  return createHash("sha256").update(identity).digest("hex").slice(0, 8);
}

/** `crdb-backup-<site>-<suffix>`: at most 12 + 40 + 1 + 8 = 61 characters for a valid site name. */
export function defaultBucketName(siteName: string, suffix: string): string {
  return `crdb-backup-${siteName}-${suffix}`;
}

/** Storage account names allow only 3-24 lower-case letters and digits: `crdb` + site (shortened) + suffix. */
export function defaultStorageAccountName(siteName: string, suffix: string): string {
  return `crdb${siteName.replace(/-/g, "").slice(0, 24 - 4 - suffix.length)}${suffix}`;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * S3 general purpose bucket naming rules, without dots (a dotted name breaks virtual-hosted
 * TLS) and without the prefixes and suffixes AWS reserves.
 */
export function checkS3BucketName(field: string, name: string): string {
  if (typeof name !== "string" || !BUCKET_NAME.test(name) || name.includes("--")) {
    fail(field, name, "Use an S3 bucket name of 3-63 lower-case letters, digits and single '-', starting and ending with a letter or digit.");
  }
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) {
    fail(field, name, "AWS reserves this prefix or suffix for other bucket types; choose another name.");
  }
  return name;
}

/** GCS bucket naming rules (no dots, so no domain verification is needed). */
export function checkGcsBucketName(field: string, name: string): string {
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(name)) {
    fail(field, name, "Use a GCS bucket name of 3-63 lower-case letters, digits, '-' and '_', starting and ending with a letter or digit.");
  }
  if (name.startsWith("goog") || /g(o|0)(o|0)gle/.test(name)) {
    fail(field, name, "GCS refuses bucket names that start with \"goog\" or contain \"google\"; set the site's backup.bucketName.");
  }
  return name;
}

export function checkAzureStorageAccountName(field: string, name: string): string {
  if (typeof name !== "string" || !/^[a-z0-9]{3,24}$/.test(name)) {
    fail(field, name, "Use an Azure storage account name of 3-24 lower-case letters and digits.");
  }
  return name;
}

/**
 * A crontab CockroachDB's `RECURRING` accepts: a macro such as "@hourly" or five fields. Only
 * these characters reach the SQL, inside single quotes.
 */
export function checkCrontab(field: string, value: string): string {
  const macro = /^@(hourly|daily|weekly|monthly|yearly|annually|midnight)$/;
  const fields = /^[0-9*/,-]+( [0-9*/,-]+){4}$/;
  if (typeof value !== "string" || !(macro.test(value) || fields.test(value))) {
    fail(field, value, 'Use a crontab (UTC) such as "@hourly", "@daily" or "0 */4 * * *".');
  }
  return value;
}

/**
 * CockroachDB reads Azure workload identity credentials (through the Azure SDK's default
 * credential chain) from v25.2 on. Returns false when the image is pinned by digest only and
 * the version cannot be read from it.
 */
export function supportsAzureWorkloadIdentity(field: string, image: string): boolean {
  const tag = /:v?(\d+)\.(\d+)(?:\.\d+)?(?:[-.][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!tag) return false;
  const [major, minor] = [Number(tag[1]), Number(tag[2])];
  if (major < 25 || (major === 25 && minor < 2)) {
    fail(field, image, "Backups to Azure Blob Storage through workload identity need CockroachDB v25.2 or later; raise the image version or turn backups off.");
  }
  return true;
}

/** Collection URIs with `AUTH=implicit`: the pod's workload identity supplies the credentials. */
export function s3BackupUri(bucketName: string, region: string): string {
  return `s3://${bucketName}?AUTH=implicit&AWS_REGION=${region}`;
}

export function gcsBackupUri(bucketName: string): string {
  return `gs://${bucketName}?AUTH=implicit`;
}

export function azureBackupUri(storageAccountName: string): string {
  return `azure-blob://${AZURE_BACKUP_CONTAINER}?AUTH=implicit&AZURE_ACCOUNT_NAME=${storageAccountName}`;
}

/** Query parameters that carry a credential: they belong in a Kubernetes Secret, never in a topology file. */
const CREDENTIAL_PARAMETERS = /[?&](AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|CREDENTIALS|BEARER_TOKEN|AZURE_ACCOUNT_KEY|AZURE_CLIENT_SECRET)=/i;

/**
 * An existing site's backup destination: a CockroachDB external storage URI without
 * credentials. Its characters are limited to what a URI needs, so it can sit in single-quoted
 * SQL and in a bash double-quoted string unescaped.
 */
export function checkBackupDestination(field: string, uri: string): string {
  if (typeof uri !== "string" || !/^(s3|gs|azure-blob|azure|nodelocal|https?):\/\/[A-Za-z0-9._~:/?#[\]@!&()*+,;=%-]+$/.test(uri) || /[$`'"\\]/.test(uri)) {
    fail(field, uri, 'Use a CockroachDB backup URI such as "s3://bucket/path?AUTH=specified" (schemes s3, gs, azure-blob, nodelocal, http, https).');
  }
  if (CREDENTIAL_PARAMETERS.test(uri)) {
    fail(field, "(redacted: it holds a credential)", "Move the credential parameters into the Kubernetes Secret named by backup.credentialsSecret; the topology file stays free of secrets.");
  }
  return uri;
}
