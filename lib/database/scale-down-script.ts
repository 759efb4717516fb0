/**
 * The bash program of CockroachScaleDown's Job, a pure function so tests run it with stub
 * `curl` and `cockroach` programs.
 */
import { COCKROACH_GRPC_PORT } from "../core/naming";
import { clientCertFlags } from "./common";
import { identityCheckLines, kubeGetLines, nodeTableFunction } from "./node-table-script";
import { shellQuote } from "./scripts";

export interface ScaleDownScriptOptions {
  readonly statefulSetName: string;
  readonly namespace: string;
  /** The replicas the StatefulSet is about to be set to. */
  readonly targetReplicas: number;
  /** A Service of this site that reaches a live node (the public Service). */
  readonly host: string;
  /** Directory with the service account `token` and the API server's `ca.crt`. */
  readonly serviceAccountDir: string;
  /** How long `cockroach node decommission` may take before the Job fails (a re-run continues). */
  readonly decommissionTimeoutSeconds: number;
  /** A writable directory (the root filesystem is read-only). */
  readonly workDir: string;
  /**
   * The SQL user whose certificate is in the certs dir. Only root may decommission (CockroachDB's
   * RPC layer accepts root and node certificates only); another user lists the nodes and, when
   * some must go, fails with `withoutRootFix` before the StatefulSet shrinks.
   * @default "root"
   */
  readonly sqlUser?: string;
  /** What the failure says to do when `sqlUser` is not root and nodes must be decommissioned. */
  readonly withoutRootFix?: string;
}

/**
 * Decommissions this site's nodes that a lower replica count is about to remove, and waits
 * until CockroachDB reports them `decommissioned`, so the StatefulSet may shrink afterwards.
 *
 * It reads the StatefulSet's current replicas from the Kubernetes API (the `scale`
 * subresource): none yet (first deploy) or no more than the target (scale-up) means nothing
 * to do, without asking the database, which may not exist yet. Otherwise it maps the nodes of
 * `cockroach node status --decommission` to pods by their advertised address
 * (`<statefulset>-<ordinal>.<namespace>.svc...`) and decommissions those with an ordinal at or
 * above the target that are not decommissioned yet; a re-run after a timeout therefore
 * continues where the cluster is (decommissioning carries on in the cluster meanwhile).
 */
export function scaleDownScript(o: ScaleDownScriptOptions): string {
  const user = o.sqlUser ?? "root";
  const certs = clientCertFlags(user);
  const url = `https://kubernetes.default.svc/apis/apps/v1/namespaces/${o.namespace}/statefulsets/${o.statefulSetName}/scale`;
  const decommission =
    user === "root"
      ? [
          `if ! timeout ${o.decommissionTimeoutSeconds} cockroach node decommission "\${ids[@]}" ${certs} --host="$host" --wait=all; then`,
          `  echo "Decommissioning did not finish within ${o.decommissionTimeoutSeconds} seconds; it continues in the cluster. Deploy again to wait for it." >&2`,
          "  exit 1",
          "fi",
        ]
      : [
          `echo ${shellQuote(`Only the root client certificate may decommission nodes (CockroachDB accepts node RPCs from root and node certificates only), and this Job runs as ${user}. `)}"Nodes \${ids[*]} must be decommissioned before the StatefulSet shrinks: "${shellQuote(o.withoutRootFix ?? "run this Job with the root client certificate (sqlUser root).")} >&2`,
          "exit 1",
        ];
  return [
    "set -uo pipefail",
    `sts=${shellQuote(o.statefulSetName)}`,
    `target=${o.targetReplicas}`,
    `host=${shellQuote(`${o.host}:${COCKROACH_GRPC_PORT}`)}`,
    `scale_file=${shellQuote(`${o.workDir}/scale.json`)}`,
    ...kubeGetLines({ url, outFile: `${o.workDir}/scale.json`, serviceAccountDir: o.serviceAccountDir, ifMissing: `StatefulSet ${o.statefulSetName} does not exist yet: nothing to decommission.` }),
    // The Scale object lists spec before status; its first "replicas" is the desired count.
    `current="$(grep -o '"replicas" *: *[0-9]*' "$scale_file" | head -n 1 | grep -o '[0-9]*$' || true)"`,
    'if [ -z "$current" ]; then echo "The scale of StatefulSet ${sts} has no replicas." >&2; exit 1; fi',
    'if [ "$current" -le "$target" ]; then echo "StatefulSet ${sts} runs ${current} replicas, the target is ${target}: nothing to decommission."; exit 0; fi',
    ...nodeTableFunction(certs),
    ...identityCheckLines(certs, user),
    "# Prints the IDs of this StatefulSet's nodes with an ordinal >= target that are not decommissioned.",
    "pending_nodes() {",
    "  local table id pod build live membership ordinal",
    "  table=\"$(node_table)\" || return 1",
    "  while IFS='|' read -r id pod build live membership; do",
    '    case "$pod" in "$sts"-*) ;; *) continue ;; esac',
    '    ordinal="${pod#"$sts"-}"',
    '    case "$ordinal" in ""|*[!0-9]*) continue ;; esac',
    '    if [ "$ordinal" -ge "$target" ] && [ "$membership" != decommissioned ]; then printf "%s\\n" "$id"; fi',
    '  done <<< "$table"',
    "}",
    'if ! pending="$(pending_nodes)"; then echo "Could not list the cluster\'s nodes through ${host}." >&2; exit 1; fi',
    'if [ -z "$pending" ]; then echo "The nodes of ${sts} from ordinal ${target} are decommissioned already."; exit 0; fi',
    "mapfile -t ids <<< \"$pending\"",
    'echo "Decommissioning nodes ${ids[*]} (${sts} ordinals ${target} to $((current - 1))) before the StatefulSet shrinks."',
    ...decommission,
    'if ! left="$(pending_nodes)"; then echo "Could not list the cluster\'s nodes through ${host}." >&2; exit 1; fi',
    'if [ -n "$left" ]; then echo "Nodes $(echo $left) are not decommissioned yet." >&2; exit 1; fi',
    'echo "Nodes ${ids[*]} are decommissioned; the StatefulSet may shrink to ${target}."',
    "",
  ].join("\n");
}
