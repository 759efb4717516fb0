/**
 * `npm run diagram -- [file]`: Mermaid diagrams of a topology (the file, else $CRDB_TOPOLOGY,
 * else the default): its stacks by level with their dependencies, and its sites with the
 * Skupper links between them. Printed as Markdown; topology errors as `npm run validate` does.
 */
import { ConfigError } from "../../lib/core/validation";
import { topologyDiagrams } from "../diagram";
import { TopologyError, loadTopology } from "../topology";

process.setSourceMapsEnabled(false);
try {
  const { stacks, links } = topologyDiagrams(loadTopology(process.argv[2]));
  process.stdout.write(`Stacks by level (arrows: deploy order):\n\n\`\`\`mermaid\n${stacks}\n\`\`\`\n\nSites and Skupper links (the arrow points at the dialled site):\n\n\`\`\`mermaid\n${links}\n\`\`\`\n`);
} catch (error) {
  if (!(error instanceof TopologyError || error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
