import { shellQuote } from "./scripts";

/**
 * A bash function for the Job scripts that need to know the cluster's nodes: `node_table`
 * prints one line per node, `id|pod|build|is_live|membership`, from
 * `cockroach node status --decommission --format=tsv`, columns found by their header names.
 * `pod` is the first label of the node's advertised address (`<pod>.<namespace>.svc...`).
 */
export function nodeTableFunction(certsFlag: string): string[] {
  return [
    "node_table() {",
    "  local status line header=1 c_id='' c_addr='' c_build='' c_live='' c_mem='' i",
    `  status="$(timeout 60 cockroach node status ${certsFlag} --host="$host" --decommission --format=tsv)" || return 1`,
    "  while IFS= read -r line; do",
    "    [ -n \"$line\" ] || continue",
    "    # Tabs are whitespace to IFS, so empty columns would merge; split on a non-whitespace separator.",
    "    IFS=$'\\x1f' read -r -a f <<< \"${line//$'\\t'/$'\\x1f'}\"",
    '    if [ "$header" = 1 ]; then',
    '      for i in "${!f[@]}"; do',
    '        case "${f[$i]}" in id) c_id=$i ;; address) c_addr=$i ;; build) c_build=$i ;; is_live) c_live=$i ;; membership) c_mem=$i ;; esac',
    "      done",
    '      if [ -z "$c_id" ] || [ -z "$c_addr" ] || [ -z "$c_build" ] || [ -z "$c_live" ] || [ -z "$c_mem" ]; then',
    '        echo "cockroach node status lacks one of the columns id, address, build, is_live, membership." >&2; return 1',
    "      fi",
    "      header=0; continue",
    "    fi",
    '    local pod="${f[$c_addr]%%.*}"',
    '    printf "%s|%s|%s|%s|%s\\n" "${f[$c_id]}" "${pod%%:*}" "${f[$c_build]}" "${f[$c_live]}" "${f[$c_mem]}"',
    '  done <<< "$status"',
    "}",
  ];
}

/**
 * Bash lines that GET `url` from the Kubernetes API with the service account in
 * `serviceAccountDir` into `outFile`, and exit 0 with `ifMissing` when the object does not
 * exist (404), 1 on any other failure. `sts` must be set (it names the object in messages).
 */
export function kubeGetLines(o: { readonly url: string; readonly outFile: string; readonly serviceAccountDir: string; readonly ifMissing: string }): string[] {
  return [
    `token="$(cat ${o.serviceAccountDir}/token)"`,
    `code="$(curl --silent --show-error --max-time 10 --retry 5 --retry-delay 2 --cacert ${o.serviceAccountDir}/ca.crt \\`,
    `  --header "Authorization: Bearer \${token}" --output ${shellQuote(o.outFile)} --write-out '%{http_code}' ${shellQuote(o.url)})"`,
    'case "$code" in',
    "  200) ;;",
    `  404) echo ${shellQuote(o.ifMissing)}; exit 0 ;;`,
    '  *) echo "Reading StatefulSet ${sts} from the Kubernetes API failed (HTTP ${code})." >&2; exit 1 ;;',
    "esac",
  ];
}

/**
 * Bash lines that stop with a clear message when the cluster refuses `user` (its error names the
 * user, e.g. "authentication failed for user ..."), for an identity the init Job creates
 * (OPERATOR_SQL_USER): on a deployment older than that identity, a Job that needs the database
 * before cluster-init ran again says what to do instead of failing on its first query. Any other
 * failure (the cluster unreachable) is left to the script. Root always exists: no check.
 */
export function identityCheckLines(certsFlag: string, user: string): string[] {
  if (user === "root") return [];
  return [
    `if ! probe="$(timeout 60 cockroach sql ${certsFlag} --host="$host" --execute="SELECT 1" 2>&1)"; then`,
    `  case "$probe" in *${user}*)`,
    `    echo "The cluster refuses SQL user ${user} (\${probe:0:300}). The cluster-init stack creates ${user}; if it has not run since this deployment got ${user}, deploy once without changing replicas or the image (cluster-init then creates the user), then make the change again." >&2`,
    "    exit 1 ;;",
    "  esac",
    "fi",
  ];
}
