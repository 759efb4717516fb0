/**
 * Property-based: random hostile strings in every string field of the topology (found from the
 * schema itself, so fields added later are covered), run through the real entry point's handling
 * (runApp, what main.ts calls). Whatever the input:
 * - never a stack trace or an internal error: exit 0 (synthesized) or 1 (the user's message);
 * - on exit 0, no `${` or `%{` from the input is left for Terraform to evaluate in any
 *   synthesized JSON;
 * - on exit 0, no shell syntax from the input is unquoted in a printed command (outputs).
 * Seeded and bounded: FUZZ_SEED and FUZZ_RUNS reproduce or widen a run; the seed is printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { z } from "zod";
import { topologySchema } from "../../stacks/topology/schema";
import { runApp } from "../../stacks/app-entry";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** In every injected template sequence; no name the app derives can contain it (upper case). */
const MARK = "FZ9";

const awsSite = { name: "aws", cloud: "aws", region: "us-east-1", kubernetesVersion: "1.34", adminPrincipalArns: ["arn:aws:iam::123456789012:role/admin"] };
const gcpSite = { name: "gcp", cloud: "gcp", region: "us-east4" };
const azureSite = { name: "azure", cloud: "azure", region: "eastus" };
const existingSite = { name: "dc1", cloud: "existing", region: "dc1", kubeconfig: { path: "/etc/kube/dc1.yaml", context: "dc1-admin" }, storageClassName: "ssd" };

/** One valid topology per backend type, each with every cloud, so every variant's fields exist. */
const BASES: readonly Record<string, unknown>[] = [
  { type: "s3", bucket: "acme-state", region: "us-east-1", keyPrefix: "crdb/prod", dynamodbTable: "locks", kmsKeyId: "alias/state" },
  { type: "gcs", bucket: "acme-state", prefix: "crdb" },
  { type: "azurerm", resourceGroupName: "rg-state", storageAccountName: "acmestate", containerName: "tfstate", keyPrefix: "crdb" },
  { type: "cloud", organization: "acme", workspacePrefix: "crdb", hostname: "tfe.example.com", project: "Databases" },
  { type: "local", directory: "/tmp/crdb-state" },
].map((backend) => ({
  survivalGoal: "region",
  cockroach: { image: "cockroachdb/cockroach:v26.2.7", cpu: "4", memory: "16Gi", storageSize: "100Gi" },
  accounts: { awsProfile: "prod", gcpProject: "acme-crdb", azureSubscriptionId: "00000000-1111-2222-3333-444444444444" },
  backend,
  sites: [awsSite, gcpSite, azureSite, existingSite],
}));

type Key = string | number;
type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; enum?: unknown[]; const?: unknown; additionalProperties?: JsonSchema | boolean };

/** Paths of every free string field the schema allows in `value`'s shape (union variants as `value` chooses them). */
function stringPaths(schema: JsonSchema, value: unknown, at: Key[], out: Key[][]): void {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const matching = variants.filter((variant) => variantMatches(variant, value));
    for (const variant of matching.length > 0 ? matching : variants.filter((v) => v.type === "string")) stringPaths(variant, value, at, out);
    return;
  }
  if (schema.enum || schema.const !== undefined) return;
  if (schema.type === "string") out.push(at);
  else if (schema.type === "array" && schema.items) {
    const items = Array.isArray(value) && value.length > 0 ? value : [undefined];
    items.forEach((item, i) => stringPaths(schema.items!, item, [...at, i], out));
  } else if (schema.type === "object") {
    const record = (value ?? {}) as Record<string, unknown>;
    for (const [key, property] of Object.entries(schema.properties ?? {})) stringPaths(property, record[key], [...at, key], out);
    if (typeof schema.additionalProperties === "object") stringPaths(schema.additionalProperties, undefined, [...at, "fuzz-key"], out);
  }
}

function variantMatches(variant: JsonSchema, value: unknown): boolean {
  if (variant.type !== "object" || value === null || typeof value !== "object") return false;
  // The topology's unions are discriminated by `type` (backend) and `cloud` (sites).
  return ["type", "cloud"].every((key) => {
    const discriminator = variant.properties?.[key]?.const;
    return discriminator === undefined || discriminator === (value as Record<string, unknown>)[key];
  });
}

function withValue(base: unknown, at: readonly Key[], text: string): unknown {
  const copy = structuredClone(base) as Record<Key, unknown>;
  let node = copy;
  at.forEach((key, i) => {
    if (i === at.length - 1) node[key] = text;
    else {
      if (node[key] === undefined || node[key] === null || typeof node[key] !== "object") node[key] = typeof at[i + 1] === "number" ? [] : {};
      node = node[key] as Record<Key, unknown>;
    }
  });
  return copy;
}

const FRAGMENTS = [
  `\${${MARK}}`, `%{${MARK}}`, `$\${${MARK}}`, `\${file("/etc/passwd")${MARK}}`, `%{ if true }${MARK}%{ endif }`,
  "'", '"', ";", "|", "&", "&&", "$(id)", "`id`", " ", "\t", "\n", "\u0000", "\u001b[31m", "\u202e", "\u200b", "\ufeff", "\u0430", "\u00e9",
  "~", "~root/", "*", "?", "[", "]", "#", "!", "\\", "<", ">", "{", "}", "$", "%", "=", ",", ":", "@", "/", ".", "..", "-", "_", "+",
  "a", "x1", "us-east-1", "crdb", "v26.2.7", "10.0.0.0/16", "1.34", "Gi", "0", "arn:aws:iam::123456789012:role/x", "A".repeat(300),
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(""));

/** What Terraform evaluates in a JSON string: `${`/`%{` not escaped as `$${`/`%%{`. */
function unescapedTemplates(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) i += 2;
    else if (text.startsWith("${", i) || text.startsWith("%{", i)) found.push(text.slice(i, i + 40));
  }
  return found;
}

function* strings(value: unknown): Generator<string> {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") yield v;
    else if (v && typeof v === "object") stack.push(...Object.keys(v), ...Object.values(v));
  }
}

/** The command as the shell receives it after Terraform: escapes undone, references resolved to a plain word. */
function asPrinted(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    if (value.startsWith("$${", i) || value.startsWith("%%{", i)) {
      out += value[i + 1] + "{";
      i += 2;
    } else if (value.startsWith("${", i)) {
      const end = value.indexOf("}", i);
      out += "REF";
      i = end;
    } else out += value[i];
  }
  return out;
}

/** Characters outside quotes that the shell would read as syntax; `&&` between commands and a leading `~/` are the app's own. */
function unquotedShellSyntax(command: string): string[] {
  const found: string[] = [];
  let quoted = false;
  for (let i = 0; i < command.length; i++) {
    const char = command[i];
    if (quoted) {
      if (char === "'") quoted = false;
      continue;
    }
    if (char === "'") quoted = true;
    // A backslash makes the next character literal: how a quote is put inside single quotes ('it'\''s').
    else if (char === "\\") i++;
    else if (command.startsWith(" && ", i - 1) && char === "&") i++;
    else if (char === "~" && command[i - 1] === " " && command[i + 1] === "/") continue;
    else if (/[\s]/.test(char) && char !== " ") found.push(JSON.stringify(char));
    else if (/[;&|<>()`$*?[\]{}!#"\\~]/.test(char)) found.push(command.slice(Math.max(0, i - 10), i + 10));
  }
  if (quoted) found.push("unterminated quote");
  return found;
}

const schema = z.toJSONSchema(topologySchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
const CASES = BASES.map((base) => {
  const paths: Key[][] = [];
  stringPaths(schema, base, [], paths);
  return { base, paths };
});

describe("fuzz: hostile strings in every string field", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "topology-fuzz-"));
    console.log(`topology fuzz: seed ${SEED}, ${RUNS} runs (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to reproduce)`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the schema walk finds the string fields, including every backend's", () => {
    const all = new Set(CASES.flatMap(({ paths }) => paths.map((p) => p.map((k) => (typeof k === "number" ? "[]" : k)).join("."))));
    for (const field of ["accounts.awsProfile", "backend.kmsKeyId", "backend.resourceGroupName", "backend.organization", "backend.directory", "cockroach.image", "sites.[].kubeconfig.context", "sites.[].name"]) {
      expect(all).toContain(field);
    }
  });

  test("never a trace, never an unescaped template, never unquoted shell syntax", () => {
    let run = 0;
    let synthesized = 0;
    const property = fc.property(
      fc.integer({ min: 0, max: CASES.length - 1 }).chain((c) =>
        fc.tuple(fc.constant(c), fc.array(fc.tuple(fc.constantFrom(...CASES[c].paths), hostile), { minLength: 1, maxLength: 3 })),
      ),
      ([c, injections]) => {
        const raw = injections.reduce<unknown>((topology, [at, text]) => withValue(topology, at, text), CASES[c].base);
        const runDir = path.join(dir, `run-${run++}`);
        fs.mkdirSync(runDir);
        const file = path.join(runDir, "topology.json");
        fs.writeFileSync(file, JSON.stringify(raw));
        const errors: string[] = [];
        const code = runApp({ env: { CRDB_TOPOLOGY: file }, outdir: path.join(runDir, "out"), writeError: (t) => errors.push(t) });
        const stderr = errors.join("");
        expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|Internal error/);
        expect([0, 1]).toContain(code);
        if (code === 1) expect(stderr).toMatch(/^Invalid topology \(/);
        if (code === 0) {
          synthesized++;
          const stacks = path.join(runDir, "out", "stacks");
          for (const stack of fs.readdirSync(stacks)) {
            const json = JSON.parse(fs.readFileSync(path.join(stacks, stack, "cdk.tf.json"), "utf8"));
            for (const text of strings(json)) {
              expect(unescapedTemplates(text).filter((t) => t.includes(MARK) || t.includes("file("))).toEqual([]);
            }
            for (const [name, output] of Object.entries((json.output ?? {}) as Record<string, { value: unknown }>)) {
              if (!["kubectl_credentials", "sql_shell", "db_console", "db_console_password"].includes(name) || typeof output.value !== "string") continue;
              expect({ stack, name, problems: unquotedShellSyntax(asPrinted(output.value)) }).toEqual({ stack, name, problems: [] });
            }
          }
        }
        fs.rmSync(runDir, { recursive: true, force: true });
      },
    );
    // Free text that passes validation, so the synthesized output is checked too, not only the messages.
    const kubeconfigPath = ["sites", 3, "kubeconfig", "path"];
    const examples: Array<[[number, Array<[Key[], string]>]]> = [
      [[0, [[kubeconfigPath, `/tmp/\${${MARK}}/it's; rm -rf $(id) \`x\` | y && z`]]]],
      [[3, [[kubeconfigPath, `~/kube/%{${MARK}} a&&b "q" \\ *`]]]],
    ];
    fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true, examples });
    expect(synthesized).toBeGreaterThanOrEqual(examples.length);
    console.log(`topology fuzz: ${run} runs, ${synthesized} synthesized`);
  }, 600_000);
});
