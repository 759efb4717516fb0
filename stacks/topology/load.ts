/**
 * Reads the topology the app deploys: the file named by CRDB_TOPOLOGY (JSON or YAML), or the
 * built-in default when it is unset.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../lib/core/validation";
import { DEFAULT_TOPOLOGY_FILE } from "./defaults";
import type { Topology } from "./types";
import { TopologyError, parseTopology } from "./validate";

export const TOPOLOGY_ENV = "CRDB_TOPOLOGY";
export const DEFAULT_TOPOLOGY_SOURCE = "built-in default";

/** Three sites (EKS us-east-1, GKE us-east4, AKS eastus), 3 nodes each, surviving the loss of a cloud. */
export function defaultTopology(): Topology {
  return parseTopology(DEFAULT_TOPOLOGY_FILE, DEFAULT_TOPOLOGY_SOURCE);
}

/**
 * Loads and validates `file`, or the file in $CRDB_TOPOLOGY, or else the default.
 * Relative paths inside the file resolve against the file's directory.
 * @throws TopologyError listing every problem found.
 */
export function loadTopology(file: string | undefined = process.env[TOPOLOGY_ENV]): Topology {
  if (file === undefined || file.trim() === "") return defaultTopology();
  const field = file === process.env[TOPOLOGY_ENV] ? TOPOLOGY_ENV : "topology file";
  const fail = (fix: string): never => {
    throw new TopologyError(file, [new ConfigError(field, file, fix)]);
  };

  const extension = path.extname(file).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(extension)) fail("Name a .json, .yaml or .yml file.");
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    fail(`The file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path.`);
  }
  let raw: unknown;
  try {
    raw = extension === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Only the first line: YAML errors go on with a source excerpt.
    fail(`It is not valid ${extension === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`);
  }
  return parseTopology(raw, file, path.dirname(path.resolve(file)));
}
