import { Annotations } from "cdktf";
import { IConstruct } from "constructs";

/** A synth-time warning: the cdktf CLI prints it as `WARN [path]: message` and carries on. */
export function warn(scope: IConstruct, message: string): void {
  Annotations.of(scope).addWarning(message);
}
