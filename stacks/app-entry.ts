/**
 * What `cdktf synth` runs (through main.ts), as a function so tests run the very same error
 * handling: bad input is one message per problem for the user; anything else is a bug, reported
 * in one line that says so and where to report it, never as a stack trace mixed with user errors.
 */
import { App } from "cdktf";
import { shellPath } from "../lib/core/shell";
import { ConfigError } from "../lib/core/validation";
import { buildDeployment } from "./app";
import { TOPOLOGY_ENV, TopologyError, loadTopology } from "./topology";

export const DEBUG_ENV = "CRDB_DEBUG";
const PACKAGE = "cdktf-multicloud-cockroachdb";

export interface RunAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where the synthesized stacks go; undefined: cdktf's own choice (CDKTF_OUTDIR or cdktf.out). */
  readonly outdir?: string;
  readonly writeError?: (text: string) => void;
}

/** 0: synthesized; 1: the topology (or a prop derived from it) is invalid; 2: a bug. */
export function runApp(options: RunAppOptions = {}): number {
  const env = options.env ?? process.env;
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  try {
    const app = new App({ stackTraces: false, ...(options.outdir ? { outdir: options.outdir } : {}) });
    buildDeployment(app, loadTopology(env[TOPOLOGY_ENV]));
    app.synth();
    return 0;
  } catch (error) {
    if (error instanceof TopologyError) {
      writeError(`${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      // A construct refused a value the topology check let through: still the user's value, but our miss.
      writeError(`${error.message}\n(The topology check should have caught this; please report it to the ${PACKAGE} maintainers with the topology file.)\n`);
      return 1;
    }
    writeError(`${bugLine(error, env)}\n`);
    if (env[DEBUG_ENV] === "1" && error instanceof Error && error.stack) writeError(`${error.stack}\n`);
    return 2;
  }
}

function bugLine(error: unknown, env: NodeJS.ProcessEnv): string {
  const name = error instanceof Error ? error.name : typeof error;
  const first = (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 200);
  const file = env[TOPOLOGY_ENV] ? shellPath(env[TOPOLOGY_ENV]) : "<topology-file>";
  return (
    `Internal error (a bug in ${PACKAGE}, not a problem in your topology): ${name}: ${first.replace(/[^\x20-\x7e]/g, "?")}. ` +
    `Please report it to the maintainers with the topology file and the output of: ${DEBUG_ENV}=1 ${TOPOLOGY_ENV}=${file} npx cdktf synth`
  );
}
