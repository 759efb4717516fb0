/**
 * The topology file's schema: shapes, types, per-field formats and the defaults that need no
 * context. Checks that span fields (overlapping CIDRs, zones of a region, survival) are in
 * validate.ts. Each custom message is the "fix" half of `<field>: invalid value <v>. <fix>`.
 * Per-cloud formats and defaults are the site constructs' own (lib/sites/site-inputs), so the
 * file and the sites never disagree on them.
 */
import { z } from "zod";
import {
  AWS_PROFILE_FORMAT,
  AZURE_CONTAINER_FORMAT,
  AZURE_RESOURCE_GROUP_FORMAT,
  AZURE_STORAGE_ACCOUNT_FORMAT,
  DYNAMODB_TABLE_FORMAT,
  FILE_PATH_FORMAT,
  GCS_BUCKET_FORMAT,
  HCP_ORGANIZATION_FORMAT,
  HCP_PROJECT_FORMAT,
  HCP_WORKSPACE_PREFIX_FORMAT,
  HOSTNAME_FORMAT,
  KMS_KEY_FORMAT,
  KUBECONFIG_CONTEXT_FORMAT,
  OBJECT_PREFIX_FORMAT,
  S3_BUCKET_FORMAT,
  STATE_DIRECTORY_FORMAT,
  formatFix,
  type TextFormat,
} from "../../lib/core/formats";
import { PLAIN_SHELL_WORD } from "../../lib/core/shell";
import {
  ConfigError,
  MAX_TEXT_LENGTH,
  unsafeTextFix,
  withNonAsciiHint,
  checkDnsLabel,
  checkDnsSubdomain,
  checkPinnedImage,
  parseCpuMillis,
  parseIpv4Cidr,
} from "../../lib/core/validation";
import { parseMemoryBytes, parseStorageBytes } from "../../lib/core/units";
import { DEFAULT_NAMESPACE, DEFAULT_CLUSTER_DOMAIN, DEFAULT_STATEFULSET_PREFIX } from "../../lib/core/naming";
import { COCKROACH_IMAGE } from "../../lib/database/common";
import { cockroachImageVersion } from "../../lib/database/upgrade-path";
import {
  DEFAULT_DISK_SIZE_GB,
  DEFAULT_MACHINE_TYPES,
  DEFAULT_NODE_COUNT,
  EKS_AUTHENTICATIONS,
  checkDiskSizeGb,
  checkGcpProjectId,
  checkIamPrincipalArn,
  checkKubernetesVersion,
  checkMachineType,
  checkRegion,
  type CloudName,
} from "../../lib/sites/site-inputs";
import {
  DEFAULT_EKS_CONTROL_PLANE_LOG_TYPES,
  EKS_CONTROL_PLANE_LOG_TYPES,
  checkCloudWatchRetentionDays,
  checkEksControlPlaneLogTypes,
  checkGkeSecretsEncryptionKey,
  AKS_AUTHENTICATIONS,
  checkEntraGroupObjectIds,
} from "../../lib/sites/control-plane";
import { checkSkupperClusterHost } from "../../lib/skupper/mesh";
import { SKUPPER_CONTROLLER_SCOPES } from "../../lib/skupper/controller";
import { checkLabels } from "../../lib/monitoring/common";
import { DEFAULT_KEY_PREFIX, DEFAULT_KUBECONFIG_PATH, DEFAULT_STATE_DIRECTORY, DEFAULT_TERRAFORM_VERSION } from "./defaults";
import {
  checkAzureStorageAccountName,
  checkBackupDestination,
  checkCrontab,
  checkGcsBucketName,
  checkS3BucketName,
} from "../../lib/backup/names";
import { DEFAULT_RETENTION_DAYS } from "../../lib/backup/backup-storage";
import { DEFAULT_ADMIN_USER } from "../../lib/database/sql-users";
import { checkSqlName, checkSqlUserName } from "../../lib/database/provisioning";

/** A strict object whose unknown-key message lists the keys that are allowed, to catch typos. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `Unknown field; remove it or fix its spelling (allowed here: ${allowed}).` : undefined,
  });
}

/** `schema` refined by a check of lib/core/validation or lib/sites, reporting the check's fix. */
export function checkedBy<S extends z.ZodType>(schema: S, check: (field: string, value: z.output<S>) => unknown): S {
  return schema.superRefine((value, ctx) => {
    // Named first: an invisible character would otherwise only show as "not a valid X".
    const unsafe = typeof value === "string" ? unsafeTextFix(value) : undefined;
    if (unsafe) {
      ctx.addIssue({ code: "custom", message: unsafe });
      return;
    }
    try {
      check("", value);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      ctx.addIssue({ code: "custom", message: typeof value === "string" ? withNonAsciiHint(error.fix, value) : error.fix });
    }
  });
}

/**
 * Building blocks for string fields; every string field of the topology uses one of them, so
 * that none reaches Terraform or a shell unchecked (the fuzz test holds every field to that).
 */
export function checkedString(check: (field: string, value: string) => unknown) {
  return checkedBy(z.string(), check);
}

/** A string in one of lib/core/formats' formats, with the format's own fix. */
export function formatted(format: TextFormat) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const fix = formatFix(format, value);
      if (fix) ctx.addIssue({ code: "custom", message: fix });
    })
    .meta({ pattern: format.pattern.source, maxLength: format.maxLength });
}

/**
 * Free text (a description, a label value): bounded, no control, invisible or bidirectional
 * characters. It may hold `${` or quotes: escape it with terraformLiteral where it reaches
 * Terraform and with shellQuote where it reaches a command.
 */
export function safeText(maxLength = MAX_TEXT_LENGTH) {
  return checkedString(() => undefined).refine((value) => value.length <= maxLength, { error: `Use at most ${maxLength} characters.` });
}

/** A string that is one plain shell word (letters, digits and _ . , : / @ % + = -), so it needs no quoting anywhere. */
export function shellSafe(maxLength = 253) {
  return formatted({
    pattern: PLAIN_SHELL_WORD,
    maxLength,
    fix: "Use letters, digits and _ . , : / @ % + = - only (no spaces, quotes or other shell syntax).",
  });
}

function pattern(regex: RegExp, fix: string) {
  return z.string().regex(regex, { error: fix });
}

const dnsLabel = checkedString(checkDnsLabel);
const dnsSubdomain = checkedString(checkDnsSubdomain);
const cidr = checkedString(parseIpv4Cidr);
const cpu = checkedString(parseCpuMillis);
const memoryBytes = checkedString(parseMemoryBytes);
const storageBytes = checkedString(parseStorageBytes);
const filePath = formatted(FILE_PATH_FORMAT);
const positiveInt = z.int({ error: "Use a whole number." }).min(1, { error: "Use a whole number >= 1." });

/**
 * Prometheus annotations are always on the pods; Prometheus Operator objects are opt-in because
 * kubernetes_manifest needs their CRDs in the cluster when Terraform plans.
 */
const monitoringSchema = strict({
  prometheusOperator: z.boolean().default(false),
  labels: checkedBy(z.record(z.string(), z.string()), checkLabels).default({}),
  // 0: no backup alert; 25 = one day's schedule plus an hour's slack.
  backupMaxAgeHours: z.int({ error: "Use a whole number of hours (0: no backup alert)." }).min(0, { error: "Use a whole number of hours (0: no backup alert)." }).default(25),
}).prefault({});

/** A region of another cloud is the common slip: the sites' own check names the right form. */
function region(cloud: CloudName) {
  return checkedString((field, value) => checkRegion(cloud, field, value));
}

/** A site's own fields, in the order the unknown-field message lists them. */
function site<C extends string, T extends z.core.$ZodLooseShape>(cloud: C, regionSchema: z.ZodString, zoneSchema: z.ZodString, fields: T) {
  return strict({
    name: dnsLabel,
    cloud: z.literal(cloud),
    region: regionSchema,
    zones: z.array(zoneSchema).optional(),
    // Defaults later, to the node count of managed sites.
    replicas: positiveInt.optional(),
    monitoring: monitoringSchema,
    // Defaults later: true in the site that runs cluster-init only (the pod keeps the root client certificate mounted).
    sqlClientPod: z.boolean().optional(),
    // Unset: the egress addresses of the sites that dial this one (linkAccess loadbalancer only).
    linkSourceCidrs: z.array(cidr).min(1, { error: "List at least one CIDR, or leave the field out." }).optional(),
    ...fields,
  });
}

/** The sites' own formats and defaults; zones are checked in validate.ts, where the region is known. */
function managedSite<C extends CloudName, T extends z.core.$ZodLooseShape, E extends z.core.$ZodLooseShape>(cloud: C, network: T, extra: E) {
  const kubernetesVersion = z.string({
    error: (issue) => (typeof issue.input === "number" ? "Quote the version (\"1.33\"): YAML and JSON read 1.30 as the number 1.3." : undefined),
  });
  return site(cloud, region(cloud), z.string(), {
    kubernetesVersion: checkedBy(kubernetesVersion, (field, value) => checkKubernetesVersion(cloud, field, value)).optional(),
    nodes: strict({
      machineType: checkedString((field, value) => checkMachineType(cloud, field, value)).default(DEFAULT_MACHINE_TYPES[cloud]),
      count: positiveInt.default(DEFAULT_NODE_COUNT),
      diskSizeGb: checkedBy(z.int({ error: "Use a whole number of GiB." }), checkDiskSizeGb).default(DEFAULT_DISK_SIZE_GB),
    }).prefault({}),
    // Each range is optional on its own; missing ones come from the site's default block.
    network: strict(network).optional(),
    // Unset: the Kubernetes API endpoint is public (authentication still required).
    apiAccessCidrs: z.array(cidr).min(1, { error: "List at least one CIDR, or leave the field out." }).optional(),
    // The clusters' nodes sit in private subnets: peers reach a managed site through its load balancer or not at all.
    linkAccess: z
      .enum(["loadbalancer", "none"], {
        error: 'Use "loadbalancer" or "none" (dial out only); nodeport and route are for existing clusters.',
      })
      .default("loadbalancer"),
    // Defaults later, to security.networkPolicies.
    networkPolicyEnforcement: z.boolean().optional(),
    // Escape hatches for a cloud that is ahead of the lists in lib/sites/known-locations (dated).
    allowUnknownRegion: z.boolean().default(false),
    allowUnsupportedKubernetesVersion: z.boolean().default(false),
    ...extra,
  });
}

const CONTEXT_FIX = "Name the kubeconfig context of this cluster (current-context is never assumed).";

export const siteSchema = z.discriminatedUnion("cloud", [
  managedSite(
    "aws",
    { vpcCidr: cidr.optional(), serviceCidr: cidr.optional() },
    {
      // Empty: only the identity that creates the cluster can use it.
      adminPrincipalArns: z.array(checkedString(checkIamPrincipalArn)).default([]),
      // The token lives 15 minutes: a longer wait in a later stack fails with it; exec does not.
      kubernetesAuth: z.enum(EKS_AUTHENTICATIONS).default("token"),
      // A customer KMS key for Secrets; EKS cannot turn it off again (false later replaces the cluster).
      secretsEncryption: z.boolean().default(true),
      // Empty: no control-plane logs and no log group.
      controlPlaneLogTypes: checkedBy(z.array(z.enum(EKS_CONTROL_PLANE_LOG_TYPES)), checkEksControlPlaneLogTypes).default([...DEFAULT_EKS_CONTROL_PLANE_LOG_TYPES]),
      // Defaults later (90 days), and only where logs are sent.
      controlPlaneLogRetentionDays: checkedBy(z.int({ error: "Use a whole number of days." }), checkCloudWatchRetentionDays).optional(),
      backup: strict({ bucketName: checkedString(checkS3BucketName).optional() }).optional(),
    },
  ),
  managedSite(
    "gcp",
    {
      subnetCidr: cidr.optional(),
      podsCidr: cidr.optional(),
      servicesCidr: cidr.optional(),
    },
    // The provider's default; `cdktf destroy` needs it set to false and applied first.
    {
      deletionProtection: z.boolean().default(true),
      // Unset: Google's default encryption at rest only. The key's region is checked in validate.ts.
      secretsEncryptionKey: checkedString((field, value) => checkGkeSecretsEncryptionKey(field, value)).optional(),
      backup: strict({ bucketName: checkedString(checkGcsBucketName).optional() }).optional(),
    },
  ),
  managedSite(
    "azure",
    {
      vnetCidr: cidr.optional(),
      subnetCidr: cidr.optional(),
      podCidr: cidr.optional(),
      serviceCidr: cidr.optional(),
    },
    {
      // "entraId" is the hardened choice where the Azure CLI runs next to Terraform (not HCP remote runs).
      kubernetesAuth: z.enum(AKS_AUTHENTICATIONS).default("certificate"),
      // Required with "entraId" (validate.ts): local accounts are off, so someone must be admin.
      adminGroupObjectIds: checkedBy(z.array(z.string()), checkEntraGroupObjectIds).default([]),
      backup: strict({ storageAccountName: checkedString(checkAzureStorageAccountName).optional() }).optional(),
    },
  ),
  // The region and zones of an existing cluster are only locality tiers: any label will do.
  site("existing", dnsLabel, dnsLabel, {
    kubeconfig: strict({
      path: filePath.default(DEFAULT_KUBECONFIG_PATH),
      // Required: falling back to current-context could point two sites at the same cluster.
      context: z.string({ error: CONTEXT_FIX }).min(1, { error: CONTEXT_FIX }).pipe(formatted(KUBECONFIG_CONTEXT_FORMAT)),
    }),
    storageClassName: dnsSubdomain,
    clusterDomain: dnsSubdomain.optional(),
    // A cluster without a load-balancer controller: nodeport with nodePortHost, route on OpenShift, or none.
    linkAccess: z
      .enum(["loadbalancer", "nodeport", "route", "none"], {
        error: 'Use "loadbalancer", "nodeport" (with nodePortHost), "route" (OpenShift) or "none" (dial out only).',
      })
      .default("loadbalancer"),
    nodePortHost: checkedString(checkSkupperClusterHost).optional(),
    // Unset: unknown, so the sites this one dials accept links from anywhere (a synth warning says so).
    egressCidrs: z.array(cidr).min(1, { error: "List at least one CIDR, or leave the field out." }).optional(),
    // Unset: this site takes no backups of its own (the clouds' schedules still cover all data).
    backup: strict({
      destination: checkedString(checkBackupDestination),
      credentialsSecret: dnsSubdomain.optional(),
      credentialsKey: pattern(/^[-._a-zA-Z0-9]{1,253}$/, "Use a Secret key: letters, digits, '-', '_' and '.'.").default("credentials"),
    }).optional(),
  }),
]);

// The upgrade guards read the version from the tag (a digest-only reference names none).
const image = checkedString((field, value) => {
  checkPinnedImage(field, value, COCKROACH_IMAGE);
  cockroachImageVersion(field, value);
});

const sqlName = checkedString(checkSqlName);

const cockroachSchema = strict({
  image: image.optional(),
  cpu: cpu.optional(),
  memory: memoryBytes.optional(),
  storageSize: storageBytes.optional(),
  // The major (e.g. "26.2") whose upgrade may be finalized: set after checking the rollout.
  finalizeUpgrade: pattern(/^\d{2}\.\d$/, 'Use the major version to finalize, such as "26.2" (quoted).').optional(),
  // The image's tag must be a supported release (lib/database/releases, dated); true passes any tag.
  allowUnsupportedVersion: z.boolean().optional(),
  // Sites that hold the root client certificate besides the one that runs cluster-init (e.g. to scale them down).
  rootClientSites: z.array(z.string()).default([]),
  // The DB Console login for people; its password is generated into a Secret.
  adminUser: checkedString(checkSqlUserName).default(DEFAULT_ADMIN_USER),
  databases: z
    .array(
      strict({
        name: sqlName,
        // Multi-region: every site's region, the primary first; survival follows survivalGoal.
        multiRegion: z.boolean().default(false),
        primaryRegion: z.string().optional(),
      }),
    )
    .default([]),
  users: z
    .array(
      strict({
        name: checkedString(checkSqlUserName),
        databases: z.array(sqlName).default([]),
        admin: z.boolean().default(false),
        // A Secret you create (key "password") in the namespace of the site that runs cluster-init; unset: generated.
        passwordSecret: dnsSubdomain.optional(),
      }),
    )
    .default([]),
});

const crontab = checkedString(checkCrontab);

const backupSchema = strict({
  enabled: z.boolean().default(true),
  retentionDays: z.int({ error: "Use a whole number of days." }).min(1, { error: "Keep backups at least 1 day." }).max(3650, { error: "Use at most 3650 days." }).default(DEFAULT_RETENTION_DAYS),
  incrementalSchedule: crontab.default("@hourly"),
  fullSchedule: crontab.default("@daily"),
  nameSuffix: pattern(/^[a-z0-9]{4,8}$/, "Use 4-8 lower-case letters and digits.").optional(),
});

const keyPrefix = formatted(OBJECT_PREFIX_FORMAT).default(DEFAULT_KEY_PREFIX);

const backendSchema = z.discriminatedUnion("type", [
  strict({
    type: z.literal("local"),
    directory: formatted(STATE_DIRECTORY_FORMAT).default(DEFAULT_STATE_DIRECTORY),
  }),
  strict({
    type: z.literal("s3"),
    bucket: formatted(S3_BUCKET_FORMAT),
    region: region("aws"),
    keyPrefix,
    encrypt: z
      .literal(true, { error: "The state holds private keys: S3 state is always encrypted. Remove encrypt or set it to true." })
      .default(true),
    useLockfile: z.boolean().default(true),
    dynamodbTable: formatted(DYNAMODB_TABLE_FORMAT).optional(),
    kmsKeyId: formatted(KMS_KEY_FORMAT).optional(),
  }).refine((s3) => s3.useLockfile || s3.dynamodbTable !== undefined, {
    path: ["useLockfile"],
    error: "Without a lock two deploys can overwrite each other's state; keep useLockfile true or set dynamodbTable.",
  }),
  strict({
    type: z.literal("gcs"),
    bucket: formatted(GCS_BUCKET_FORMAT),
    prefix: keyPrefix,
  }),
  strict({
    type: z.literal("azurerm"),
    resourceGroupName: formatted(AZURE_RESOURCE_GROUP_FORMAT),
    storageAccountName: formatted(AZURE_STORAGE_ACCOUNT_FORMAT),
    containerName: formatted(AZURE_CONTAINER_FORMAT),
    keyPrefix,
  }),
  strict({
    type: z.literal("cloud"),
    organization: formatted(HCP_ORGANIZATION_FORMAT),
    workspacePrefix: formatted(HCP_WORKSPACE_PREFIX_FORMAT),
    hostname: formatted(HOSTNAME_FORMAT).optional(),
    project: formatted(HCP_PROJECT_FORMAT).optional(),
    // Read by the HCP Terraform bootstrap stack (stacks/hcp-terraform), not by the stacks.
    executionMode: z.enum(["local", "remote"], { error: 'Use "local" (Terraform runs in your pipeline) or "remote" (in HCP Terraform).' }).default("local"),
    terraformVersion: pattern(/^\d+\.\d+\.\d+$/, 'Use an exact Terraform version such as "1.11.4".').default(DEFAULT_TERRAFORM_VERSION),
  }),
]);

const accountsSchema = strict({
  awsProfile: formatted(AWS_PROFILE_FORMAT).optional(),
  gcpProject: checkedString(checkGcpProjectId).optional(),
  azureSubscriptionId: pattern(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "Use the subscription ID, a GUID such as \"00000000-0000-0000-0000-000000000000\".",
  ).optional(),
});

const skupperSchema = strict({
  // "auto": a full mesh up to FULL_MESH_MAX_SITES sites, a partial one above (lib/skupper/mesh.ts planLinks).
  mesh: z.enum(["auto", "full", "partial"]).default("auto"),
  // "namespace": the controller watches only the database namespace, with a Role there; "cluster": every namespace, with a ClusterRole.
  controllerScope: z.enum(SKUPPER_CONTROLLER_SCOPES).default("namespace"),
  // Each router's load balancer accepts only the egress addresses of the sites that dial it.
  restrictLinkSources: z.boolean().default(true),
});

const securitySchema = strict({
  networkPolicies: z.boolean().default(true),
  sqlClientNamespaces: z.array(dnsLabel).default([]),
  sqlClientCidrs: z.array(cidr).default([]),
  httpCidrs: z.array(cidr).default([]),
  metricsNamespaces: z.array(dnsLabel).default([]),
});

export const topologySchema = strict({
  sites: z.array(siteSchema).min(1, { error: "Give at least one site." }),
  namespace: dnsLabel.default(DEFAULT_NAMESPACE),
  clusterDomain: dnsSubdomain.default(DEFAULT_CLUSTER_DOMAIN),
  statefulSetPrefix: dnsLabel.default(DEFAULT_STATEFULSET_PREFIX),
  cockroach: cockroachSchema.prefault({}),
  survivalGoal: z.enum(["zone", "region"]).default("region"),
  backup: backupSchema.prefault({}),
  skupper: skupperSchema.prefault({}),
  backend: backendSchema.prefault({ type: "local" }),
  accounts: accountsSchema.prefault({}),
  security: securitySchema.prefault({}),
  // Editors read it to find topology.schema.json; the app ignores it.
  $schema: z.string().optional(),
});

/** What a topology file may contain (before defaults); use it to write topologies in TypeScript. */
export type TopologyFile = z.input<typeof topologySchema>;
export type SiteFile = z.input<typeof siteSchema>;
export type ParsedTopology = z.output<typeof topologySchema>;
export type ParsedSite = z.output<typeof siteSchema>;
