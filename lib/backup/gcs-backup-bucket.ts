import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { checkDnsLabel, checkNamespace, fail } from "../core/validation";
import { checkDuration } from "../core/units";
import { BackupStorage, BackupStorageProps, DEFAULT_RETENTION_DAYS, RECOVERY_WINDOW_DAYS, RETENTION_DAYS } from "./backup-storage";
import { checkGcsBucketName, gcsBackupUri } from "./names";

export interface GcsBackupBucketProps extends BackupStorageProps {
  readonly provider: GoogleProvider;
  /** The project ID (a literal or a token). */
  readonly project: string;
  /** Globally unique; see defaultBucketName. */
  readonly bucketName: string;
  /** Region of the bucket: the GKE cluster's, so backup traffic stays in the region. */
  readonly location: string;
  /** Account ID of the Google service account the pods act as: 6-30 characters. */
  readonly serviceAccountId: string;
  /**
   * What creates the cluster's workload pool (`<project>.svc.id.goog`): the binding to a
   * Kubernetes ServiceAccount fails until the pool exists.
   */
  readonly workloadPoolReady: readonly ITerraformDependable[];
}

/**
 * A GCS bucket for one cloud's CockroachDB backups and keyless access to it through GKE
 * Workload Identity: uniform bucket-level access, public access prevented, Google-managed
 * encryption (always on), soft delete for accidental deletes, files deleted after the retention
 * period; a Google service account with object access to this bucket only, which the
 * CockroachDB ServiceAccount may impersonate (roles/iam.workloadIdentityUser), named in the
 * ServiceAccount's `iam.gke.io/gcp-service-account` annotation.
 */
export class GcsBackupBucket extends Construct implements BackupStorage {
  readonly bucket: StorageBucket;
  readonly serviceAccount: ServiceAccount;
  readonly uri: string;
  readonly location: string;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: GcsBackupBucketProps) {
    super(scope, id);
    const name = checkGcsBucketName("bucketName", props.bucketName);
    const retentionDays = checkDuration("retentionDays", props.retentionDays ?? DEFAULT_RETENTION_DAYS, "days", RETENTION_DAYS);
    const namespace = checkNamespace("namespace", props.namespace);
    const kubernetesServiceAccount = checkDnsLabel("serviceAccountName", props.serviceAccountName);
    if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(props.serviceAccountId)) {
      fail("serviceAccountId", props.serviceAccountId, "Use 6-30 lower-case letters, digits and '-', starting with a letter.");
    }
    const { provider, project } = props;

    this.bucket = new StorageBucket(this, "bucket", {
      provider,
      project,
      name,
      location: props.location.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      softDeletePolicy: { retentionDurationSeconds: RECOVERY_WINDOW_DAYS * 86400 },
      lifecycleRule: [
        { action: { type: "Delete" }, condition: { age: retentionDays } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
      ],
    });

    this.serviceAccount = new ServiceAccount(this, "service-account", {
      provider,
      project,
      accountId: props.serviceAccountId,
      displayName: `CockroachDB backups to ${name}`,
    });
    // objectUser: get, list, create, replace and delete objects; no bucket or IAM changes.
    new StorageBucketIamMember(this, "bucket-access", {
      provider,
      bucket: this.bucket.name,
      role: "roles/storage.objectUser",
      member: this.serviceAccount.member,
    });
    new ServiceAccountIamMember(this, "workload-identity", {
      provider,
      serviceAccountId: this.serviceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      member: `serviceAccount:${project}.svc.id.goog[${namespace}/${kubernetesServiceAccount}]`,
      dependsOn: [...props.workloadPoolReady],
    });

    this.serviceAccountAnnotations = { "iam.gke.io/gcp-service-account": this.serviceAccount.email };
    this.uri = gcsBackupUri(name);
    this.location = `gs://${name} (${props.location})`;
  }
}
