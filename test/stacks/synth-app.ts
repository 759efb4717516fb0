import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { buildDeployment } from "../../stacks/app";
import type { Topology } from "../../stacks/topology";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Synthesized {
  readonly stacks: Record<string, Json>;
  readonly dependencies: Record<string, string[]>;
  /** Per stack, the warnings (and other annotations) the cdktf CLI prints after synth. */
  readonly annotations: Record<string, Array<{ readonly constructPath: string; readonly level: string; readonly message: string }>>;
}

/** Synthesizes the whole app into a temp dir, as `cdktf synth` would (cross-stack references resolved), and reads it back. */
export function synthApp(topology: Topology): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-app-"));
  const app = Testing.app({ outdir });
  buildDeployment(app, topology);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks: Record<string, Json> = {};
  const dependencies: Record<string, string[]> = {};
  const annotations: Synthesized["annotations"] = {};
  for (const [name, entry] of Object.entries<Json>(manifest.stacks)) {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8"));
    dependencies[name] = entry.dependencies;
    annotations[name] = entry.annotations;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return { stacks, dependencies, annotations };
}

/** All resources (or data sources) of one type in a synthesized stack. */
export const values = (json: Json, type: string, kind = "resource"): Json[] => Object.values(json[kind]?.[type] ?? {});
