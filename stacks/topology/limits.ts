/**
 * What a topology may hold at most (README "Limits"). The file is untrusted input: every limit
 * is checked before the part it bounds is walked, so no input can exhaust memory or the stack.
 */

/** 1 MiB: a 64-site topology with every field set is about 60 KiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Sites in one topology. Each site adds four stacks and a Skupper link to every other site
 * (a full mesh), and every pod of every site is a Listener in every cluster; the synth is
 * benchmarked to 48 sites.
 */
export const MAX_SITES = 64;

/** Mappings and lists inside one another; the deepest field of the schema is 4 levels down. */
export const MAX_NESTING_DEPTH = 32;

/** The smallest file that passes, shown when a file is empty. */
export const LEAST_VALID_TOPOLOGY = '{ "survivalGoal": "zone", "sites": [{ "name": "aws", "cloud": "aws", "region": "us-east-1" }] }';

/**
 * The first value nested deeper than `limit` (path in the file's notation, and the value), or
 * undefined. Iterative: it is what runs before anything that recurses, so any depth is safe.
 */
export function nestingDeeperThan(value: unknown, limit: number): { readonly at: string; readonly value: unknown } | undefined {
  const stack: Array<{ value: unknown; depth: number; at: string }> = [{ value, depth: 0, at: "" }];
  let visited = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry.value === null || typeof entry.value !== "object") continue;
    // YAML aliases can share one node many times over; past this many it is no topology.
    if (entry.depth >= limit || ++visited > 1_000_000) return { at: entry.at || "topology", value: entry.value };
    if (Array.isArray(entry.value)) {
      entry.value.forEach((item, i) => stack.push({ value: item, depth: entry.depth + 1, at: `${entry.at || "topology"}[${i}]` }));
    } else {
      for (const [key, item] of Object.entries(entry.value)) stack.push({ value: item, depth: entry.depth + 1, at: entry.at ? `${entry.at}.${key}` : key });
    }
  }
  return undefined;
}
