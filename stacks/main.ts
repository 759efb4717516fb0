/**
 * The app `cdktf synth` / `cdktf deploy '*'` runs: CRDB_TOPOLOGY=<file.json|file.yaml>
 * selects a topology, without it the built-in three-cloud default is synthesized.
 */
import { App } from "cdktf";
import { ConfigError } from "../lib/core/validation";
import { buildDeployment } from "./app";
import { disableTokenStackTraces } from "./token-stack-traces";
import { TopologyError, loadTopology } from "./topology";

disableTokenStackTraces();

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
