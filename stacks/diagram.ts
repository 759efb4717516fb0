/**
 * Mermaid diagrams of a topology's deployment, drawn from what the app builds (see
 * deployment-graph.ts): nothing here re-derives the graph.
 */
import { statefulSetName } from "../lib/core/naming";
import { DeploymentGraph, deploymentGraph } from "./deployment-graph";
import { stackNames } from "./naming";
import type { Site, Topology } from "./topology/types";

const KIND: Readonly<Record<Site["cloud"], string>> = { aws: "EKS", gcp: "GKE", azure: "AKS", existing: "existing cluster" };

/** A Mermaid node id: letters, digits and '_' only. */
function id(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_");
}

function siteOfStack(topology: Topology, stack: string): Site | undefined {
  return topology.sites.find((site) => Object.values(stackNames).some((name) => name(site.name) === stack));
}

/** The stacks by level, with their dependencies; the dotted edges carry a dialled Site's endpoints. */
export function stacksDiagram(topology: Topology, graph: DeploymentGraph): string {
  const byLevel = new Map<number, string[]>();
  for (const [name, level] of Object.entries(graph.levels)) byLevel.set(level, [...(byLevel.get(level) ?? []), name]);
  const lines = ["flowchart LR"];
  for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
    lines.push(`  subgraph L${level}["level ${level}"]`);
    for (const name of byLevel.get(level)!) {
      const site = siteOfStack(topology, name);
      const detail = site && name === stackNames.cluster(site.name) ? `<br/>${KIND[site.cloud]} ${site.region}` : "";
      lines.push(`    ${id(name)}["${name}${detail}"]`);
    }
    lines.push("  end");
  }
  const endpointEdges = new Set(graph.links.map((link) => `${stackNames.database(link.to)}>${stackNames.links(link.from)}`));
  for (const [name, dependencies] of Object.entries(graph.dependencies)) {
    for (const dependency of dependencies) {
      const arrow = endpointEdges.has(`${dependency}>${name}`) ? ` -. "Site endpoints" .-> ` : " --> ";
      lines.push(`  ${id(dependency)}${arrow}${id(name)}`);
    }
  }
  return lines.join("\n");
}

/** The sites, their pods, and the Skupper links with their direction (the arrow points at the dialled site). */
export function linksDiagram(topology: Topology, graph: DeploymentGraph): string {
  const lines = ["flowchart LR"];
  for (const site of topology.sites) {
    const statefulSet = statefulSetName(topology.statefulSetPrefix, site.name);
    const pods = site.replicas === 1 ? `${statefulSet}-0` : `${statefulSet}-0..${site.replicas - 1}`;
    lines.push(`  ${id(site.name)}["${site.name}<br/>${KIND[site.cloud]} ${site.region}<br/>${pods}"]`);
  }
  for (const link of graph.links) lines.push(`  ${id(link.from)} -- "Skupper link (dials)" --> ${id(link.to)}`);
  return lines.join("\n");
}

/** Both diagrams as Markdown, ready to paste into a README. */
export function topologyDiagrams(topology: Topology): { stacks: string; links: string } {
  const graph = deploymentGraph(topology);
  return { stacks: stacksDiagram(topology, graph), links: linksDiagram(topology, graph) };
}
