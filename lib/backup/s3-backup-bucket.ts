import { Construct } from "constructs";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { checkDnsLabel, checkNamespace } from "../core/validation";
import { checkDuration } from "../core/units";
import { BackupStorage, BackupStorageProps, DEFAULT_RETENTION_DAYS, RECOVERY_WINDOW_DAYS, RETENTION_DAYS } from "./backup-storage";
import { checkS3BucketName, s3BackupUri } from "./names";

export interface S3BackupBucketProps extends BackupStorageProps {
  /** The cluster stack's AWS provider (the bucket lives in its region). */
  readonly provider: AwsProvider;
  /** Globally unique; see defaultBucketName. */
  readonly bucketName: string;
  /** The bucket's region, named in the URI so the S3 client needs no region lookup. */
  readonly region: string;
  /** The EKS cluster whose pods get access; a token (EksCluster.name) orders the association after it. */
  readonly clusterName: string;
}

/**
 * An S3 bucket for one cloud's CockroachDB backups and keyless access to it: encrypted,
 * private (public access blocked, ACLs off, TLS only), versioned, files expiring after the
 * retention period; an IAM role limited to this bucket, given to the CockroachDB
 * ServiceAccount through EKS Pod Identity (needs the eks-pod-identity-agent add-on, which
 * EksSite installs), so `AUTH=implicit` finds the role's credentials in the pod.
 */
export class S3BackupBucket extends Construct implements BackupStorage {
  readonly bucket: S3Bucket;
  readonly role: IamRole;
  readonly uri: string;
  readonly location: string;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>> = {};
  readonly podLabels: Readonly<Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: S3BackupBucketProps) {
    super(scope, id);
    const name = checkS3BucketName("bucketName", props.bucketName);
    const retentionDays = checkDuration("retentionDays", props.retentionDays ?? DEFAULT_RETENTION_DAYS, "days", RETENTION_DAYS);
    const namespace = checkNamespace("namespace", props.namespace);
    const serviceAccount = checkDnsLabel("serviceAccountName", props.serviceAccountName);
    const provider = props.provider;

    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: name });
    const bucket = this.bucket.bucket;
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { provider, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    // A deleted or overwritten file (the collection's LATEST marker is rewritten by every full
    // backup) stays recoverable for a while.
    const versioning = new S3BucketVersioningA(this, "versioning", { provider, bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "retention", {
      provider,
      bucket,
      rule: [
        {
          id: "backup-retention",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: RECOVERY_WINDOW_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // Lifecycle rules on a versioned bucket act on versions only once versioning is on.
      dependsOn: [versioning],
    });
    new S3BucketPolicy(this, "tls-only", {
      provider,
      bucket,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });

    // EKS Pod Identity: the agent hands the role's credentials to pods of this ServiceAccount.
    this.role = new IamRole(this, "role", {
      provider,
      name,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      }),
    });
    const policy = new IamRolePolicy(this, "bucket-access", {
      provider,
      role: this.role.name,
      name: "cockroachdb-backups",
      policy: JSON.stringify(bucketAccessPolicy(this.bucket.arn)),
    });
    new EksPodIdentityAssociation(this, "pod-identity", {
      provider,
      clusterName: props.clusterName,
      namespace,
      serviceAccount,
      roleArn: this.role.arn,
      dependsOn: [policy],
    });

    this.uri = s3BackupUri(name, props.region);
    this.location = `s3://${name} (${props.region})`;
  }
}

/**
 * Least privilege for backups into one bucket: list it (BACKUP and RESTORE find the LATEST
 * full backup and its incrementals), read, write and delete objects in it (BACKUP removes its
 * own progress checkpoints, CHECK EXTERNAL CONNECTION deletes its test file). No bucket
 * configuration, no other bucket; retention is the lifecycle rule's job, not the database's.
 */
export function bucketAccessPolicy(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListBackups", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Sid: "ReadWriteBackups", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${bucketArn}/*`] },
    ],
  };
}
