/**
 * The HCP Terraform bootstrap app: `cdktf deploy hcp-terraform` in
 * examples/terraform-cloud/bootstrap (CRDB_TOPOLOGY names the topology, whose backend must be
 * `cloud`). Its own state is local: it creates the workspaces the other stacks keep theirs in.
 */
import { App } from "cdktf";
import { ConfigError } from "../../lib/core/validation";
import { deploymentGraph } from "../deployment-graph";
import { TopologyError, loadTopology } from "../topology";
import { HcpTerraformBootstrapStack } from "./bootstrap-stack";

try {
  const topology = loadTopology();
  const app = new App({ stackTraces: false });
  new HcpTerraformBootstrapStack(app, { topology, graph: deploymentGraph(topology) });
  app.synth();
} catch (error) {
  if (!(error instanceof TopologyError || error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
