import { fail } from "../core/validation";

/**
 * Facts shared by the database constructs: the pinned image, where certificates are mounted,
 * the names of the certificate Secrets, and the pod hardening every CockroachDB pod gets.
 */

/** Pinned CockroachDB release; a floating tag could upgrade one site under a running cluster. */
import type { DurationRange } from "../core/units";

/**
 * What the Jobs that wait on the cluster (rollout guard, scale-down, upgrade finalize) accept as
 * `timeoutMinutes`: a minute for the Job to start plus one to work, and at most a day.
 */
export const JOB_TIMEOUT_MINUTES: DurationRange = { min: 2, max: 1440 };

export const COCKROACH_IMAGE = "cockroachdb/cockroach:v26.2.7";

/** Secret (in every cluster) holding `ca.crt`, `node.crt`, `node.key`. */
export const NODE_CERTS_SECRET = "cockroachdb-node-certs";
/** Secret holding `ca.crt`, `client.root.crt`, `client.root.key` (the app puts it in the cluster-init site only, unless asked). */
export const ROOT_CLIENT_CERTS_SECRET = "cockroachdb-root-client-certs";

/**
 * The SQL identity of the per-site Jobs (rollout guard, scale-down) where the root certificate
 * is not: created by the init Job as a member of `admin` (OPERATOR_GRANTS), with a certificate
 * only (no password). Unlike root it may call no RPC (CockroachDB's RPC layer accepts root and
 * node certificates only), and it can be revoked or dropped, which root cannot.
 */
export const OPERATOR_SQL_USER = "crdb_operator";
/** Secret (in every cluster the app deploys) holding `ca.crt`, `client.crdb_operator.crt`, `client.crdb_operator.key`. */
export const OPERATOR_CLIENT_CERTS_SECRET = "cockroachdb-operator-client-certs";

/** The `cockroach` client flags that authenticate as `user` with its certificate from the certs dir. */
export function clientCertFlags(user: string): string {
  // The name becomes a shell word and part of a file name (client.<user>.crt).
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user)) fail("sqlUser", user, "Use a SQL user name of lower-case letters, digits and '_', starting with a letter or '_'.");
  return `--certs-dir=${CERTS_DIR} --user=${user}`;
}
/** The client-facing Service; the same name in every cluster so application config is portable. */
export const DEFAULT_PUBLIC_SERVICE = "cockroachdb-public";

/**
 * Pod template annotation carrying a hash of the certificates a pod mounts: a renewed
 * certificate changes it, and the workload rolls its pods (a StatefulSet one at a time,
 * waiting for each to be Ready), so running processes load the new files.
 */
export const CERTIFICATE_REVISION_ANNOTATION = "cockroachdb.com/certificate-revision";

/** Where the certificate Secret is mounted (`--certs-dir`). */
export const CERTS_DIR = "/cockroach/cockroach-certs";
export const DATA_DIR = "/cockroach/cockroach-data";

/** uid/gid the image's files are readable by; matches upstream's Helm chart. */
const COCKROACH_UID = "1000";

/**
 * Secret volumes are owned by root with the pod's fsGroup. CockroachDB accepts a root-owned
 * key only up to 0740 in the process's group, so 0440 (read for root and the fsGroup) is
 * the mode that works without an init container copying keys around.
 */
const SECRET_FILE_MODE = "0440";

/**
 * Marks the one Service per site whose endpoints are the site's nodes' HTTP ports (the
 * governing headless Service): the public Service has the same selector and port, so a
 * ServiceMonitor selecting by the pod labels alone would scrape every node twice.
 */
export const METRICS_SERVICE_LABEL = "cockroachdb.cdktf.io/metrics";

/** Where CockroachDB serves its Prometheus metrics, on the HTTP port (HTTPS in secure mode, no login). */
export const COCKROACH_METRICS_PATH = "/_status/vars";

/** Every pod of the database constructs (nodes, SQL client, init and other Jobs) carries it. */
export const DATABASE_POD_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": "cockroachdb" };
/** The `app.kubernetes.io/component` of the CockroachDB nodes themselves. */
export const DATABASE_NODE_COMPONENT = "database";

/** CockroachStatefulSet's CPU and memory (request = limit) unless told otherwise: fits 8 vCPU / 32 GiB nodes next to the router. */
export const DEFAULT_COCKROACH_CPU = "4";
export const DEFAULT_COCKROACH_MEMORY = "16Gi";
/** The SQL client pod's requests (its limits are 1 CPU / 512Mi). */
export const SQL_CLIENT_REQUESTS = { cpu: "100m", memory: "256Mi" } as const;

/** Selects one StatefulSet's pods. */
export function selectorLabels(instance: string): Record<string, string> {
  return { ...DATABASE_POD_LABELS, "app.kubernetes.io/instance": instance };
}

export function labels(instance: string, component: string): Record<string, string> {
  return { ...selectorLabels(instance), "app.kubernetes.io/component": component, "app.kubernetes.io/managed-by": "cdktf" };
}

/**
 * Pod-level hardening shared by the StatefulSet, the init Job and the SQL client. Typed
 * structurally so one definition fits every kubernetes workload resource.
 */
export const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: COCKROACH_UID,
  runAsGroup: COCKROACH_UID,
  fsGroup: COCKROACH_UID,
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * What only a container can set. User, group and non-root come from podSecurityContext,
 * which every pod using this sets and which applies to all its containers.
 */
export const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** A certificate Secret mounted read-only as the certs dir, plus a writable /tmp (the root filesystem is read-only). */
export function certsVolumes(secretName: string) {
  return [
    { name: "certs", secret: { secretName, defaultMode: SECRET_FILE_MODE } },
    { name: "tmp", emptyDir: {} },
  ];
}

export const certsVolumeMounts = [
  { name: "certs", mountPath: CERTS_DIR, readOnly: true },
  { name: "tmp", mountPath: "/tmp" },
];
