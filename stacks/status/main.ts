#!/usr/bin/env node
// The entry point of `npm run status` and of the package's `crdb-status` bin.
import { runStatusCli } from "./cli";

runStatusCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`crdb-status failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 4;
  },
);
