#!/usr/bin/env node
/**
 * The app command of cdktf.json: runs the app (stacks/main.ts) as JavaScript precompiled into
 * dist/app. Loading TypeScript through a transpiling loader costs about as much as the synth
 * itself (every module is transformed on load, and every stack trace is source-mapped), so
 * the sources are compiled once and recompiled only when one of them changes.
 *
 *   node stacks/run-app.cjs           compile what changed, then synthesize
 *   node stacks/run-app.cjs --build   compile what changed only (`npm run build:app`)
 *
 * Each file is transpiled on its own (tsconfig has isolatedModules), without type-checking:
 * `npm test` runs `tsc --noEmit` for that. A content hash per source decides what is stale,
 * so clock skew, `git checkout` and copied trees cannot leave old JavaScript behind.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["lib", "stacks"];
const OUT_DIR = path.join(ROOT, "dist", "app");
const STAMP = path.join(OUT_DIR, "sources.json");
const TSCONFIG = path.join(ROOT, "tsconfig.json");

function typeScriptSources(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...typeScriptSources(file));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(file);
  }
  return found;
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function outputOf(relative) {
  return path.join(OUT_DIR, relative.replace(/\.ts$/, ".js"));
}

/** Writes through a temporary file, so a synth running beside a build never reads half a file. */
function writeAtomically(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, "utf8"));
  } catch {
    return { compiler: "", files: {} };
  }
}

/** Compiles every source whose content, or the compiler and its settings, changed since the last build. */
function build() {
  const tsconfigText = fs.readFileSync(TSCONFIG, "utf8");
  const typeScriptVersion = require("typescript/package.json").version;
  const compiler = sha256(`${typeScriptVersion}\n${tsconfigText}`);
  const previous = readStamp();
  const files = {};
  const stale = [];
  for (const file of SOURCE_DIRS.flatMap((dir) => typeScriptSources(path.join(ROOT, dir)))) {
    const relative = path.relative(ROOT, file);
    const text = fs.readFileSync(file, "utf8");
    files[relative] = sha256(text);
    if (previous.compiler !== compiler || previous.files[relative] !== files[relative] || !fs.existsSync(outputOf(relative))) {
      stale.push({ relative, text });
    }
  }
  for (const relative of Object.keys(previous.files)) {
    if (!(relative in files)) fs.rmSync(outputOf(relative), { force: true });
  }
  if (stale.length === 0 && Object.keys(previous.files).length === Object.keys(files).length) return;

  const ts = require("typescript");
  const config = ts.parseJsonConfigFileContent(ts.parseConfigFileTextToJson(TSCONFIG, tsconfigText).config, ts.sys, ROOT);
  const compilerOptions = { ...config.options, noEmit: false, declaration: false, sourceMap: false, inlineSourceMap: false };
  const errors = [];
  for (const { relative, text } of stale) {
    const result = ts.transpileModule(text, { compilerOptions, fileName: relative, reportDiagnostics: true });
    for (const diagnostic of result.diagnostics ?? []) {
      errors.push(`${relative}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
    }
    writeAtomically(outputOf(relative), result.outputText);
  }
  if (errors.length > 0) {
    process.stderr.write(`The app does not compile:\n${errors.join("\n")}\n`);
    process.exit(1);
  }
  writeAtomically(STAMP, JSON.stringify({ compiler, files }, null, 1));
}

build();
if (!process.argv.includes("--build")) require(path.join(OUT_DIR, "stacks", "main.js"));
