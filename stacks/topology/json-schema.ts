/**
 * The JSON Schema of the topology file, generated from the zod schema so the two never
 * disagree. Editors use it for completion and inline checks (`$schema` in JSON, a
 * `yaml-language-server` comment in YAML); the cross-field checks of validate.ts and the
 * formats checked by code are not in it: `npm run validate` runs them all.
 */
import { z } from "zod";
import { topologySchema } from "./schema";

/** The checked-in file's name, at the repository root. */
export const TOPOLOGY_SCHEMA_FILE = "topology.schema.json";

export function topologyJsonSchema(): Record<string, unknown> {
  // Draft 7 is what the YAML language server and most editors understand fully; "input" is
  // the file as written, where fields with defaults are optional.
  const schema = z.toJSONSchema(topologySchema, { target: "draft-7", io: "input", unrepresentable: "any" });
  return {
    ...schema,
    title: "CockroachDB multi-cloud topology",
    description: "A topology file for the cdktf-multicloud-cockroachdb app (README: Topology file reference).",
  };
}

/** The file's text: stable formatting, so regeneration only changes what changed. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
