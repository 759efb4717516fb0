/**
 * Reads the topology the app deploys: the file named by CRDB_TOPOLOGY (JSON or YAML), or the
 * built-in default when it is unset. The file is untrusted input: its size and nesting are
 * bounded before anything walks it, and every way it can fail to parse is a message a person
 * can act on (with line and column where there is one).
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { ConfigError } from "../../lib/core/validation";
import { DEFAULT_TOPOLOGY_FILE } from "./defaults";
import type { Topology } from "./types";
import { TopologyError, parseTopology } from "./validate";
import { LEAST_VALID_TOPOLOGY, MAX_FILE_BYTES, MAX_NESTING_DEPTH } from "./limits";

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
  const format = extension === ".json" ? "JSON" : "YAML";
  const text = readBounded(file, fail);
  const raw = format === "JSON" ? parseJson(text, fail) : parseYaml(text, fail);
  return parseTopology(raw, file, path.dirname(path.resolve(file)));
}

function readBounded(file: string, fail: (fix: string) => never): string {
  let size = 0;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) fail("It is not a regular file; name the topology file itself.");
    size = stat.size;
  } catch (error) {
    if (error instanceof TopologyError) throw error;
    fail(`The file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path.`);
  }
  if (size > MAX_FILE_BYTES) {
    fail(`The file has ${size} bytes; a topology file may have at most ${MAX_FILE_BYTES} (1 MiB, far more than 64 sites need). Check that this is the topology file.`);
  }
  let bytes = Buffer.alloc(0);
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    fail(`The file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path.`);
  }
  // Checked again: the file may have grown between stat and read.
  if (bytes.length > MAX_FILE_BYTES) fail(`The file has more than ${MAX_FILE_BYTES} bytes (1 MiB); check that this is the topology file.`);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const bad = text.indexOf("\ufffd");
  if (bad >= 0) {
    const { line, column } = lineAndColumn(text, bad);
    fail(`It is not UTF-8 text (line ${line}, column ${column}); save it as UTF-8.`);
  }
  // A byte-order mark is what some Windows editors write first; it is not part of the content.
  const content = text.startsWith("\ufeff") ? text.slice(1) : text;
  if (content.trim() === "") fail(`The file is empty. The least valid topology is: ${LEAST_VALID_TOPOLOGY}`);
  return content;
}

export function lineAndColumn(text: string, offset: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function parseJson(text: string, fail: (fix: string) => never): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    // V8 words it as "Unexpected token ..." or "Unexpected end of JSON input"; the position is what a person needs.
    const offset = position === undefined ? text.length : Number(position);
    const { line, column } = lineAndColumn(text, offset);
    const reason = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
    fail(`It is not valid JSON at line ${line}, column ${column}: ${reason.slice(0, 200)}.`);
  }
  const duplicate = firstDuplicateJsonKey(text);
  if (duplicate) {
    fail(`The key ${JSON.stringify(duplicate.key)} appears twice in one mapping (line ${duplicate.line}, column ${duplicate.column}); JSON parsers keep only the last one. Remove one of them.`);
  }
  return raw;
}

/**
 * Finds a key repeated within one object of valid JSON text, without recursion (the text may
 * nest deeply). JSON.parse silently keeps the last value; YAML rejects duplicates, and so must this.
 */
function firstDuplicateJsonKey(text: string): { key: string; line: number; column: number } | undefined {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return { key, ...lineAndColumn(text, i) };
        keys.add(key);
      }
      expectKey = false;
      i = end;
    } else if (char === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (char === "[") {
      stack.push(null);
      expectKey = false;
    } else if (char === "}" || char === "]") {
      stack.pop();
    } else if (char === ",") {
      expectKey = stack[stack.length - 1] !== null;
    }
  }
  return undefined;
}

const TOO_DEEP_TO_READ = `It nests too deeply to read (the limit is ${MAX_NESTING_DEPTH} levels; a topology needs fewer than 10). Check for a runaway list or mapping.`;

function parseYaml(text: string, fail: (fix: string) => never): unknown {
  let documents;
  try {
    // uniqueKeys (the default) rejects duplicate keys; maxAliasCount bounds alias expansion ("billion laughs").
    documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    if (error instanceof RangeError) fail(TOO_DEEP_TO_READ);
    throw error;
  }
  if (!Array.isArray(documents)) documents = [documents];
  if (documents.length === 0) fail(`The file has no content, only comments. The least valid topology is: ${LEAST_VALID_TOPOLOGY}`);
  if (documents.length > 1) {
    const { line } = lineAndColumn(text, documents[1].range[0]);
    fail(`It holds ${documents.length} YAML documents (a second one starts at line ${line}, after "---"); put the whole topology in one document.`);
  }
  const [document] = documents;
  const error = document.errors[0];
  // The parser recurses on flow collections and reports running out of stack as a syntax error.
  if (error && /call stack/i.test(error.message)) fail(TOO_DEEP_TO_READ);
  if (error) {
    const position = error.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : "";
    // Only the first line: the rest is a source excerpt.
    fail(`It is not valid YAML${where}: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof RangeError) fail(TOO_DEEP_TO_READ);
    // Excessive aliases and the like: the library's own message is about the file.
    fail(`It cannot be read as YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}
