import { Testing } from "cdktf";
import { generateTopology } from "../../bench/generate-topology";
import { FULL_MESH_MAX_SITES, planLinks } from "../../lib/skupper/mesh";
import { buildDeployment } from "../../stacks/app";
import { parseTopology, type TopologyFile } from "../../stacks/topology";

/** The Links the links stacks declare, as "from->to", and how many link certificates pki issues. */
function synthesizedMesh(file: TopologyFile): { links: string[]; linkCertificates: number } {
  const topology = parseTopology(file, "inline");
  const app = Testing.app();
  const deployment = buildDeployment(app, topology);
  const links = deployment.links.flatMap((stack) => {
    const json = JSON.parse(Testing.synth(stack));
    return Object.values<{ manifest: { kind: string; metadata: { name: string } } }>(json.resource.kubernetes_manifest)
      .filter((m) => m.manifest.kind === "Link")
      .map((m) => `${stack.node.id.replace(/-links$/, "")}->${m.manifest.metadata.name.replace(/^link-to-/, "")}`);
  });
  const pki = JSON.parse(Testing.synth(deployment.pki));
  return { links: links.sort(), linkCertificates: Object.keys(pki.resource.tls_locally_signed_cert).filter((k) => k.includes("link-")).length };
}

const asText = (plans: ReturnType<typeof planLinks>) => plans.map((l) => `${l.from}->${l.to}`).sort();

describe("skupper.mesh in the topology", () => {
  test(`auto: a full mesh up to ${FULL_MESH_MAX_SITES} sites, a partial one above; an explicit shape wins`, () => {
    const mesh = (file: TopologyFile) => parseTopology(file, "inline").skupper.mesh;
    expect(mesh(generateTopology(FULL_MESH_MAX_SITES))).toBe("full");
    expect(mesh(generateTopology(FULL_MESH_MAX_SITES + 1))).toBe("partial");
    expect(mesh({ ...generateTopology(13), skupper: { mesh: "full" } })).toBe("full");
    expect(mesh({ ...generateTopology(6), skupper: { mesh: "partial" } })).toBe("partial");
  });

  test("a partial mesh's Links and link certificates are exactly planLinks' partial plan, by cloud", () => {
    const file = generateTopology(FULL_MESH_MAX_SITES + 1);
    const { links, linkCertificates } = synthesizedMesh(file);
    const clouds = Object.fromEntries(file.sites.map((s) => [s.name, s.cloud]));
    expect(links).toEqual(asText(planLinks(file.sites.map((s) => s.name), { shape: "partial", failureDomains: clouds })));
    expect(links.length).toBeLessThan((13 * 12) / 2);
    expect(linkCertificates).toBe(links.length);
  });

  test("an unknown shape is a topology error naming the field", () => {
    expect(() => parseTopology({ ...generateTopology(3), skupper: { mesh: "star" } }, "inline")).toThrow(/skupper\.mesh: invalid value "star"\. Use one of "auto", "full", "partial"\./);
  });
});
