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

export const CRD_DIR = process.env.SKUPPER_CRD_DIR ?? path.resolve(__dirname, "../../../shared/schemas/skupper-v2alpha1-2.2.1");

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
    if (!fs.existsSync(dir)) {
      throw new Error(`Skupper CRD schemas not found at ${dir}; set SKUPPER_CRD_DIR to the skupper-v2alpha1-2.2.1 folder.`);
    }
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

/** The validator over every CRD in CRD_DIR (loaded once per test file). */
export function skupperCrds(): SkupperCrdValidator {
  shared ??= new SkupperCrdValidator(CRD_DIR);
  return shared;
}
