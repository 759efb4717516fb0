/**
 * `npm run status` / `crdb-status`: the state of every site and of the database, for people
 * (a table) and pipelines (`--json`), with an exit code that says how bad it is.
 */
import * as fs from "fs";
import { CLUSTER_INIT_STACK, stackNames } from "../naming";
import { TopologyError, loadTopology } from "../topology";
import type { Topology } from "../topology/types";
import { collect } from "./collect";
import { EXIT, evaluate, type Observations } from "./evaluate";
import { renderReport } from "./render";
import { runCommand, type CommandRunner } from "./run-command";

export const USAGE = `Usage: npm run status -- [options]      (or: crdb-status [options])

Reports per site: kubectl reachability, the Skupper Site and its Links, CockroachDB nodes
live/suspect/dead, the nearest certificate expiry; for the cluster: ranges unavailable or
under-replicated, whether the survival goal holds right now, the last successful backup per cloud.

Options:
  --topology <file>     topology file (default: $CRDB_TOPOLOGY, else the built-in default)
  --outputs <file>      the stacks' outputs: cdktf output '*' --outputs-file <file>
  --client-site <name>  run the cockroach commands in this site's SQL client
                        (default: the first reachable site with a ready deploy/cockroachdb-client)
  --timeout <seconds>   deadline of each kubectl call (default: 20)
  --json                print the report as JSON
  -h, --help            this text

Exit codes: 0 healthy; 1 degraded (every range available, survival goal holds, something needs
attention); 2 at risk (the survival goal does not hold right now, or cannot be checked);
3 outage (ranges unavailable, or no SQL client reachable); 4 the command could not run.
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly run?: CommandRunner;
}

interface Options {
  topology?: string;
  outputs?: string;
  clientSite?: string;
  timeoutSeconds: number;
  json: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { timeoutSeconds: 20, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${arg} needs a value.`);
      return next;
    };
    if (arg === "--json") options.json = true;
    else if (arg === "-h" || arg === "--help") options.help = true;
    else if (arg === "--topology") options.topology = value();
    else if (arg === "--outputs") options.outputs = value();
    else if (arg === "--client-site") options.clientSite = value();
    else if (arg === "--timeout") {
      const seconds = Number(value());
      if (!Number.isInteger(seconds) || seconds < 2 || seconds > 600) throw new Error("--timeout takes whole seconds from 2 to 600.");
      options.timeoutSeconds = seconds;
    } else throw new Error(`Unknown argument ${JSON.stringify(arg)}.`);
  }
  return options;
}

/**
 * What the status takes from `cdktf output --outputs-file`: the replication factor the init
 * stack applied, and which sites' database stacks have been deployed (have outputs).
 */
export function readOutputs(file: string, topology: Topology): NonNullable<Observations["outputs"]> {
  const outputs = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, unknown> | undefined>;
  const factor = outputs[CLUSTER_INIT_STACK]?.replication_factor;
  const deployed = topology.sites.filter((s) => Object.keys(outputs[stackNames.database(s.name)] ?? {}).length > 0).map((s) => s.name);
  return { ...(typeof factor === "number" ? { replicationFactor: factor } : {}), deployedSites: new Set(deployed) };
}

export async function runStatusCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: Options;
  let topology: Topology;
  let outputs: Observations["outputs"];
  try {
    options = parseArgs(argv);
    if (options.help) {
      io.stdout(USAGE);
      return EXIT.healthy;
    }
    topology = loadTopology(options.topology);
    if (options.clientSite && !topology.sites.some((s) => s.name === options.clientSite)) {
      throw new Error(`--client-site ${JSON.stringify(options.clientSite)} is not a site of the topology (${topology.sites.map((s) => s.name).join(", ")}).`);
    }
    if (options.outputs) outputs = readOutputs(options.outputs, topology);
  } catch (error) {
    const message = error instanceof TopologyError ? error.message : `${(error as Error).message}`;
    io.stderr(`${message}\n\n${error instanceof TopologyError ? "" : USAGE}`);
    return EXIT.usage;
  }
  const observations = await collect(topology, {
    run: io.run ?? runCommand,
    timeoutMs: options.timeoutSeconds * 1000,
    ...(options.clientSite ? { clientSite: options.clientSite } : {}),
    ...(outputs ? { outputs } : {}),
  });
  const report = evaluate(topology, observations);
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.exitCode;
}
