import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { buildDeployment } from "../../stacks/app";
import { planBackups } from "../../stacks/backup";
import { defaultTopology, parseTopology } from "../../stacks/topology";
import { S3BackupBucket } from "../../lib/backup/s3-backup-bucket";
import { Json, blocksOf, single } from "../sites/synth";
import { synthApp } from "../stacks/synth-app";

const topology = defaultTopology();
const synthesized = synthApp(topology).stacks;
const clusterJson = (site: string) => synthesized[`${site}-cluster`];
const databaseJson = (site: string) => synthesized[`${site}-database`];
const targets = planBackups(topology);
const target = (key: string) => targets.find((t) => t.key === key)!;
/** The database pods' ServiceAccount (the scale-down Job has its own). */
const databaseServiceAccount = (json: Json): Json =>
  single({ resource: { kubernetes_service_account_v1: Object.fromEntries(Object.entries<Json>(blocksOf(json, "kubernetes_service_account_v1")).filter(([, sa]) => sa.metadata.labels["app.kubernetes.io/component"] === "database")) } }, "kubernetes_service_account_v1");
const ref = (json: Json, type: string, attribute: string) => `\${${type}.${Object.keys(blocksOf(json, type))[0]}.${attribute}}`;

describe("backup plan of the default topology", () => {
  test("one schedule per cloud, run by that cloud's nodes into that cloud's storage", () => {
    expect(targets.map((t) => [t.label, t.siteName, t.executionLocality])).toEqual([
      ["crdb-backup-aws", "aws", "cloud=aws"],
      ["crdb-backup-gcp", "gcp", "cloud=gcp"],
      ["crdb-backup-azure", "azure", "cloud=azure"],
    ]);
    const suffix = /^crdb-backup-aws-([0-9a-f]{8})$/.exec(target("aws").storageName!)![1];
    expect(target("gcp").storageName).toBe(`crdb-backup-gcp-${suffix}`);
    expect(target("azure").storageName).toBe(`crdbazure${suffix}`);
    expect(target("aws").uri).toBe(`s3://crdb-backup-aws-${suffix}?AUTH=implicit&AWS_REGION=us-east-1`);
    expect(target("gcp").uri).toBe(`gs://crdb-backup-gcp-${suffix}?AUTH=implicit`);
    expect(target("azure").uri).toBe(`azure-blob://backups?AUTH=implicit&AZURE_ACCOUNT_NAME=crdbazure${suffix}`);
  });

  test("names are deterministic and follow the state: another backend gives another suffix, nameSuffix and per-site names override", () => {
    expect(planBackups(defaultTopology())).toEqual(targets);
    const file = {
      sites: [
        { name: "aws", cloud: "aws", region: "us-east-1" },
        { name: "gcp", cloud: "gcp", region: "us-east4", backup: { bucketName: "my-gcs-backups" } },
        { name: "azure", cloud: "azure", region: "eastus", backup: { storageAccountName: "mybackups1" } },
      ],
      backend: { type: "s3", bucket: "state", region: "us-east-1" },
    };
    const other = planBackups(parseTopology(file, "test"));
    expect(other[0].storageName).not.toBe(target("aws").storageName);
    expect(other.map((t) => t.storageName).slice(1)).toEqual(["my-gcs-backups", "mybackups1"]);
    expect(planBackups(parseTopology({ ...file, backup: { nameSuffix: "prod1" } }, "test"))[0].storageName).toBe("crdb-backup-aws-prod1");
    expect(planBackups(parseTopology({ ...file, backup: { enabled: false } }, "test"))).toEqual([]);
  });

  test("a cloud with several sites backs up from its first, pinned by region too", () => {
    const plan = planBackups(
      parseTopology(
        {
          sites: [
            { name: "east", cloud: "aws", region: "us-east-1" },
            { name: "west", cloud: "aws", region: "us-west-2" },
            { name: "gcp", cloud: "gcp", region: "us-east4" },
          ],
        },
        "test",
      ),
    );
    expect(plan.map((t) => [t.key, t.siteName, t.executionLocality])).toEqual([
      ["aws", "east", "cloud=aws,region=us-east-1"],
      ["gcp", "gcp", "cloud=gcp"],
    ]);
  });

  test("bad names fail validation with the field and the fix", () => {
    const sites = (gcp: object) => ({ sites: [{ name: "aws", cloud: "aws", region: "us-east-1" }, { cloud: "gcp", region: "us-east4", ...gcp }, { name: "az", cloud: "azure", region: "eastus" }] });
    expect(() => parseTopology(sites({ name: "google" }), "t")).toThrow(
      /sites\[1\]\.name: invalid value "crdb-backup-google-[0-9a-f]{8}"\. GCS refuses bucket names that start with "goog" or contain "google"; set the site's backup\.bucketName\./,
    );
    expect(() => parseTopology(sites({ name: "g", backup: { bucketName: "Bad_Name" } }), "t")).toThrow(
      'sites[1].backup.bucketName: invalid value "Bad_Name". Use a GCS bucket name of 3-63 lower-case letters',
    );
    expect(() => parseTopology({ ...sites({ name: "g" }), backup: { incrementalSchedule: "every hour" } }, "t")).toThrow(
      'backup.incrementalSchedule: invalid value "every hour". Use a crontab (UTC) such as "@hourly"',
    );
  });
});

describe("S3 backup bucket and EKS Pod Identity", () => {
  const json = clusterJson("aws");
  const bucket = target("aws").storageName!;

  test("encrypted, private, TLS only, versioned, expiring after the retention", () => {
    expect(single(json, "aws_s3_bucket")).toMatchObject({ bucket });
    const bucketRef = ref(json, "aws_s3_bucket", "bucket");
    expect(single(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: bucketRef,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(single(json, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
    expect(single(json, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    expect(single(json, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    const rule = single(json, "aws_s3_bucket_lifecycle_configuration").rule[0];
    expect(rule).toMatchObject({ status: "Enabled", expiration: [{ days: 30 }], noncurrent_version_expiration: [{ noncurrent_days: 7 }] });
    const tls = JSON.parse(single(json, "aws_s3_bucket_policy").policy);
    expect(tls.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });

  test("least privilege: one bucket, list + get/put/delete objects, for the CockroachDB ServiceAccount only", () => {
    const arn = ref(json, "aws_s3_bucket", "arn");
    const policy = JSON.parse(single(json, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      { Sid: "ListBackups", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [arn] },
      { Sid: "ReadWriteBackups", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${arn}/*`] },
    ]);
    const roles = Object.values(blocksOf(json, "aws_iam_role")).filter((role: Json) => role.name === bucket);
    expect(JSON.parse(roles[0].assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
    const associations = Object.values(blocksOf(json, "aws_eks_pod_identity_association")) as Json[];
    expect(associations.find((a) => a.namespace === "cockroachdb")).toMatchObject({
      service_account: "crdb-aws",
      role_arn: expect.stringContaining("aws_iam_role.backup_role"),
    });
    expect(json.output.backup_location.value).toEqual({ location: `s3://${bucket} (us-east-1)`, uri: target("aws").uri, schedule: "crdb-backup-aws" });
  });

  test("Pod Identity needs no annotation: the aws database stack's ServiceAccount has none", () => {
    expect(databaseServiceAccount(databaseJson("aws")).metadata.annotations).toBeUndefined();
    expect(single(databaseJson("aws"), "kubernetes_stateful_set_v1").spec.template.metadata.labels).not.toHaveProperty(["azure.workload.identity/use"]);
  });

  test("the construct refuses a bad bucket name and retention", () => {
    const stack = new TerraformStack(Testing.app(), "s3");
    const provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
    const props = { provider, region: "us-east-1", clusterName: "c", namespace: "db", serviceAccountName: "crdb-aws" };
    expect(() => new S3BackupBucket(stack, "a", { ...props, bucketName: "has..dots" })).toThrow('bucketName: invalid value "has..dots". Use an S3 bucket name');
    expect(() => new S3BackupBucket(stack, "b", { ...props, bucketName: "sthree-bucket" })).toThrow("AWS reserves this prefix");
    expect(() => new S3BackupBucket(stack, "c", { ...props, bucketName: "fine-name", retentionDays: 0 })).toThrow("retentionDays: invalid value 0.");
  });
});

describe("GCS backup bucket and GKE Workload Identity", () => {
  const json = clusterJson("gcp");
  const bucket = target("gcp").storageName!;

  test("uniform access, public access prevented, soft delete, lifecycle deletes after the retention", () => {
    expect(single(json, "google_storage_bucket")).toMatchObject({
      name: bucket,
      location: "US-EAST4",
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      soft_delete_policy: { retention_duration_seconds: 7 * 86400 },
      lifecycle_rule: expect.arrayContaining([{ action: { type: "Delete" }, condition: { age: 30 } }]),
    });
  });

  test("a Google service account with object access to this bucket only, impersonated by the Kubernetes ServiceAccount", () => {
    const members = Object.values(blocksOf(json, "google_storage_bucket_iam_member")) as Json[];
    expect(members).toEqual([
      expect.objectContaining({ bucket: ref(json, "google_storage_bucket", "name"), role: "roles/storage.objectUser", member: expect.stringContaining("google_service_account.backup_service-account") }),
    ]);
    expect(single(json, "google_service_account_iam_member")).toMatchObject({
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:${var.gcp_project}.svc.id.goog[cockroachdb/crdb-gcp]",
      depends_on: [expect.stringContaining("google_container_cluster.")],
    });
    expect(Object.values(blocksOf(json, "google_project_iam_member")).map((m: Json) => m.role)).toEqual(["roles/container.defaultNodeServiceAccount"]);
  });

  test("the gcp database stack's ServiceAccount names the Google service account", () => {
    const annotations = databaseServiceAccount(databaseJson("gcp")).metadata.annotations;
    expect(Object.keys(annotations)).toEqual(["iam.gke.io/gcp-service-account"]);
    // Read from the cluster stack's state: the email holds the project, which may be a variable.
    expect(annotations["iam.gke.io/gcp-service-account"]).toMatch(/^\$\{data\.terraform_remote_state\.[^}]+\}$/);
  });
});

describe("Azure backup storage and AKS workload identity", () => {
  const json = clusterJson("azure");
  const account = target("azure").storageName!;

  test("the cluster issues OIDC tokens and runs the workload identity webhook", () => {
    expect(single(json, "azurerm_kubernetes_cluster")).toMatchObject({ oidc_issuer_enabled: true, workload_identity_enabled: true });
  });

  test("keyless, private, TLS 1.2, versioned with soft delete, expiring after the retention", () => {
    expect(single(json, "azurerm_storage_account")).toMatchObject({
      name: account,
      shared_access_key_enabled: false,
      allow_nested_items_to_be_public: false,
      https_traffic_only_enabled: true,
      min_tls_version: "TLS1_2",
      infrastructure_encryption_enabled: true,
      blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
    });
    expect(single(json, "azurerm_storage_container")).toMatchObject({ name: "backups", container_access_type: "private" });
    expect(single(json, "azurerm_storage_management_policy").rule[0].actions.base_blob.delete_after_days_since_modification_greater_than).toBe(30);
  });

  test("a user-assigned identity federated with the ServiceAccount, Storage Blob Data Contributor on the container only", () => {
    expect(single(json, "azurerm_federated_identity_credential")).toMatchObject({
      audience: ["api://AzureADTokenExchange"],
      issuer: ref(json, "azurerm_kubernetes_cluster", "oidc_issuer_url"),
      subject: "system:serviceaccount:cockroachdb:crdb-azure",
      parent_id: ref(json, "azurerm_user_assigned_identity", "id"),
    });
    const blobRoles = (Object.values(blocksOf(json, "azurerm_role_assignment")) as Json[]).filter((r) => r.role_definition_name !== "Network Contributor");
    expect(blobRoles).toEqual([
      expect.objectContaining({
        role_definition_name: "Storage Blob Data Contributor",
        scope: ref(json, "azurerm_storage_container", "resource_manager_id"),
        principal_id: ref(json, "azurerm_user_assigned_identity", "principal_id"),
      }),
    ]);
  });

  test("the azure database stack's ServiceAccount and pods carry the workload identity client ID and label", () => {
    const db = databaseJson("azure");
    const annotations = databaseServiceAccount(db).metadata.annotations;
    expect(Object.keys(annotations)).toEqual(["azure.workload.identity/client-id"]);
    expect(annotations["azure.workload.identity/client-id"]).toMatch(/^\$\{data\.terraform_remote_state\.[^}]+\}$/);
    expect(single(db, "kubernetes_stateful_set_v1").spec.template.metadata.labels).toMatchObject({
      "azure.workload.identity/use": "true",
      "app.kubernetes.io/instance": "crdb-azure",
    });
  });

  test("an image older than v25.2 cannot back up to Azure through workload identity", () => {
    const old = parseTopology({ sites: topology.sites.map((s) => ({ name: s.name, cloud: s.cloud, region: s.region })), cockroach: { image: "cockroachdb/cockroach:v25.1.4", allowUnsupportedVersion: true } }, "t");
    expect(() => buildDeployment(Testing.app(), old)).toThrow('cockroach.image: invalid value "cockroachdb/cockroach:v25.1.4". Backups to Azure Blob Storage through workload identity need CockroachDB v25.2 or later');
  });
});
