/** The bash program of CockroachUpgradeFinalize's Job, a pure function so tests run it with a stub `cockroach`. */
import { clientCertFlags } from "./common";
import { nodeTableFunction } from "./node-table-script";
import { shellQuote } from "./scripts";

export interface UpgradeFinalizeScriptOptions {
  /** The major to finalize, e.g. "26.2". */
  readonly major: string;
  /** `host:port` of a node to talk to. */
  readonly host: string;
  /** How long to wait for the cluster version to reach the major after the reset. */
  readonly waitSeconds: number;
  /** The SQL user whose certificate is in the certs dir (needs the admin role). @default "root" */
  readonly sqlUser?: string;
}

/**
 * Finalizes a major upgrade, after CockroachDB's documented check: every node that is not
 * decommissioned is live and runs the new major. Then it resets
 * `cluster.preserve_downgrade_option`, which lets the cluster run the upgrade migrations, and
 * waits until `SHOW CLUSTER SETTING version` reports the new major. A cluster already at it
 * (or a re-run) changes nothing.
 */
export function upgradeFinalizeScript(o: UpgradeFinalizeScriptOptions): string {
  const certs = clientCertFlags(o.sqlUser ?? "root");
  return [
    "set -uo pipefail",
    `major=${shellQuote(o.major)}`,
    `host=${shellQuote(o.host)}`,
    ...nodeTableFunction(certs),
    `version() { timeout 60 cockroach sql ${certs} --host="$host" --format=tsv --execute="SHOW CLUSTER SETTING version" | tail -n 1; }`,
    'current="$(version)" || current=""',
    'if [ "$current" = "$major" ]; then echo "The cluster version is ${major} already: finalized."; exit 0; fi',
    'if ! table="$(node_table)"; then echo "Could not list the cluster\'s nodes through ${host}." >&2; exit 1; fi',
    "while IFS='|' read -r id pod build live membership; do",
    '  [ -n "$id" ] || continue',
    '  [ "$membership" = decommissioned ] && continue',
    '  if [ "$live" != true ]; then echo "Not finalizing: node ${id} (${pod}) is not live." >&2; exit 1; fi',
    '  case "$build" in "v${major}".*) ;; *) echo "Not finalizing: node ${id} (${pod}) runs ${build}, not v${major}; finish the rollout first." >&2; exit 1 ;; esac',
    'done <<< "$table"',
    `if ! timeout 60 cockroach sql ${certs} --host="$host" --execute="RESET CLUSTER SETTING cluster.preserve_downgrade_option"; then`,
    '  echo "Could not reset cluster.preserve_downgrade_option." >&2; exit 1',
    "fi",
    `deadline=$((SECONDS + ${o.waitSeconds}))`,
    'until [ "$(version)" = "$major" ]; do',
    '  if [ "$SECONDS" -ge "$deadline" ]; then echo "The upgrade migrations to ${major} are still running; they continue in the cluster. Check SHOW CLUSTER SETTING version." >&2; exit 1; fi',
    "  sleep 10",
    "done",
    'echo "Finalized: the cluster version is ${major}."',
    "",
  ].join("\n");
}
