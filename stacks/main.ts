/**
 * The app `cdktf synth` / `cdktf deploy '*'` runs: CRDB_TOPOLOGY=<file.json|file.yaml>
 * selects a topology, without it the built-in three-cloud default is synthesized.
 */
import { App } from "cdktf";
import { ConfigError } from "../lib/core/validation";
import { buildDeployment } from "./app";
import { TopologyError, loadTopology } from "./topology";

// cdktf captures a full stack trace for every token it creates; with tsx's source maps on,
// each capture is mapped back to TypeScript, which made up a quarter of the synth time.
// Users see ConfigError messages, not stack traces, so the mapping buys nothing here.
process.setSourceMapsEnabled(false);

try {
  const app = new App({ stackTraces: false });
  buildDeployment(app, loadTopology());
  app.synth();
} catch (error) {
  // Bad input is a message for the user, not a stack trace.
  if (!(error instanceof TopologyError || error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
