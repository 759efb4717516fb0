import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { terraformLiteral } from "../../lib/core/terraform-strings";

test("terraformLiteral escapes template syntax but keeps cdktf tokens as references", () => {
  const stack = new TerraformStack(Testing.app(), "s");
  const namespace = new TerraformVariable(stack, "namespace", { type: "string" }).stringValue;
  new TerraformOutput(stack, "script", {
    value: terraformLiteral(`echo "\${POD_NAME}.${namespace}" %{if x}\${a:-b}%{endif}`),
  });
  const json = JSON.parse(Testing.synth(stack));
  expect(json.output.script.value).toBe('echo "$${POD_NAME}.${var.namespace}" %%{if x}$${a:-b}%%{endif}');
});
