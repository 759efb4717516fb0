/**
 * `npm run validate -- <file>...`: checks topology files as the app would, every problem at
 * once, without synthesizing anything. Exit code 0 when all are valid, 1 when one is not, 2 for
 * a usage error.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { ConfigError } from "../../lib/core/validation";
import { buildDeployment } from "../app";
import { TopologyError, loadTopology } from "../topology";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("Usage: npm run validate -- <topology.yaml|topology.json>...\n");
  process.exit(2);
}
let invalid = 0;
for (const file of files) {
  // The constructs check what the file schema cannot (names across sites, the mesh) when they
  // are built; without synth nothing is written to this directory.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-validate-"));
  try {
    const topology = loadTopology(file);
    buildDeployment(new App({ outdir, stackTraces: false }), topology);
    const sites = topology.sites.map((s) => `${s.name} (${s.cloud} ${s.region})`).join(", ");
    process.stdout.write(`${file}: valid: ${topology.sites.length} site${topology.sites.length === 1 ? "" : "s"}: ${sites}; survival goal ${topology.survivalGoal}\n`);
  } catch (error) {
    if (!(error instanceof TopologyError || error instanceof ConfigError)) throw error;
    invalid++;
    process.stderr.write(`${error instanceof TopologyError ? error.message : `Invalid topology (${file}): ${error.message}`}\n`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
process.exitCode = invalid > 0 ? 1 : 0;
