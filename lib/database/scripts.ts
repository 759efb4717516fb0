/**
 * The bash programs the containers run. Kept as pure functions so tests can run them with a
 * stub `cockroach` on PATH (the image puts /cockroach on PATH).
 */
import { COCKROACH_GRPC_PORT, COCKROACH_HTTP_PORT } from "../core/naming";
import { CERTS_DIR, DATA_DIR } from "./common";
import { shellQuote } from "../core/shell";

// Its home moved to lib/core/shell; kept here for existing importers.
export { shellQuote };

export interface StartScriptOptions {
  readonly namespace: string;
  readonly clusterDomain: string;
  /** Static locality tiers, e.g. "cloud=aws,region=us-west-2". */
  readonly locality: string;
  /** File the zone-lookup init container wrote; appends a `zone=` tier. Omit for no zone tier. */
  readonly zoneFile?: string;
  readonly cacheMiB: number;
  readonly maxSqlMemoryMiB: number;
}

/**
 * `cockroach start` for one pod. Reads POD_NAME and COCKROACH_JOIN from the environment.
 * The join list comes from a ConfigMap through the environment, so adding a site does not
 * restart every pod of every site at once.
 */
export function startScript(o: StartScriptOptions): string {
  const zone = o.zoneFile
    ? [`zone="$(cat ${o.zoneFile})"`, 'if [ -z "$zone" ]; then echo "The zone lookup left no zone." >&2; exit 1; fi']
    : [];
  const locality = o.zoneFile ? `${o.locality},zone=\${zone}` : o.locality;
  return [
    "set -euo pipefail",
    'if [ -z "${COCKROACH_JOIN:-}" ]; then echo "COCKROACH_JOIN is empty: the join ConfigMap is missing its key." >&2; exit 1; fi',
    ...zone,
    "exec cockroach start \\",
    `  --certs-dir=${CERTS_DIR} \\`,
    `  --store=${DATA_DIR} \\`,
    `  --listen-addr=:${COCKROACH_GRPC_PORT} \\`,
    `  --http-addr=:${COCKROACH_HTTP_PORT} \\`,
    `  --advertise-addr="\${POD_NAME}.${o.namespace}.svc.${o.clusterDomain}:${COCKROACH_GRPC_PORT}" \\`,
    '  --join="${COCKROACH_JOIN}" \\',
    `  --locality="${locality}" \\`,
    `  --cache=${o.cacheMiB}MiB \\`,
    `  --max-sql-memory=${o.maxSqlMemoryMiB}MiB \\`,
    // Files under the store stay the default; stderr is what `kubectl logs` shows.
    "  --log='{sinks: {stderr: {filter: INFO}}}'",
    "",
  ].join("\n");
}

export interface ZoneLookupScriptOptions {
  /** Directory with the service account `token` and the API server's `ca.crt`. */
  readonly serviceAccountDir: string;
  /** Where to write the zone for the database container. */
  readonly zoneFile: string;
}

/**
 * Reads the `topology.kubernetes.io/zone` label of the pod's node (NODE_NAME) from the
 * Kubernetes API. A pod cannot see its node's labels through the downward API (before
 * Kubernetes 1.35's PodTopologyLabels admission), so an init container asks the API server,
 * with curl from the CockroachDB image, and hands the zone over in a shared emptyDir.
 */
export function zoneLookupScript(o: ZoneLookupScriptOptions): string {
  return [
    "set -euo pipefail",
    'node="${NODE_NAME:?NODE_NAME is not set}"',
    `token="$(cat ${o.serviceAccountDir}/token)"`,
    `json="$(curl --silent --show-error --fail --max-time 10 --retry 5 --retry-delay 2 --cacert ${o.serviceAccountDir}/ca.crt \\`,
    '  --header "Authorization: Bearer ${token}" "https://kubernetes.default.svc/api/v1/nodes/${node}")"',
    `zone="$(printf '%s' "$json" | grep -o '"topology\\.kubernetes\\.io/zone" *: *"[^"]*"' | head -n 1 | sed 's/.*"\\([^"]*\\)"$/\\1/' || true)"`,
    'case "$zone" in',
    '  "") echo "Node ${node} has no topology.kubernetes.io/zone label. Label the nodes, or set locality.zoneFromNodeLabel to false on every site." >&2; exit 1 ;;',
    '  *[!A-Za-z0-9._-]*) echo "The zone label \\"${zone}\\" of node ${node} cannot be a locality value." >&2; exit 1 ;;',
    "esac",
    `printf '%s' "$zone" > ${o.zoneFile}`,
    'echo "Node ${node} is in zone ${zone}."',
    "",
  ].join("\n");
}

export interface InitScriptOptions {
  /** `host:port` of the one node `cockroach init` is sent to. */
  readonly initHost: string;
  /** Every `host:port` of the join list: if any answers SQL, the cluster already exists. */
  readonly probeHosts: readonly string[];
  /** Wait until this many nodes have joined before applying `statements`. */
  readonly expectedNodes: number;
  /** SQL run once all nodes joined (idempotent statements only: the Job may run again). */
  readonly statements: readonly string[];
  /**
   * Environment variable that may hold the enterprise license key, applied right after init.
   * @default no license step
   */
  readonly licenseEnv?: string;
  /**
   * Bash run last, once every node joined and `statements` ran (e.g. provisioningScript's lines).
   * @default none
   */
  readonly afterJoin?: readonly string[];
  /**
   * Environment variable that may hold the organization the license was issued to, set as
   * `cluster.organization` before the license (an organization-bound key needs it).
   * @default none
   */
  readonly licenseOrganizationEnv?: string;
}

/**
 * Bootstraps the multi-cluster database exactly once. `cockroach init` on a node that has
 * not yet joined an existing cluster would bootstrap a SECOND cluster, so before each
 * attempt the script asks every join address whether a cluster already answers, and it
 * treats "already initialized" as success (a retried init whose first reply was lost).
 */
export function initScript(o: InitScriptOptions): string {
  const certs = `--certs-dir=${CERTS_DIR}`;
  const quoted = o.probeHosts.map((h) => `"${h}"`).join(" ");
  const lines = [
    "set -uo pipefail",
    `init_host="${o.initHost}"`,
    "cluster_answers() {",
    `  for host in ${quoted}; do`,
    `    if timeout 10 cockroach sql ${certs} --host="$host" --execute="SELECT 1" >/dev/null 2>&1; then return 0; fi`,
    "  done",
    "  return 1",
    "}",
    "until cluster_answers; do",
    `  if out="$(timeout 60 cockroach init ${certs} --host="$init_host" 2>&1)"; then`,
    '    echo "Initialised the cluster through $init_host."',
    "    break",
    "  fi",
    '  case "$out" in *"cluster has already been initialized"*) break ;; esac',
    '  echo "Not initialised yet ($init_host): $out"',
    "  sleep 10",
    "done",
    'echo "The cluster is initialised."',
    ...(o.licenseEnv ? licenseLines(o.licenseEnv, certs, o.licenseOrganizationEnv) : []),
    `expected=${o.expectedNodes}`,
    "while :; do",
    `  joined="$(timeout 30 cockroach node ls ${certs} --host="$init_host" --format=csv 2>/dev/null | tail -n +2 | wc -l)"`,
    '  if [ "$joined" -ge "$expected" ]; then break; fi',
    '  echo "$joined of $expected nodes have joined; waiting."',
    "  sleep 10",
    "done",
    'echo "All $expected nodes have joined."',
  ];
  for (const statement of o.statements) {
    lines.push(
      `until timeout 60 cockroach sql ${certs} --host="$init_host" --execute=${shellQuote(statement)}; do sleep 10; done`,
    );
  }
  lines.push(...(o.afterJoin ?? []), 'echo "Done."', "");
  return lines.join("\n");
}

/**
 * Applies the license as soon as the cluster exists: a multi-node cluster without one runs on
 * a 7-day grace period. The key is spliced into SQL, so anything but a key's own characters
 * (base64 and the `crl-0-` prefix) is refused rather than quoted; the key is never echoed.
 */
function licenseLines(env: string, certs: string, organizationEnv: string | undefined): string[] {
  // The organization is free text: doubled single quotes make it one SQL string literal, and
  // bash expands it inside double quotes without evaluating it again.
  const organization = organizationEnv
    ? [
        `  organization="\${${organizationEnv}:-}"`,
        '  if [ -n "$organization" ]; then',
        "    q=\"'\"",
        '    organization_sql="${organization//$q/$q$q}"',
        `    until timeout 60 cockroach sql ${certs} --host="$init_host" >/dev/null <<<"SET CLUSTER SETTING cluster.organization = '$organization_sql'"; do sleep 10; done`,
        '    echo "Set cluster.organization for the license."',
        "  fi",
      ]
    : [];
  return [
    `license="\${${env}:-}"`,
    'if [ -z "$license" ]; then',
    '  echo "No license key: a multi-node cluster runs on a 7-day grace period without one."',
    "else",
    '  case "$license" in *[!A-Za-z0-9+/=_.-]*) echo "The license key holds characters no key has; check its Secret." >&2; exit 1 ;; esac',
    ...organization,
    // On stdin (a here-string, no process of its own): argv is readable by every process of the pod.
    `  until timeout 60 cockroach sql ${certs} --host="$init_host" >/dev/null <<<"SET CLUSTER SETTING enterprise.license = '$license'"; do sleep 10; done`,
    '  echo "Applied the license key."',
    "fi",
  ];
}

