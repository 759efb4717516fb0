import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { applyBackend } from "./backend";
import type { BackendSettings } from "./topology/types";

/** A stack of the deployment: named by its stage and site, with its own state in the topology's backend. */
export abstract class DeploymentStack extends TerraformStack {
  protected constructor(scope: Construct, name: string, backend: BackendSettings) {
    super(scope, name);
    applyBackend(this, name, backend);
  }
}
