/**
 * Control-plane hardening inputs of the managed sites (Secret encryption keys, control-plane
 * logs, Entra ID): formats and defaults shared by the site constructs and the topology
 * schema, so the two never disagree.
 */
import { Token } from "cdktf";
import { fail } from "../core/validation";

/** EKS control-plane log types (EKS API `LogType`). */
export const EKS_CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type EksControlPlaneLogType = (typeof EKS_CONTROL_PLANE_LOG_TYPES)[number];

/**
 * Who called the API (audit), who authenticated as which IAM identity (authenticator) and the
 * API server's own errors (api): what an incident review needs. controllerManager and
 * scheduler are noisy and rarely needed.
 */
export const DEFAULT_EKS_CONTROL_PLANE_LOG_TYPES: readonly EksControlPlaneLogType[] = ["api", "audit", "authenticator"];

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy); 0 keeps logs forever. */
export const CLOUDWATCH_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A quarter: long enough to investigate an incident noticed late, short enough to bound the cost. */
export const DEFAULT_CONTROL_PLANE_LOG_RETENTION_DAYS = 90;

export function checkEksControlPlaneLogTypes(field: string, types: readonly string[]): EksControlPlaneLogType[] {
  types.forEach((type, i) => {
    if (!(EKS_CONTROL_PLANE_LOG_TYPES as readonly string[]).includes(type)) {
      fail(`${field}[${i}]`, type, `Use one of ${EKS_CONTROL_PLANE_LOG_TYPES.join(", ")} (case matters).`);
    }
  });
  if (new Set(types).size !== types.length) fail(field, types, "List each log type once.");
  return [...types] as EksControlPlaneLogType[];
}

export function checkCloudWatchRetentionDays(field: string, days: number): number {
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
    fail(field, days, `CloudWatch Logs keeps logs for one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days (0: forever).`);
  }
  return days;
}

/** The control-plane log settings of an EKS site, with their defaults; fields named as the site's props. */
export function checkEksControlPlaneLogs(
  types: readonly string[] = DEFAULT_EKS_CONTROL_PLANE_LOG_TYPES,
  retentionDays?: number,
): { readonly types: EksControlPlaneLogType[]; readonly retentionDays: number } {
  const checked = checkEksControlPlaneLogTypes("controlPlaneLogTypes", types);
  if (retentionDays !== undefined) checkCloudWatchRetentionDays("controlPlaneLogRetentionDays", retentionDays);
  if (retentionDays !== undefined && checked.length === 0) {
    fail("controlPlaneLogRetentionDays", retentionDays, "No control-plane logs are sent (controlPlaneLogTypes is empty); drop the retention or list log types.");
  }
  return { types: checked, retentionDays: retentionDays ?? DEFAULT_CONTROL_PLANE_LOG_RETENTION_DAYS };
}

const CLOUD_KMS_KEY_NAME = /^projects\/((?:[a-z][-a-z0-9.]{0,62}:)?[a-z][-a-z0-9]{4,28}[a-z0-9])\/locations\/([a-z0-9-]+)\/keyRings\/([-\w]{1,63})\/cryptoKeys\/([-\w]{1,63})$/;

/**
 * A Cloud KMS key name for GKE application-layer Secret encryption. The key must be in the
 * cluster's region: GKE calls it on every Secret read and write, and a key elsewhere (or
 * global) ties the cluster to another failure domain. A token passes as is; without a region
 * only the format is checked.
 */
export function checkGkeSecretsEncryptionKey(field: string, keyName: string, region?: string): string {
  if (Token.isUnresolved(keyName)) return keyName;
  const match = typeof keyName === "string" ? CLOUD_KMS_KEY_NAME.exec(keyName) : null;
  if (!match) {
    fail(field, keyName, "Use a Cloud KMS key name: projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key> (not a key version).");
  }
  if (region !== undefined && !Token.isUnresolved(region) && match[2] !== region) {
    fail(field, keyName, `The key is in location ${JSON.stringify(match[2])}; GKE needs it in the cluster's region ${JSON.stringify(region)}.`);
  }
  return keyName;
}

/**
 * How consuming stacks authenticate to AKS: "certificate" (the admin client certificate of
 * kube_config, local accounts on) or "entraId" (local accounts off, kubelogin with the Azure CLI).
 */
export const AKS_AUTHENTICATIONS = ["certificate", "entraId"] as const;
export type AksAuthentication = (typeof AKS_AUTHENTICATIONS)[number];

/**
 * The application ID of the "Azure Kubernetes Service AAD Server" application, the same in
 * every tenant: kubelogin requests its tokens for this audience.
 */
export const AKS_AAD_SERVER_APPLICATION_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Entra ID group object IDs: GUIDs, each once; tokens pass as is. */
export function checkEntraGroupObjectIds(field: string, ids: readonly string[]): string[] {
  ids.forEach((id, i) => {
    if (!Token.isUnresolved(id) && (typeof id !== "string" || !GUID.test(id))) {
      fail(`${field}[${i}]`, id, 'Use the group\'s object ID, a GUID such as "00000000-0000-0000-0000-000000000000" (not its name).');
    }
  });
  if (new Set(ids.map((id) => id.toLowerCase())).size !== ids.length) fail(field, ids, "List each group once.");
  return [...ids];
}

/** The Entra ID settings of an AKS site; fields named as the site's props. */
export function checkAksAuthentication(authentication: AksAuthentication, adminGroupObjectIds: readonly string[]): string[] {
  const groups = checkEntraGroupObjectIds("adminGroupObjectIds", adminGroupObjectIds);
  if (authentication === "entraId" && groups.length === 0) {
    fail("adminGroupObjectIds", groups, 'With authentication "entraId" local accounts are off: list the Entra ID group(s) to make cluster-admin, including the identity that runs Terraform.');
  }
  if (authentication !== "entraId" && groups.length > 0) {
    fail("adminGroupObjectIds", groups, 'They are used only with authentication "entraId"; set that too or drop the groups.');
  }
  return groups;
}
