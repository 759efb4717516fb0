/**
 * The package root. Everything that needs only cdktf, constructs and the kubernetes, helm and
 * tls providers is exported as is; the cloud sites are stand-ins that load their module (and so
 * their cloud's provider package, an optional peer) on first use, so a consumer without, say,
 * @cdktf/provider-aws can still import this root. Deep imports (`<package>/sites/eks-site`)
 * load the real module directly.
 *
 * A new module that imports an optional provider (aws, google, azurerm, random) when it loads must be
 * exported lazily here; test/package/build.test.ts fails otherwise.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loads below are require() calls by design */
import { lazyExport } from "./core/optional-peers";
import type * as azureBackup from "./backup/azure-backup-storage";
import type * as gcsBackup from "./backup/gcs-backup-bucket";
import type * as s3Backup from "./backup/s3-backup-bucket";
import type * as sqlUserPassword from "./database/sql-user-password";
import type * as aks from "./sites/aks-site";
import type * as eks from "./sites/eks-site";
import type * as gke from "./sites/gke-site";

export * from "./core/validation";
export * from "./core/units";
export * from "./core/naming";
export * from "./core/dependencies";
export * from "./core/optional-peers";
export * from "./database";
export * from "./skupper";
export * from "./sites/kubernetes-site";
export * from "./sites/site-inputs";
export * from "./sites/site-providers";
export * from "./sites/existing-cluster-site";
export * from "./backup/names";
export * from "./backup/backup-storage";
export * from "./monitoring";
export * from "./core/warnings";
export * from "./security/database-network-policies";

export type { EksSiteProps } from "./sites/eks-site";
export type EksSite = eks.EksSite;
export const EksSite = lazyExport<typeof eks.EksSite>("EksSite", "@cdktf/provider-aws", () => require("./sites/eks-site"));
export const awsPartition = lazyExport<typeof eks.awsPartition>("awsPartition", "@cdktf/provider-aws", () => require("./sites/eks-site"));
export const isGraviton = lazyExport<typeof eks.isGraviton>("isGraviton", "@cdktf/provider-aws", () => require("./sites/eks-site"));

export type { GkeReleaseChannel, GkeSiteProps } from "./sites/gke-site";
export type GkeSite = gke.GkeSite;
export const GkeSite = lazyExport<typeof gke.GkeSite>("GkeSite", "@cdktf/provider-google", () => require("./sites/gke-site"));

export type { AksSiteProps } from "./sites/aks-site";
export type AksSite = aks.AksSite;
export const AksSite = lazyExport<typeof aks.AksSite>("AksSite", "@cdktf/provider-azurerm", () => require("./sites/aks-site"));

export type { S3BackupBucketProps } from "./backup/s3-backup-bucket";
export type S3BackupBucket = s3Backup.S3BackupBucket;
export const S3BackupBucket = lazyExport<typeof s3Backup.S3BackupBucket>("S3BackupBucket", "@cdktf/provider-aws", () => require("./backup/s3-backup-bucket"));
export const bucketAccessPolicy = lazyExport<typeof s3Backup.bucketAccessPolicy>("bucketAccessPolicy", "@cdktf/provider-aws", () => require("./backup/s3-backup-bucket"));

export type { GcsBackupBucketProps } from "./backup/gcs-backup-bucket";
export type GcsBackupBucket = gcsBackup.GcsBackupBucket;
export const GcsBackupBucket = lazyExport<typeof gcsBackup.GcsBackupBucket>("GcsBackupBucket", "@cdktf/provider-google", () => require("./backup/gcs-backup-bucket"));

export type { AzureBackupStorageProps } from "./backup/azure-backup-storage";
export type AzureBackupStorage = azureBackup.AzureBackupStorage;
export const AzureBackupStorage = lazyExport<typeof azureBackup.AzureBackupStorage>("AzureBackupStorage", "@cdktf/provider-azurerm", () =>
  require("./backup/azure-backup-storage"),
);

export type { SqlUserPasswordProps } from "./database/sql-user-password";
export type SqlUserPassword = sqlUserPassword.SqlUserPassword;
export const SqlUserPassword = lazyExport<typeof sqlUserPassword.SqlUserPassword>("SqlUserPassword", "@cdktf/provider-random", () =>
  require("./database/sql-user-password"),
);
