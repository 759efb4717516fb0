/**
 * The app `cdktf synth` / `cdktf deploy '*'` runs: CRDB_TOPOLOGY=<file.json|file.yaml>
 * selects a topology, without it the built-in three-cloud default is synthesized.
 */
import { runApp } from "./app-entry";
import { disableTokenStackTraces } from "./token-stack-traces";

disableTokenStackTraces();

process.exitCode = runApp();
