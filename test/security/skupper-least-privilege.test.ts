import { parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { type Json, synthApp, values } from "../stacks/synth-app";
import { crdTest, skupperCrds } from "../skupper/crd-validator";

const synth = (file: TopologyFile) => synthApp(parseTopology(file, "test"));
const chartValues = (release: Json) => JSON.parse(release.values[0]);
const SITES = DEFAULT_TOPOLOGY_FILE.sites.map((s) => s.name);

describe("the Skupper controller: namespace scope by default", () => {
  const { stacks } = synth(DEFAULT_TOPOLOGY_FILE);

  test("every site's controller runs in the database namespace, watches only it, and Helm does not own that namespace", () => {
    for (const site of SITES) {
      const platform = stacks[`${site}-platform`];
      const [release] = values(platform, "helm_release");
      expect(chartValues(release).scope).toBe("namespace");
      // The chart's namespace-scoped Deployment watches metadata.namespace: the release's namespace.
      expect(release.namespace).toBe("${kubernetes_namespace_v1.namespace.metadata[0].name}");
      expect(values(platform, "kubernetes_namespace_v1")[0].metadata.name).toBe("cockroachdb");
      expect(release.create_namespace).toBe(false);
      // The sizing profile must sit where the controller reads it: its own namespace.
      expect(values(platform, "kubernetes_config_map_v1").find((cm) => cm.metadata.labels?.["skupper.io/site-sizing"])?.metadata.namespace).toBe(
        "${kubernetes_namespace_v1.namespace.metadata[0].name}",
      );
    }
  });

  test("no ClusterRole reaches Secrets, pods/exec or RBAC: the one cluster-wide grant is the database's node reader", () => {
    const sensitive = ["secrets", "pods", "pods/exec", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "*"];
    const clusterRoles = Object.values(stacks).flatMap((json) => values(json, "kubernetes_cluster_role_v1"));
    expect(clusterRoles.length).toBeGreaterThan(0);
    for (const role of clusterRoles) {
      for (const rule of role.rule) {
        expect(rule.resources.filter((r: string) => sensitive.includes(r))).toEqual([]);
        expect(rule.verbs).toEqual(["get"]);
      }
    }
    for (const json of Object.values(stacks)) {
      const kinds = values(json, "kubernetes_manifest").map((m) => m.manifest.kind);
      expect(kinds.filter((kind: string) => kind === "ClusterRole" || kind === "ClusterRoleBinding")).toEqual([]);
    }
  });

  test("cluster scope on request: the controller in namespace skupper, which Helm creates", () => {
    const cluster = synth({ ...DEFAULT_TOPOLOGY_FILE, skupper: { controllerScope: "cluster" } });
    for (const site of SITES) {
      const [release] = values(cluster.stacks[`${site}-platform`], "helm_release");
      expect(chartValues(release).scope).toBe("cluster");
      expect(release).toMatchObject({ namespace: "skupper", create_namespace: true });
    }
  });

  test("a scope the chart does not render is refused with the field's path", () => {
    expect(() => parseTopology({ ...DEFAULT_TOPOLOGY_FILE, skupper: { controllerScope: "namespaced" } }, "test")).toThrow(
      'skupper.controllerScope: invalid value "namespaced". Use one of "namespace", "cluster".',
    );
  });
});

const SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";
/** The source ranges on each router Service template of a platform stack (both router groups). */
const routerRanges = (platform: Json): Array<string | undefined> =>
  values(platform, "kubernetes_config_map_v1")
    .filter((cm) => cm.metadata.labels?.["skupper.io/label-template"] === "true")
    .map((cm) => cm.metadata.annotations?.[SOURCE_RANGES]);
/** Who dials `site`, read from the synthesized Links (`link-to-<site>` in the dialler's links stack). */
const diallersOf = (stacks: Record<string, Json>, site: string): string[] =>
  Object.keys(stacks)
    .filter((name) => name.endsWith("-links"))
    .filter((name) => values(stacks[name], "kubernetes_manifest").some((m) => m.manifest.kind === "Link" && m.manifest.metadata.name === `link-to-${site}`))
    .map((name) => name.slice(0, -"-links".length))
    .sort();
const warningsOf = (synthesized: ReturnType<typeof synth>, stack: string): string[] =>
  (synthesized.annotations[stack] ?? []).filter((a) => a.level === "@cdktf/warn").map((a) => a.message);
/** The egress attribute each managed cloud's cluster stack exports. */
const EGRESS_ATTRIBUTES: Record<string, RegExp> = {
  aws: /^\$\{aws_eip\.[\w-]+\.public_ip\}$/,
  gcp: /^\$\{google_compute_address\.[\w-]+\.address\}$/,
  azure: /^\$\{azurerm_public_ip\.[\w-]+\.ip_address\}$/,
};

describe("router load balancers admit only the sites that dial them", () => {
  const synthesized = synth(DEFAULT_TOPOLOGY_FILE);
  const { stacks, dependencies } = synthesized;

  test("each inbound router admits exactly its diallers' NAT addresses, through outputs their cluster stacks really have", () => {
    const admitted: Record<string, string[]> = {};
    for (const site of SITES) {
      const [first, second] = routerRanges(stacks[`${site}-platform`]);
      expect(second).toBe(first);
      const platform = stacks[`${site}-platform`];
      const producers = first!.split(",").map((cidr) => {
        const match = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}\/32$/.exec(cidr);
        expect(match).not.toBeNull();
        const [, producer, output] = match!;
        // The consumer reads the producer's state, and the producer has that output: a real address attribute, also in its egress_cidrs.
        expect(platform.data.terraform_remote_state[`cross-stack-reference-input-${producer}`]).toBeDefined();
        const exported = stacks[producer].output[output];
        expect(exported.value).toMatch(EGRESS_ATTRIBUTES[producer.replace(/-cluster$/, "")]);
        expect(stacks[producer].output.egress_cidrs.value).toContain(`${exported.value}/32`);
        return producer.replace(/-cluster$/, "");
      });
      // Every address of each admitted site, once.
      const expectedCount = [...new Set(producers)].reduce((n, peer) => n + stacks[`${peer}-cluster`].output.egress_cidrs.value.length, 0);
      expect(producers).toHaveLength(expectedCount);
      admitted[site] = [...new Set(producers)].sort();
    }
    // Exactly the diallers; a site that no one dials admits the other sites (a source range list cannot be empty).
    for (const site of SITES) {
      const diallers = diallersOf(stacks, site);
      expect({ site, admitted: admitted[site] }).toEqual({ site, admitted: diallers.length > 0 ? diallers : SITES.filter((s) => s !== site).sort() });
    }
    expect(diallersOf(stacks, "gcp")).toEqual(["aws", "azure"]);
    expect(admitted).toEqual({ aws: ["azure", "gcp"], azure: ["aws"], gcp: ["aws", "azure"] });
  });

  test("the platform stacks wait for the clusters they read; the stack graph stays acyclic", () => {
    const admitted = { aws: ["azure", "gcp"], azure: ["aws"], gcp: ["aws", "azure"] };
    for (const [site, peers] of Object.entries(admitted)) {
      expect(dependencies[`${site}-platform`].filter((d) => d.endsWith("-cluster")).sort()).toEqual([site, ...peers].map((s) => `${s}-cluster`).sort());
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (stack: string): void => {
      if (done.has(stack)) return;
      expect(visiting.has(stack)).toBe(false);
      visiting.add(stack);
      for (const dependency of dependencies[stack] ?? []) visit(dependency);
      visiting.delete(stack);
      done.add(stack);
    };
    Object.keys(dependencies).forEach(visit);
    expect(done.size).toBe(Object.keys(stacks).length);
  });

  test("GKE and AKS egress from reserved addresses: Cloud NAT MANUAL_ONLY, the AKS load balancer's own outbound IP", () => {
    const [nat] = values(stacks["gcp-cluster"], "google_compute_router_nat");
    const [address] = Object.keys(stacks["gcp-cluster"].resource.google_compute_address);
    expect(nat).toMatchObject({ nat_ip_allocate_option: "MANUAL_ONLY", nat_ips: [`\${google_compute_address.${address}.self_link}`] });
    const [cluster] = values(stacks["azure-cluster"], "azurerm_kubernetes_cluster");
    const [ip] = Object.keys(stacks["azure-cluster"].resource.azurerm_public_ip);
    expect(cluster.network_profile.outbound_type).toBe("loadBalancer");
    expect(cluster.network_profile.load_balancer_profile).toEqual({ outbound_ip_address_ids: [`\${azurerm_public_ip.${ip}.id}`] });
    expect(values(stacks["azure-cluster"], "azurerm_public_ip")[0]).toMatchObject({ allocation_method: "Static", sku: "Standard", zones: ["1", "2", "3"] });
    // The in-cluster cloud provider joins that IP to the load balancer when a LoadBalancer Service changes it.
    const scopes = values(stacks["azure-cluster"], "azurerm_role_assignment").map((r) => r.scope);
    expect(scopes).toContain(`\${azurerm_public_ip.${ip}.id}`);
  });

  test("the default topology warns about no router", () => {
    for (const site of SITES) expect(warningsOf(synthesized, `${site}-platform`)).toEqual([]);
  });

  test("skupper.restrictLinkSources: false leaves every router open, without a warning", () => {
    const open = synth({ ...DEFAULT_TOPOLOGY_FILE, skupper: { restrictLinkSources: false } });
    for (const site of SITES) {
      expect(routerRanges(open.stacks[`${site}-platform`])).toEqual([undefined, undefined]);
      expect(warningsOf(open, `${site}-platform`)).toEqual([]);
      expect(open.dependencies[`${site}-platform`]).not.toContain(`${SITES.find((s) => s !== site)}-cluster`);
    }
  });

  test("linkSourceCidrs replaces the computed ranges of its site", () => {
    const file: TopologyFile = {
      ...DEFAULT_TOPOLOGY_FILE,
      sites: DEFAULT_TOPOLOGY_FILE.sites.map((s) => (s.name === "gcp" ? { ...s, linkSourceCidrs: ["198.51.100.0/24", "203.0.113.7/32"] } : s)),
    };
    const { stacks } = synth(file);
    expect(routerRanges(stacks["gcp-platform"])).toEqual(["198.51.100.0/24,203.0.113.7/32", "198.51.100.0/24,203.0.113.7/32"]);
    expect(stacks["gcp-platform"].data?.terraform_remote_state?.["cross-stack-reference-input-aws-cluster"]).toBeUndefined();
  });

  describe("existing clusters", () => {
    const withExisting = (egressCidrs?: string[]): TopologyFile => ({
      ...DEFAULT_TOPOLOGY_FILE,
      sites: [
        ...DEFAULT_TOPOLOGY_FILE.sites,
        // "dc1" sorts before "gcp": it dials gcp, and azure and aws dial it.
        { name: "dc1", cloud: "existing", region: "onprem", kubeconfig: { context: "dc1" }, storageClassName: "fast", ...(egressCidrs ? { egressCidrs } : {}) },
      ],
    });

    test("an unknown egress leaves the routers it dials open, and the warning names the site and the field to set", () => {
      const synthesized = synth(withExisting());
      expect(diallersOf(synthesized.stacks, "gcp")).toEqual(["aws", "azure", "dc1"]);
      expect(routerRanges(synthesized.stacks["gcp-platform"])).toEqual([undefined, undefined]);
      expect(warningsOf(synthesized, "gcp-platform")).toEqual([
        'Site "gcp": its Skupper router\'s load balancer accepts connections from the whole internet (links still need a certificate from its site CA), because the egress addresses of site "dc1", which dials it, are unknown; set sites[3].egressCidrs (the addresses that cluster\'s outbound traffic leaves from), or sites[1].linkSourceCidrs, or skupper.restrictLinkSources: false to accept this.',
      ]);
      // The existing site itself is dialled by aws and azure, whose addresses are known.
      expect(routerRanges(synthesized.stacks["dc1-platform"])[0]).toMatch(/aws-cluster.*azure-cluster/);
      expect(warningsOf(synthesized, "dc1-platform")).toEqual([]);
    });

    test("egressCidrs makes its addresses part of the ranges, and the warning goes away", () => {
      const synthesized = synth(withExisting(["192.0.2.0/28"]));
      const [ranges] = routerRanges(synthesized.stacks["gcp-platform"]);
      expect(ranges!.split(",").filter((cidr) => !cidr.startsWith("${"))).toEqual(["192.0.2.0/28"]);
      expect(warningsOf(synthesized, "gcp-platform")).toEqual([]);
    });
  });

  test.each<[string, (file: TopologyFile) => TopologyFile, string]>([
    [
      "linkSourceCidrs on a site without a load balancer",
      (file) => ({ ...file, sites: file.sites.map((s, i) => (i === 2 ? { ...s, linkAccess: "none" as const, linkSourceCidrs: ["198.51.100.0/24"] } : s)) }),
      'sites[2].linkSourceCidrs: invalid value ["198.51.100.0/24"]. Only a load balancer takes source ranges (this site has linkAccess "none"); remove linkSourceCidrs and filter at your firewall.',
    ],
    [
      "linkSourceCidrs with restrictLinkSources: false",
      (file) => ({ ...file, skupper: { restrictLinkSources: false }, sites: file.sites.map((s, i) => (i === 0 ? { ...s, linkSourceCidrs: ["198.51.100.0/24"] } : s)) }),
      'sites[0].linkSourceCidrs: invalid value ["198.51.100.0/24"]. skupper.restrictLinkSources is false, which leaves every router unrestricted; remove one of the two.',
    ],
    [
      "a malformed egress CIDR",
      (file) => ({ ...file, sites: [...file.sites, { name: "dc1", cloud: "existing" as const, region: "onprem", kubeconfig: { context: "dc1" }, storageClassName: "fast", egressCidrs: ["192.0.2.1"] }] }),
      'sites[3].egressCidrs[0]: invalid value "192.0.2.1". Use an IPv4 CIDR block',
    ],
    [
      "an empty linkSourceCidrs",
      (file) => ({ ...file, sites: file.sites.map((s, i) => (i === 0 ? { ...s, linkSourceCidrs: [] } : s)) }),
      "sites[0].linkSourceCidrs: invalid value []. List at least one CIDR, or leave the field out.",
    ],
  ])("refuses %s", (_, change, message) => {
    expect(() => parseTopology(change(DEFAULT_TOPOLOGY_FILE), "test")).toThrow(message);
  });
});

crdTest("Skupper 2.2.1's Site and RouterAccess have no source-range field: the annotation on the controller-made Service is the one way", () => {
  const crds = skupperCrds();
  const site = { apiVersion: "skupper.io/v2alpha1", kind: "Site", metadata: { name: "aws", namespace: "cockroachdb" }, spec: { linkAccess: "loadbalancer" } };
  expect(crds.validate(site).errors).toEqual([]);
  expect(crds.validate({ ...site, spec: { ...site.spec, loadBalancerSourceRanges: ["192.0.2.0/28"] } }).errors.join()).toMatch(/loadBalancerSourceRanges/);
  const access = {
    apiVersion: "skupper.io/v2alpha1",
    kind: "RouterAccess",
    metadata: { name: "skupper-router", namespace: "cockroachdb" },
    spec: { accessType: "loadbalancer", tlsCredentials: "skupper-site-server", roles: [{ name: "inter-router", port: 55671 }] },
  };
  expect(crds.validate(access).errors).toEqual([]);
  expect(crds.validate({ ...access, spec: { ...access.spec, loadBalancerSourceRanges: ["192.0.2.0/28"] } }).errors.join()).toMatch(/loadBalancerSourceRanges/);
});
