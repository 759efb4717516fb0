import { parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import type { TopologyFile } from "../../stacks/topology";
import { synthApp } from "../stacks/synth-app";

function warnings(file: TopologyFile): Record<string, string[]> {
  const { annotations } = synthApp(parseTopology(file, "test"));
  return Object.fromEntries(
    Object.entries(annotations)
      .map(([stack, list]) => [stack, list.filter((a) => a.level === "@cdktf/warn").map((a) => a.message)] as const)
      .filter(([, list]) => list.length > 0),
  );
}

describe("warnings at synth", () => {
  test("every managed site with an open API and the local backend's plain key files are named", () => {
    const found = warnings(DEFAULT_TOPOLOGY_FILE);
    for (const site of ["aws", "gcp", "azure"]) {
      expect(found[`${site}-cluster`]).toEqual([
        `Site "${site}": the Kubernetes API endpoint is reachable from the whole internet; set apiAccessCidrs to the addresses of your operators and of where Terraform runs.`,
      ]);
    }
    expect(found.pki).toHaveLength(1);
    expect(found.pki[0]).toMatch(/^The local backend writes every private key .* in plain files under \/.*terraform-state/);
  });

  test("restricted APIs and a remote backend synthesize without a warning; 0.0.0.0/0 still warns", () => {
    const restricted = (cidr: string) => ({
      ...DEFAULT_TOPOLOGY_FILE,
      backend: { type: "gcs" as const, bucket: "acme-state" },
      sites: DEFAULT_TOPOLOGY_FILE.sites.map((site) => ({ ...site, apiAccessCidrs: [cidr] })),
    });
    expect(warnings(restricted("203.0.113.0/24"))).toEqual({});
    expect(Object.keys(warnings(restricted("0.0.0.0/0"))).sort()).toEqual(["aws-cluster", "azure-cluster", "gcp-cluster"]);
  });
});
