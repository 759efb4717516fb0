/**
 * cdktf records where every token was created: each `Token.asString`, each attribute reference,
 * each `Lazy` captures a complete stack trace (cdktf/lib/tokens/private/stack-trace.js raises
 * `Error.stackTraceLimit` to infinity and formats the trace at once), and `stackTraces: false`
 * does not turn that off. The default topology creates ~1,400 of them and 48 sites ~77,500,
 * most of the synth time at that size; they only ever appear in the messages of cdktf's own
 * token-resolution errors, which this app does not expect users to read.
 *
 * Turning it off touches no cdktf file, so it survives a reinstall of cdktf: cdktf's capture
 * (and the copy in constructs) hands its own function, named `captureStackTrace`, to
 * `Error.captureStackTrace` as the frame to hide; such calls are skipped and every other
 * caller of `Error.captureStackTrace` is served as before. Tokens then carry an empty
 * `creationStack`. Set CRDB_TOKEN_STACK_TRACES=1 to keep the traces when debugging cdktf
 * itself; the synthesized output is the same either way.
 */
export const TOKEN_STACK_TRACES_ENV = "CRDB_TOKEN_STACK_TRACES";

/** @returns a function that puts the capture back */
export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): () => void {
  const capture: typeof Error.captureStackTrace = Error.captureStackTrace;
  if (env[TOKEN_STACK_TRACES_ENV] === "1") return () => undefined;
  Error.captureStackTrace = (target, below) => {
    if (below?.name === "captureStackTrace") return;
    capture(target, below);
  };
  return () => {
    Error.captureStackTrace = capture;
  };
}
