/**
 * Mermaid diagrams of a topology's deployment, drawn from what the app builds: the stacks and
 * their dependencies come from synthesizing buildDeployment's stacks (cdktf's manifest, where
 * cross-stack references have become dependencies), the Skupper links from the same link plan
 * the links stacks are built from. Nothing here re-derives the graph.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { statefulSetName } from "../lib/core/naming";
import { buildDeployment } from "./app";
import { stackNames } from "./naming";
import type { Site, Topology } from "./topology/types";

export interface DeploymentGraph {
  /** Stack name to the names of the stacks it depends on, in manifest order. */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /** Stack name to its level: 0 without dependencies, else one more than its deepest dependency. */
  readonly levels: Readonly<Record<string, number>>;
  /** Who dials whom. */
  readonly links: readonly { readonly from: string; readonly to: string }[];
}

/** Synthesizes the deployment of `topology` into a temporary directory and reads its graph back. */
export function deploymentGraph(topology: Topology): DeploymentGraph {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-diagram-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const deployment = buildDeployment(app, topology);
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    const dependencies: Record<string, string[]> = {};
    for (const [name, entry] of Object.entries<{ dependencies: string[] }>(manifest.stacks)) dependencies[name] = entry.dependencies;
    const levels: Record<string, number> = {};
    const levelOf = (name: string): number => (levels[name] ??= dependencies[name].length === 0 ? 0 : 1 + Math.max(...dependencies[name].map(levelOf)));
    Object.keys(dependencies).forEach(levelOf);
    return { dependencies, levels, links: deployment.linkPlans.map(({ from, to }) => ({ from, to })) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

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
