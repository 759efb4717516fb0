/**
 * `npm run generate`: rewrites every generated, checked-in artifact: topology.schema.json (from
 * the zod schema) and the README's Mermaid diagrams (from the default topology's deployment).
 * Tests fail when either is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { topologyDiagrams } from "../diagram";
import { withReadmeDiagrams } from "../readme-diagrams";
import { defaultTopology } from "../topology";
import { TOPOLOGY_SCHEMA_FILE, topologyJsonSchemaText } from "../topology/json-schema";

process.setSourceMapsEnabled(false);
const root = path.join(__dirname, "../..");
fs.writeFileSync(path.join(root, TOPOLOGY_SCHEMA_FILE), topologyJsonSchemaText());
const readme = path.join(root, "README.md");
fs.writeFileSync(readme, withReadmeDiagrams(fs.readFileSync(readme, "utf8"), topologyDiagrams(defaultTopology())));
process.stdout.write(`wrote ${TOPOLOGY_SCHEMA_FILE} and the README diagrams\n`);
