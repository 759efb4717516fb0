import { ITerraformDependable, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Makes every resource under `scope` wait for `dependencies`. cdktf ignores construct-level
 * `node.addDependency`, and a namespace or Secret created in the same stack is often only
 * referenced by name, so Terraform would otherwise create them in parallel.
 */
export function addDependsOn(scope: IConstruct, ...dependencies: ITerraformDependable[]): void {
  const targets = dependencies.map((d) => d.fqn);
  for (const child of scope.node.findAll()) {
    if (child instanceof TerraformResource) {
      child.dependsOn = [...new Set([...(child.dependsOn ?? []), ...targets])];
    }
  }
}
