import { DefaultTokenResolver, ITerraformDependable, StringConcat, TerraformDataSource, TerraformResource, Tokenization, dependable } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Makes every resource and data source under `scope` wait for `dependencies`. cdktf ignores
 * construct-level `node.addDependency`, and a namespace or Secret created in the same stack
 * is often only referenced by name, so Terraform would otherwise create (or read) them in
 * parallel. A dependency already listed is not added again.
 */
export function addDependsOn(scope: IConstruct, ...dependencies: ITerraformDependable[]): void {
  for (const child of scope.node.findAll()) {
    if (!(child instanceof TerraformResource || child instanceof TerraformDataSource)) continue;
    // `dependable` renders the bare address (`type.name`) that depends_on demands; `fqn`
    // renders "${type.name}", which Terraform rejects there. Every call makes a new token,
    // so repeats are recognised by the address they resolve to.
    const address = (reference: string): unknown =>
      Tokenization.resolve(reference, { scope: child, resolver: new DefaultTokenResolver(new StringConcat()) });
    const references = [...(child.dependsOn ?? [])];
    const listed = new Set(references.map(address));
    for (const reference of dependencies.map(dependable)) {
      if (listed.has(address(reference))) continue;
      listed.add(address(reference));
      references.push(reference);
    }
    child.dependsOn = references;
  }
}
