import { ConfigError } from "../../lib/core/validation";
import {
  MAX_SKUPPER_SITE_NAME,
  SKUPPER_LINK_ACCESS_TYPES,
  checkSkupperClusterHost,
  checkSkupperLinkAccess,
  checkSkupperSiteName,
  FULL_MESH_MAX_SITES,
  planLinks,
  skupperRouterGroups,
  skupperSiteCaCommonName,
  validateMesh,
} from "../../lib/skupper";

const site = (siteName: string, pods: string[], namespace = "cockroachdb") => ({ siteName, namespace, podNames: pods });

describe("planLinks", () => {
  test("a full mesh of N(N-1)/2 links, lower name dialling the higher", () => {
    expect(planLinks(["gcp", "aws", "azure"])).toEqual([
      { from: "aws", to: "azure" },
      { from: "aws", to: "gcp" },
      { from: "azure", to: "gcp" },
    ]);
    const names = ["s1", "s2", "s3", "s4", "s5"];
    const links = planLinks(names);
    expect(links).toHaveLength((names.length * (names.length - 1)) / 2);
    const pairs = new Set(links.map((l) => [l.from, l.to].sort().join("|")));
    expect(pairs.size).toBe(links.length);
    expect(planLinks(["solo"])).toEqual([]);
  });

  test("directions do not change when sites are reordered or added", () => {
    const before = planLinks(["gcp", "aws", "azure"]);
    const after = planLinks(["azure", "onprem", "aws", "gcp"]);
    for (const link of before) expect(after).toContainEqual(link);
  });

  test("a site without inbound access dials every peer; the others keep their directions", () => {
    const all = ["aws", "azure", "dc1", "gcp"];
    const links = planLinks(all.map((siteName) => ({ siteName, acceptsLinks: siteName !== "azure" })));
    expect(links).toEqual([
      { from: "azure", to: "aws" },
      { from: "aws", to: "dc1" },
      { from: "aws", to: "gcp" },
      { from: "azure", to: "dc1" },
      { from: "azure", to: "gcp" },
      { from: "dc1", to: "gcp" },
    ]);
    expect(links).toHaveLength(6);
    expect(links.filter((l) => l.to === "azure")).toEqual([]);
    expect(links.filter((l) => l.from === "azure").map((l) => l.to).sort()).toEqual(["aws", "dc1", "gcp"]);
    const others = planLinks(["aws", "dc1", "gcp"]);
    for (const link of others) expect(links).toContainEqual(link);
    // Strings and members mix; acceptsLinks defaults to true.
    expect(planLinks(["b", { siteName: "a", acceptsLinks: false }, { siteName: "c" }])).toEqual([
      { from: "a", to: "b" },
      { from: "a", to: "c" },
      { from: "b", to: "c" },
    ]);
    expect(planLinks(["b", { siteName: "z", acceptsLinks: false }])).toEqual([{ from: "z", to: "b" }]);
  });

  test("two sites without inbound access fail, naming both", () => {
    expect(() => planLinks(["aws", { siteName: "dc2", acceptsLinks: false }, { siteName: "dc1", acceptsLinks: false }])).toThrow(
      'siteNames[1]: invalid value "dc2". Sites "dc1" and "dc2" both accept no links (linkAccess "none"), so neither can dial the other; give one of them inbound link access (loadbalancer, nodeport or route).',
    );
  });

  test("rejects duplicate and invalid site names", () => {
    expect(() => planLinks(["aws", "gcp", "aws"])).toThrow(
      'siteNames[2]: invalid value "aws". Site names must be unique; siteNames[0] already uses it.',
    );
    expect(() => planLinks(["AWS"])).toThrow('siteNames[0]: invalid value "AWS". Use an RFC 1123 label');
  });
});

describe("planLinks: partial mesh", () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `s${String(i).padStart(2, "0")}`);
  /** Deterministic pseudo-random clouds, so domains interleave with names in every pattern. */
  const domainsOf = (sites: readonly string[], seed: number, clouds: number) =>
    Object.fromEntries(sites.map((s, i) => [s, `cloud-${(i * 7919 + seed * 104729) % clouds}`]));

  /** Sites reachable from the first survivor over links between survivors. */
  function connected(sites: readonly string[], links: ReturnType<typeof planLinks>, lost: ReadonlySet<string>): boolean {
    const alive = sites.filter((s) => !lost.has(s));
    if (alive.length === 0) return true;
    const seen = new Set([alive[0]]);
    const queue = [alive[0]];
    while (queue.length > 0) {
      const at = queue.shift() as string;
      for (const { from, to } of links) {
        const next = from === at ? to : to === at ? from : undefined;
        if (next !== undefined && !lost.has(next) && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen.size === alive.length;
  }

  function hops(sites: readonly string[], links: ReturnType<typeof planLinks>): number {
    let worst = 0;
    for (const start of sites) {
      const distance = new Map([[start, 0]]);
      const queue = [start];
      while (queue.length > 0) {
        const at = queue.shift() as string;
        for (const { from, to } of links) {
          const next = from === at ? to : to === at ? from : undefined;
          if (next !== undefined && !distance.has(next)) {
            distance.set(next, (distance.get(at) as number) + 1);
            queue.push(next);
          }
        }
      }
      worst = Math.max(worst, ...distance.values());
    }
    return worst;
  }

  test.each([1, 2, 3, 4, 5, 6, 7, 12, 13, 16, 24, 31, 48, 64])(
    "%i sites: losing any one site, or every site of any one cloud, leaves the rest connected",
    (n) => {
      const sites = names(n);
      for (const [seed, clouds] of [[0, 1], [1, 2], [2, 3], [3, 5]]) {
        const failureDomains = domainsOf(sites, seed, clouds);
        const links = planLinks(sites, { shape: "partial", failureDomains });
        for (const site of sites) expect({ lost: site, connected: connected(sites, links, new Set([site])) }).toEqual({ lost: site, connected: true });
        for (const cloud of new Set(Object.values(failureDomains))) {
          const lost = new Set(sites.filter((s) => failureDomains[s] === cloud));
          expect({ lost: cloud, connected: connected(sites, links, lost) }).toEqual({ lost: cloud, connected: true });
        }
      }
    },
  );

  test("links grow as N log N instead of N squared, with few hops between any two sites", () => {
    const counts = [13, 24, 48].map((n) => planLinks(names(n), { shape: "partial" }).length);
    expect(counts).toEqual([13 * 3, 24 * 4, 48 * 5]);
    expect(planLinks(names(48)).length).toBe((48 * 47) / 2);
    expect(hops(names(48), planLinks(names(48), { shape: "partial" }))).toBeLessThanOrEqual(6);
    expect(FULL_MESH_MAX_SITES).toBe(12);
  });

  test("every pair at most once, the lower name dialling, in a stable order", () => {
    const sites = names(24).reverse();
    const links = planLinks(sites, { shape: "partial", failureDomains: domainsOf(sites, 1, 3) });
    expect(new Set(links.map((l) => `${l.from}|${l.to}`)).size).toBe(links.length);
    for (const { from, to } of links) expect(from < to).toBe(true);
    expect(planLinks([...sites].reverse(), { shape: "partial", failureDomains: domainsOf(sites, 1, 3) })).toEqual(links);
  });

  test("is a full mesh while the ring's jumps reach every site", () => {
    expect(planLinks(names(5), { shape: "partial" })).toEqual(planLinks(names(5)));
  });
});

describe("site names and the site CA CN", () => {
  test("CN is exactly '<name> site CA'", () => {
    expect(skupperSiteCaCommonName("aws")).toBe("aws site CA");
  });

  test("a name whose CN would pass 64 characters is rejected", () => {
    const longest = "a".repeat(MAX_SKUPPER_SITE_NAME);
    expect(checkSkupperSiteName("siteName", longest)).toBe(longest);
    expect(skupperSiteCaCommonName(longest)).toHaveLength(64);
    const tooLong = "a".repeat(MAX_SKUPPER_SITE_NAME + 1);
    expect(() => checkSkupperSiteName("siteName", tooLong)).toThrow(
      `siteName: invalid value "${tooLong}". The site CA's common name "${tooLong} site CA" would exceed the 64 characters X.509 allows; use a site name of at most 56 characters.`,
    );
  });

  test("a name that cannot name a Site is rejected", () => {
    expect(() => checkSkupperSiteName("siteName", "aws_east")).toThrow('siteName: invalid value "aws_east". Use an RFC 1123 label');
  });

  test("router groups", () => {
    expect(skupperRouterGroups(false)).toEqual(["skupper-router"]);
    expect(skupperRouterGroups(true)).toEqual(["skupper-router", "skupper-router-2"]);
  });
});

describe("validateMesh", () => {
  const good = [site("aws", ["crdb-aws-0", "crdb-aws-1"]), site("gcp", ["crdb-gcp-0"]), site("azure", ["crdb-azure-0"])];

  test("accepts a consistent mesh", () => {
    expect(() => validateMesh(good)).not.toThrow();
  });

  test("no sites", () => {
    expect(() => validateMesh([])).toThrow("sites: invalid value []. List at least one Skupper site.");
  });

  test("duplicate site names", () => {
    expect(() => validateMesh([...good, site("gcp", ["x-0"])])).toThrow(
      'sites[3].siteName: invalid value "gcp". Site names must be unique; sites[1].siteName already uses it.',
    );
  });

  test("pod names colliding across sites", () => {
    expect(() => validateMesh([site("aws", ["crdb-0", "crdb-1"]), site("gcp", ["crdb-1"])])).toThrow(
      'sites[1].podNames[0]: invalid value "crdb-1". Pod names must be unique across sites; site "aws" already has this pod.',
    );
  });

  test("a pod name that cannot be a Service name", () => {
    expect(() => validateMesh([site("aws", ["Crdb-0"])])).toThrow('sites[0].podNames[0]: invalid value "Crdb-0". Use an RFC 1123 label');
  });

  test("namespaces that differ between sites", () => {
    expect(() => validateMesh([site("aws", ["a-0"]), site("gcp", ["g-0"], "crdb")])).toThrow(
      'sites[1].namespace: invalid value "crdb". Every site must use the same namespace as sites[0] ("cockroachdb")',
    );
  });

  test("a site name whose CA CN cannot match", () => {
    const name = "x".repeat(57);
    expect(() => validateMesh([site(name, ["a-0"])])).toThrow(`sites[0].siteName: invalid value "${name}". The site CA's common name`);
  });

  test("errors are ConfigErrors naming the field", () => {
    try {
      validateMesh([site("aws", ["p-0"]), site("aws", ["p-1"])]);
      throw new Error("expected a ConfigError");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe("sites[1].siteName");
    }
  });
});

describe("link access inputs", () => {
  test.each(["192.0.2.10", "node1.dc1.example.com", "gateway"])("accepts the cluster host %j", (host) => {
    expect(checkSkupperClusterHost("clusterHost", host)).toBe(host);
  });

  test.each(["300.1.2.3", "10.0.0", "010.0.0.1", "Node1.example.com", "node 1", ""])("rejects the cluster host %j", (host) => {
    expect(() => checkSkupperClusterHost("clusterHost", host)).toThrow(`clusterHost: invalid value ${JSON.stringify(host)}.`);
  });

  test("only the access types this project supports", () => {
    expect(SKUPPER_LINK_ACCESS_TYPES.map((t) => checkSkupperLinkAccess("linkAccess", t))).toEqual(["loadbalancer", "nodeport", "route", "none"]);
    expect(() => checkSkupperLinkAccess("linkAccess", "ingress" as never)).toThrow(
      'linkAccess: invalid value "ingress". Use one of "loadbalancer", "nodeport", "route", "none".',
    );
  });
});
