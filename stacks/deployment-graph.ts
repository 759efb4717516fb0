/**
 * The deployment as cdktf synthesizes it: the stacks and their dependencies come from cdktf's
 * manifest (where cross-stack references have become dependencies), each stack's remote-state
 * reads and Terraform variables from its synthesized JSON, and the Skupper links from the link
 * plan the links stacks are built from. The diagrams and the HCP Terraform bootstrap read this
 * instead of re-deriving any of it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildDeployment } from "./app";
import type { Topology } from "./topology/types";

export interface StackVariable {
  readonly name: string;
  readonly sensitive: boolean;
  readonly description?: string;
  /** Set when the variable has a default (it may then be left unset). */
  readonly default?: unknown;
}

export interface DeploymentGraph {
  /** Stack name to the names of the stacks it depends on, in manifest order. */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /** Stack name to its level: 0 without dependencies, else one more than its deepest dependency. */
  readonly levels: Readonly<Record<string, number>>;
  /** Who dials whom. */
  readonly links: readonly { readonly from: string; readonly to: string }[];
  /** Stack name to the workspace or state names its `terraform_remote_state` data sources read. */
  readonly remoteStates: Readonly<Record<string, readonly string[]>>;
  /** Stack name to the Terraform variables it declares. */
  readonly variables: Readonly<Record<string, readonly StackVariable[]>>;
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
    const remoteStates: Record<string, string[]> = {};
    const variables: Record<string, StackVariable[]> = {};
    for (const [name, entry] of Object.entries<{ dependencies: string[]; synthesizedStackPath: string }>(manifest.stacks)) {
      dependencies[name] = entry.dependencies;
      const json = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8"));
      remoteStates[name] = Object.values<RemoteState>(json.data?.terraform_remote_state ?? {}).map(remoteStateName);
      variables[name] = Object.entries<{ sensitive?: boolean; description?: string; default?: unknown }>(json.variable ?? {}).map(([variable, spec]) => ({
        name: variable,
        sensitive: spec.sensitive === true,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        ...("default" in spec ? { default: spec.default } : {}),
      }));
    }
    const levels: Record<string, number> = {};
    const levelOf = (name: string): number => (levels[name] ??= dependencies[name].length === 0 ? 0 : 1 + Math.max(...dependencies[name].map(levelOf)));
    Object.keys(dependencies).forEach(levelOf);
    return { dependencies, levels, links: deployment.linkPlans.map(({ from, to }) => ({ from, to })), remoteStates, variables };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

interface RemoteState {
  readonly backend: string;
  readonly config: { readonly workspaces?: { readonly name?: string }; readonly path?: string; readonly key?: string; readonly prefix?: string };
}

/** The workspace a remote-state read names (cloud backends), else its path, key or prefix. */
function remoteStateName(state: RemoteState): string {
  const { config } = state;
  return config.workspaces?.name ?? config.path ?? config.key ?? config.prefix ?? JSON.stringify(config);
}
