/**
 * The bash program of CockroachRolloutGuard's Job, a pure function so tests run it with stub
 * `curl` and `cockroach` programs.
 */
import { COCKROACH_GRPC_PORT } from "../core/naming";
import { clientCertFlags } from "./common";
import { identityCheckLines, kubeGetLines, nodeTableFunction } from "./node-table-script";
import { shellQuote } from "./scripts";

export interface RolloutGuardScriptOptions {
  readonly statefulSetName: string;
  readonly namespace: string;
  /** The image the StatefulSet is about to run. */
  readonly targetImage: string;
  /** Its CockroachDB version without "v", e.g. "26.2.7". */
  readonly targetVersion: string;
  /** Majors ("26.1") the running image may have for a direct move to the target (upgradeSources). */
  readonly allowedSourceMajors: readonly string[];
  /** StatefulSets of the sites before this one in topology order: they roll first. */
  readonly earlierStatefulSets: readonly string[];
  /** A Service of this site that reaches a live node (the public Service). */
  readonly host: string;
  /** Directory with the service account `token` and the API server's `ca.crt`. */
  readonly serviceAccountDir: string;
  /** How long to wait for the earlier sites before failing (a re-run waits again). */
  readonly waitSeconds: number;
  /** A writable directory (the root filesystem is read-only). */
  readonly workDir: string;
  /**
   * The SQL user whose certificate is in the certs dir: it lists the nodes and sets the cluster
   * setting, so it needs the admin role (OPERATOR_SQL_USER has it). @default "root"
   */
  readonly sqlUser?: string;
}

/**
 * Runs before a site's StatefulSet gets a new CockroachDB image, and succeeds only when the
 * pods may restart with it:
 * 1. It reads the running image from the live StatefulSet: none yet (first deploy) or the
 *    same image means no restart, so nothing to check and the database is not asked.
 * 2. The running major must be one the target may be reached from (no skipped Regular
 *    release, no downgrade to an older major); otherwise it fails before anything changed.
 * 3. One site at a time, in topology order: it waits until every node of the earlier sites
 *    runs the target version and every node of the cluster is live (so no other site is
 *    mid-rollout and this site may lose one node at a time).
 * 4. For a major upgrade it sets `cluster.preserve_downgrade_option` to the cluster's current
 *    version before any pod of this site restarts, so the upgrade is not finalized behind the
 *    operator's back and can still be rolled back.
 */
export function rolloutGuardScript(o: RolloutGuardScriptOptions): string {
  const user = o.sqlUser ?? "root";
  const certs = clientCertFlags(user);
  const url = `https://kubernetes.default.svc/apis/apps/v1/namespaces/${o.namespace}/statefulsets/${o.statefulSetName}`;
  const earlier = o.earlierStatefulSets.map(shellQuote).join(" ");
  return [
    "set -uo pipefail",
    `sts=${shellQuote(o.statefulSetName)}`,
    `target_image=${shellQuote(o.targetImage)}`,
    `target_version=${shellQuote(`v${o.targetVersion}`)}`,
    `allowed_majors=${shellQuote(` ${o.allowedSourceMajors.join(" ")} `)}`,
    `earlier=(${earlier})`,
    `host=${shellQuote(`${o.host}:${COCKROACH_GRPC_PORT}`)}`,
    `sts_file=${shellQuote(`${o.workDir}/statefulset.json`)}`,
    ...kubeGetLines({ url, outFile: `${o.workDir}/statefulset.json`, serviceAccountDir: o.serviceAccountDir, ifMissing: `StatefulSet ${o.statefulSetName} does not exist yet: no pod restarts, nothing to guard.` }),
    // Every container of the pods (zone lookup, database) runs the same CockroachDB image.
    `running_image="$(grep -o '"image" *: *"[^"]*"' "$sts_file" | head -n 1 | sed 's/.*"\\([^"]*\\)"$/\\1/' || true)"`,
    'if [ -z "$running_image" ]; then echo "StatefulSet ${sts} names no image." >&2; exit 1; fi',
    'if [ "$running_image" = "$target_image" ]; then echo "StatefulSet ${sts} already runs ${target_image}: no pod restarts."; exit 0; fi',
    'if [[ ! "$running_image" =~ :v([0-9]+)\\.([0-9]+)\\.[0-9]+ ]]; then',
    '  echo "Cannot tell the CockroachDB version of the running image ${running_image} (no vX.Y.Z tag); upgrade it by hand." >&2; exit 1',
    "fi",
    'running_major="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"',
    'case "$allowed_majors" in',
    '  *" ${running_major} "*) ;;',
    '  *) echo "StatefulSet ${sts} runs v${running_major}, which cannot move to ${target_version} directly (allowed from:${allowed_majors}). Upgrade through the required majors one deploy at a time, or keep the running version." >&2; exit 1 ;;',
    "esac",
    ...nodeTableFunction(certs),
    ...identityCheckLines(certs, user),
    "# Prints why this site may not roll yet, nothing when it may.",
    "not_ready() {",
    "  local table id pod build live membership s",
    '  table="$(node_table)" || { echo "the cluster does not answer through ${host}"; return; }',
    "  while IFS='|' read -r id pod build live membership; do",
    '    [ -n "$id" ] || continue',
    '    [ "$membership" = decommissioned ] && continue',
    '    if [ "$live" != true ]; then echo "node ${id} (${pod}) is not live"; return; fi',
    '    for s in "${earlier[@]}"; do',
    '      local ordinal="${pod#"$s"-}"',
    '      if [ "$ordinal" != "$pod" ] && [[ "$ordinal" =~ ^[0-9]+$ ]] && [ "$build" != "$target_version" ]; then',
    '        echo "node ${id} (${pod}) of an earlier site runs ${build}, not ${target_version}"; return',
    "      fi",
    "    done",
    '  done <<< "$table"',
    "}",
    `deadline=$((SECONDS + ${o.waitSeconds}))`,
    "while :; do",
    '  reason="$(not_ready)"',
    '  [ -z "$reason" ] && break',
    '  if [ "$SECONDS" -ge "$deadline" ]; then',
    `    echo "Site of \${sts} may not roll to \${target_version} yet: \${reason}. Sites roll one at a time in topology order; deploy again once the earlier sites are done." >&2`,
    "    exit 1",
    "  fi",
    '  echo "Waiting: ${reason}."',
    "  sleep 10",
    "done",
    'target_major="${target_version#v}"; target_major="${target_major%.*}"',
    'if [ "$running_major" != "$target_major" ]; then',
    `  cluster_version="$(timeout 60 cockroach sql ${certs} --host="$host" --format=tsv --execute="SHOW CLUSTER SETTING version" | tail -n 1)" || cluster_version=""`,
    '  case "$cluster_version" in',
    '    [0-9]*.[0-9]*) ;;',
    '    *) echo "Could not read the cluster version through ${host}." >&2; exit 1 ;;',
    "  esac",
    '  case "$cluster_version" in *[!0-9.]*) echo "Unexpected cluster version ${cluster_version}." >&2; exit 1 ;; esac',
    `  if ! timeout 60 cockroach sql ${certs} --host="$host" --execute="SET CLUSTER SETTING cluster.preserve_downgrade_option = '\${cluster_version}'"; then`,
    '    echo "Could not set cluster.preserve_downgrade_option." >&2; exit 1',
    "  fi",
    '  echo "cluster.preserve_downgrade_option = ${cluster_version}: the upgrade to v${target_major} stays unfinalized until cockroach.finalizeUpgrade says so."',
    "fi",
    'echo "StatefulSet ${sts} may roll to ${target_image}."',
    "",
  ].join("\n");
}
