/**
 * Quoting for commands a person pastes into a shell (stack outputs such as `sql_shell`) and
 * for scripts containers run. Values come from the topology file, so nothing in them may be
 * read by the shell as syntax.
 */

/** Single-quotes a string for bash (and any POSIX shell): nothing inside is special. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Characters that are never special to a POSIX shell, anywhere in a word. */
export const PLAIN_SHELL_WORD = /^[A-Za-z0-9_.,:/@%+=-]+$/;

/** One shell word: as is when it holds only plain characters (readable commands), else quoted. */
export function shellWord(s: string): string {
  return PLAIN_SHELL_WORD.test(s) && !s.startsWith("=") ? s : shellQuote(s);
}

/**
 * A file path as one shell word. A leading `~/` stays unquoted so the shell expands it to the
 * user's home directory, as the kubernetes provider does with the same path.
 */
export function shellPath(path: string): string {
  if (path === "~") return path;
  if (path.startsWith("~/")) return path.length === 2 ? path : `~/${shellWord(path.slice(2))}`;
  return shellWord(path);
}

/** A command line from its words, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}
