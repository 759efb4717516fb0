/**
 * Names the app derives from the topology that must not collide: construct ids at the app root
 * (stack names and the existing clusters' site constructs) and the objects every cluster's
 * namespace holds (a Service per StatefulSet and per pod of every site, through Skupper
 * Listeners for remote pods; the StatefulSets' `app.kubernetes.io/instance` selector label).
 * Checked up front, so a collision is a message naming both sites, not a crash inside cdktf or
 * a Service that silently selects another component's pods.
 */
import { ConfigError } from "../../lib/core/validation";
import { podNames, statefulSetName } from "../../lib/core/naming";
import { DEFAULT_PUBLIC_SERVICE } from "../../lib/database/common";
import { GLOBAL_STACKS, rootConstructIds } from "../naming";

/** Names taken in the namespace by components of every site, whatever the topology says. */
const FIXED_NAMES: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly owner: string }> = [
  { kind: "Service", name: DEFAULT_PUBLIC_SERVICE, owner: "the public SQL Service" },
  { kind: "instance label", name: DEFAULT_PUBLIC_SERVICE, owner: "the public SQL Service" },
  { kind: "instance label", name: "cockroachdb-client", owner: "the SQL client pod" },
  { kind: "instance label", name: "cockroachdb-init", owner: "the cluster init Job" },
  { kind: "Service", name: "skupper-router", owner: "the Skupper router" },
  { kind: "Service", name: "skupper-router-2", owner: "the Skupper router" },
  { kind: "Service", name: "skupper-router-local", owner: "the Skupper router" },
];

export interface NamedSite {
  readonly index: number;
  readonly name: string;
  readonly cloud: string;
  readonly replicas: number;
}

interface Claim {
  readonly site?: number;
  readonly what: string;
}

/** Every collision between derived names, reported at the later site's name and naming the earlier owner. */
export function derivedNameProblems(allSites: readonly NamedSite[], prefix: string | undefined): ConfigError[] {
  const problems: ConfigError[] = [];
  const reported = new Set<string>();
  const check = (claims: Map<string, Claim>, key: string, claim: Claim, site: NamedSite, rule: string) => {
    const earlier = claims.get(key);
    if (earlier === undefined) {
      claims.set(key, claim);
      return;
    }
    if (earlier.site === site.index) return;
    const pair = `${earlier.site}/${site.index}/${rule}`;
    if (reported.has(pair)) return;
    reported.add(pair);
    const other = earlier.site === undefined ? earlier.what : `${earlier.what} of sites[${earlier.site}] (${JSON.stringify(sites.find((s) => s.index === earlier.site)?.name)})`;
    problems.push(new ConfigError(`sites[${site.index}].name`, site.name, `Its ${claim.what} has the same name as ${other}; ${rule}. Rename one of the two.`));
  };

  // A repeated site name is reported as such; its derived names would only repeat that.
  const seen = new Set<string>();
  const sites = allSites.filter((site) => !seen.has(site.name) && seen.add(site.name));
  const rootIds = new Map<string, Claim>();
  for (const id of GLOBAL_STACKS) rootIds.set(id, { what: `the stack "${id}"` });
  for (const site of sites) {
    for (const { id, what } of rootConstructIds(site.name, site.cloud)) {
      check(rootIds, id, { site: site.index, what: `${what} "${id}"` }, site, "cdktf needs every stack and construct at the app's root to have its own id");
    }
  }

  if (prefix === undefined) return problems;
  const namespaced = new Map<string, Claim>();
  for (const fixed of FIXED_NAMES) namespaced.set(`${fixed.kind}/${fixed.name}`, { what: fixed.owner });
  for (const site of sites) {
    let sts: string;
    try {
      sts = statefulSetName(prefix, site.name);
    } catch {
      continue; // Too long: reported by the StatefulSet name check.
    }
    const rule = "every cluster holds a Service for each StatefulSet and pod of every site, in one namespace";
    check(namespaced, `Service/${sts}`, { site: site.index, what: `StatefulSet Service "${sts}"` }, site, rule);
    check(
      namespaced,
      `instance label/${sts}`,
      { site: site.index, what: `StatefulSet "${sts}" (its pods' app.kubernetes.io/instance label)` },
      site,
      "the StatefulSet's selector would also select the other component's pods",
    );
    for (const pod of podNames(sts, Math.min(site.replicas, 1000))) {
      check(namespaced, `Service/${pod}`, { site: site.index, what: `pod Service "${pod}"` }, site, rule);
    }
  }
  return problems;
}
