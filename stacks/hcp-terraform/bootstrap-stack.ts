/**
 * The optional HCP Terraform (Terraform Cloud / Enterprise) bootstrap: one workspace per stack
 * of the deployment, with its execution mode and Terraform version, remote state shared exactly
 * with the workspaces that read it, and (for remote execution) the Terraform variables each
 * stack declares. Everything is derived from the synthesized deployment (deployment-graph.ts),
 * so a new stack, cross-stack reference or variable needs no change here.
 *
 * It is its own cdktf app (main.ts here) with local state, applied once by an organisation
 * admin before the first `cdktf deploy '*'`: the workspaces must exist before the stacks that
 * store their state in them.
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { fail } from "../../lib/core/validation";
import type { DeploymentGraph } from "../deployment-graph";
import { DEFAULT_TERRAFORM_VERSION } from "../topology/defaults";
import type { CloudBackendSettings, Topology } from "../topology/types";

export const HCP_BOOTSTRAP_STACK = "hcp-terraform";

export interface HcpTerraformBootstrapProps {
  readonly topology: Topology;
  /** The synthesized deployment whose stacks get workspaces. */
  readonly graph: DeploymentGraph;
}

/** The workspace of stack `stack` (the same name the stacks' cloud backend uses). */
export function workspaceName(backend: CloudBackendSettings, stack: string): string {
  return `${backend.workspacePrefix}-${stack}`;
}

/** HCP Terraform's own host, used when the backend names none. */
export const HCP_TERRAFORM_HOSTNAME = "app.terraform.io";

/** The environment variable Terraform reads the API token for `hostname` from (dots become underscores). */
export function terraformTokenVariable(hostname: string = HCP_TERRAFORM_HOSTNAME): string {
  return `TF_TOKEN_${hostname.replace(/\./g, "_").replace(/-/g, "__")}`;
}

export class HcpTerraformBootstrapStack extends TerraformStack {
  /** Stack name to its workspace. */
  readonly workspaces: Readonly<Record<string, Workspace>>;

  constructor(scope: Construct, props: HcpTerraformBootstrapProps) {
    super(scope, HCP_BOOTSTRAP_STACK);
    const backend = props.topology.backend;
    if (backend.type !== "cloud") {
      fail("backend.type", backend.type, 'The HCP Terraform bootstrap creates the workspaces of a `cloud` backend; set backend.type to "cloud".');
    }
    const { graph } = props;
    const executionMode = backend.executionMode ?? "local";
    // The token comes from TFE_TOKEN or `terraform login` (credentials for the hostname), never from code.
    const provider = new TfeProvider(this, "tfe", { hostname: backend.hostname, organization: backend.organization });
    const project = backend.project ? new DataTfeProject(this, "project", { provider, name: backend.project, organization: backend.organization }) : undefined;

    const stacks = Object.keys(graph.dependencies);
    const workspaces: Record<string, Workspace> = {};
    for (const stack of stacks) {
      workspaces[stack] = new Workspace(this, `workspace-${stack}`, {
        provider,
        name: workspaceName(backend, stack),
        organization: backend.organization,
        projectId: project?.id,
        terraformVersion: backend.terraformVersion ?? DEFAULT_TERRAFORM_VERSION,
        description: `Stack ${stack} of the CockroachDB deployment (cdktf-multicloud-cockroachdb).`,
      });
    }
    this.workspaces = workspaces;

    // Each producer shares its state with exactly the workspaces that read it, never the whole organisation.
    const workspaceOf = new Map(stacks.map((stack) => [workspaceName(backend, stack), stack]));
    const consumers = new Map<string, string[]>(stacks.map((stack) => [stack, []]));
    for (const [consumer, reads] of Object.entries(graph.remoteStates)) {
      for (const read of reads) {
        const producer = workspaceOf.get(read);
        if (!producer) fail(`${consumer}: terraform_remote_state`, read, "Cross-stack references must read workspaces of this deployment.");
        consumers.get(producer)!.push(consumer);
      }
    }
    for (const stack of stacks) {
      new WorkspaceSettings(this, `settings-${stack}`, {
        provider,
        workspaceId: workspaces[stack].id,
        executionMode,
        globalRemoteState: false,
        remoteStateConsumerIds: [...new Set(consumers.get(stack))].sort().map((consumer) => workspaces[consumer].id),
      });
    }

    // Remote runs read the stacks' variables from their workspaces; local runs from the
    // environment of the pipeline (TF_VAR_*), so local workspaces hold no copy of them.
    if (executionMode !== "remote") return;
    const inputs = new Map<string, TerraformVariable>();
    for (const stack of stacks) {
      for (const variable of graph.variables[stack]) {
        let input = inputs.get(variable.name);
        if (!input) {
          input = new TerraformVariable(this, variable.name, {
            type: "string",
            sensitive: variable.sensitive,
            description: variable.description,
            ...(variable.default === undefined ? {} : { default: variable.default }),
          });
          inputs.set(variable.name, input);
        }
        new Variable(this, `variable-${stack}-${variable.name}`, {
          provider,
          workspaceId: workspaces[stack].id,
          category: "terraform",
          key: variable.name,
          value: input.stringValue,
          sensitive: variable.sensitive,
          description: variable.description,
        });
      }
    }
  }
}
