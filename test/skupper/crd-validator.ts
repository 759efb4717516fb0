/**
 * Validates Skupper objects against the real Skupper 2.2.1 CRD schemas with ajv.
 *
 * Kubernetes prunes fields a structural schema does not declare, so a misspelt field would be
 * dropped silently by the API server; here every object schema without
 * `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false` so such a field
 * fails the test instead. A value that is a whole Terraform expression (`${...}`) cannot be
 * checked at synth: it is replaced by a placeholder of the type the schema expects there (so
 * `required` still applies) and its path is reported, for tests to pin which paths may be
 * skipped.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { parse } from "yaml";

/** Where the README tells developers to put the CRDs when SKUPPER_CRD_DIR is not set: a sibling of the repository. */
export const SIBLING_CRD_DIR = path.resolve(__dirname, "../../../shared/schemas/skupper-v2alpha1-2.2.1");

/** The start of the line printed when the CRD checks are skipped (the fresh-clone test looks for it). */
export const CRD_SKIP_NOTICE = "Skipping the Skupper CRD validation";

const EXPECTED_KINDS = ["Site", "Connector", "Listener", "Link"];

/**
 * The folder of Skupper 2.2.1 CRD YAMLs, or why there is none. The CRDs are not part of the
 * repository, so a fresh clone without them must still pass `npm test`; but a SKUPPER_CRD_DIR
 * that is set and wrong is a mistake to report, not a reason to skip silently.
 */
export function findSkupperCrdDir(env: NodeJS.ProcessEnv = process.env, sibling: string = SIBLING_CRD_DIR): { dir: string } | { reason: string } {
  const explicit = env.SKUPPER_CRD_DIR;
  if (explicit) {
    const missing = missingKinds(explicit);
    if (missing.length > 0) {
      throw new Error(`SKUPPER_CRD_DIR=${explicit} does not hold the Skupper 2.2.1 CRDs (no *_crd.yaml for ${missing.join(", ")}); point it at the CRD folder or unset it.`);
    }
    return { dir: explicit };
  }
  if (fs.existsSync(sibling)) return { dir: sibling };
  return { reason: `SKUPPER_CRD_DIR is not set and ${sibling} does not exist (README "Development" says where to get the Skupper 2.2.1 CRDs)` };
}

function missingKinds(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return EXPECTED_KINDS;
  const kinds = new Set(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith("_crd.yaml"))
      .map((f) => parse(fs.readFileSync(path.join(dir, f), "utf8"))?.spec?.names?.kind),
  );
  return EXPECTED_KINDS.filter((k) => !kinds.has(k));
}

const found = findSkupperCrdDir();
if ("reason" in found) console.warn(`${CRD_SKIP_NOTICE}: ${found.reason}`);

/** `test` where the CRDs are available, otherwise `test.skip` (the reason was printed once above). */
export const crdTest: jest.It = "dir" in found ? test : test.skip;
/** `describe` where the CRDs are available, otherwise `describe.skip`. */
export const crdDescribe: jest.Describe = "dir" in found ? describe : describe.skip;

type Schema = Record<string, unknown>;

export interface ValidationResult {
  readonly errors: string[];
  /** Paths (dot notation) whose value was a Terraform expression and was not checked. */
  readonly skipped: string[];
}

const EXPRESSION = /^\$\{[\s\S]*\}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Adds additionalProperties:false wherever Kubernetes would prune unknown fields. */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(closeObjects);
  if (!isObject(schema)) return;
  if (isObject(schema.properties) && schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) {
    schema.additionalProperties = false;
  }
  Object.values(schema).forEach(closeObjects);
}

function collectKeywords(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) return schema.forEach((s) => collectKeywords(s, into));
  if (!isObject(schema)) return;
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kubernetes-")) into.add(k);
    collectKeywords(v, into);
  }
}

class SkupperCrdValidator {
  private readonly byKind = new Map<string, { schema: Schema; validate: ValidateFunction }>();

  constructor(dir: string) {
    const crds = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith("_crd.yaml"))
      .map((f) => parse(fs.readFileSync(path.join(dir, f), "utf8")));
    const keywords = new Set<string>();
    crds.forEach((crd) => collectKeywords(crd, keywords));
    // Strict mode stays on, so a schema keyword ajv does not know still fails loudly; the
    // Kubernetes extensions are declared, and the formats Kubernetes defines are accepted.
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    keywords.forEach((k) => ajv.addKeyword(k));
    ["date-time", "duration", "int32", "int64"].forEach((f) => ajv.addFormat(f, true));
    for (const crd of crds) {
      const version = crd.spec.versions.find((v: { name: string }) => v.name === "v2alpha1");
      const schema: Schema = structuredClone(version.schema.openAPIV3Schema);
      closeObjects(schema);
      const kind: string = crd.spec.names.kind;
      const properties = schema.properties as Schema;
      properties.apiVersion = { const: "skupper.io/v2alpha1" };
      properties.kind = { const: kind };
      properties.metadata = {
        type: "object",
        additionalProperties: false,
        required: ["name", "namespace"],
        properties: {
          name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", maxLength: 253 },
          namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
          labels: { type: "object", additionalProperties: { type: "string" } },
          annotations: { type: "object", additionalProperties: { type: "string" } },
        },
      };
      schema.required = [...new Set([...((schema.required as string[]) ?? []), "apiVersion", "kind", "metadata", "spec"])];
      this.byKind.set(kind, { schema, validate: ajv.compile(schema) });
    }
  }

  get kinds(): string[] {
    return [...this.byKind.keys()];
  }

  validate(object: unknown): ValidationResult {
    const kind = isObject(object) ? object.kind : undefined;
    const entry = typeof kind === "string" ? this.byKind.get(kind) : undefined;
    if (!entry) return { errors: [`no Skupper CRD for kind ${JSON.stringify(kind)}`], skipped: [] };
    const skipped: string[] = [];
    const concrete = substituteExpressions(object, entry.schema, "", skipped);
    const ok = entry.validate(concrete);
    const errors = ok ? [] : (entry.validate.errors ?? []).map(formatError);
    return { errors, skipped };
  }
}

function formatError(e: ErrorObject): string {
  return `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`;
}

function placeholder(schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return "expression";
  }
}

function childSchema(schema: Schema | undefined, key: string | number): Schema | undefined {
  if (!schema) return undefined;
  if (typeof key === "number") return isObject(schema.items) ? (schema.items as Schema) : undefined;
  if (isObject(schema.properties) && isObject(schema.properties[key])) return schema.properties[key] as Schema;
  return isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
}

function substituteExpressions(value: unknown, schema: Schema | undefined, at: string, skipped: string[]): unknown {
  if (typeof value === "string" && EXPRESSION.test(value)) {
    skipped.push(at);
    return placeholder(schema);
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => substituteExpressions(v, childSchema(schema, i), `${at}[${i}]`, skipped));
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteExpressions(v, childSchema(schema, k), at ? `${at}.${k}` : k, skipped)]),
    );
  }
  return value;
}

let shared: SkupperCrdValidator | undefined;

/** The validator over every CRD found by findSkupperCrdDir (loaded once per test file); only call it inside crdTest/crdDescribe. */
export function skupperCrds(): SkupperCrdValidator {
  if (!("dir" in found)) throw new Error(`skupperCrds() called outside crdTest: ${found.reason}`);
  shared ??= new SkupperCrdValidator(found.dir);
  return shared;
}
