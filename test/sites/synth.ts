/** Small helpers to read synthesized stacks in tests. */
import { TerraformStack, Testing } from "cdktf";

// Synthesized Terraform JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

/** All resources (or data sources with kind "data") of a type, keyed by logical id. */
export function blocksOf(json: Json, type: string, kind: "resource" | "data" = "resource"): Record<string, Json> {
  return json[kind]?.[type] ?? {};
}

/** The one resource of a type; fails the test when there are none or several. */
export function single(json: Json, type: string, kind: "resource" | "data" = "resource"): Json {
  const blocks = Object.values(blocksOf(json, type, kind));
  if (blocks.length !== 1) throw new Error(`expected exactly one ${kind} ${type}, found ${blocks.length}`);
  return blocks[0];
}

/** Every resource type present, sorted. */
export function typesOf(json: Json, kind: "resource" | "data" = "resource"): string[] {
  return Object.keys(json[kind] ?? {}).sort();
}
