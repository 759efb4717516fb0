/**
 * Terraform reads every string in its configuration as a template: `${...}` interpolates and
 * `%{...}` is a directive. A shell script passed through verbatim (`${POD_NAME}`) is therefore
 * an invalid or, worse, a different configuration. This escapes both so Terraform hands the
 * text to Kubernetes unchanged, while cdktf's own tokens (`${TfToken[...]}`, e.g. a namespace
 * read from another resource) still resolve.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, "$$${").replace(/%\{/g, "%%{");
}
