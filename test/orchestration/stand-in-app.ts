/**
 * A cdktf app of stand-in stacks (STAND_IN_SPEC names its JSON spec): the real app's stack
 * names and dependencies, each stack one `terraform_data` resource whose create and destroy
 * run the control hook (stand-in.ts writes it), wired to its producers through cross-stack
 * references as the real stacks are, so the real cdktf CLI orchestrates it like the real app.
 */
import * as fs from "fs";
import * as path from "path";
import { App, DataResource, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { shellQuote } from "../../lib/database/scripts";
import type { StandInSpec } from "./stand-in";

const spec = JSON.parse(fs.readFileSync(process.env.STAND_IN_SPEC as string, "utf8")) as StandInSpec;
const app = new App({ stackTraces: false });
const endpoints = new Map<string, string>();
for (const stack of spec.stacks) {
  const scope = new TerraformStack(app, stack.name);
  new LocalBackend(scope, { path: path.join(spec.stateDir, `${stack.name}.tfstate`) });
  const hook = (action: string) => `${shellQuote(spec.hook)} ${shellQuote(stack.name)} ${action}`;
  const work = new DataResource(scope, "work", {
    input: Object.fromEntries(stack.dependencies.map((producer) => [producer, endpoints.get(producer) as string])),
  });
  work.addOverride("provisioner", [
    { "local-exec": { command: hook("deploy") } },
    { "local-exec": { when: "destroy", command: hook("destroy") } },
  ]);
  new TerraformOutput(scope, "endpoint", { value: work.id });
  endpoints.set(stack.name, work.id);
}
app.synth();
