import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Providers {
  readonly kubernetes: KubernetesProvider;
  readonly tls: TlsProvider;
}

/** Synthesizes what `build` adds to a fresh stack and returns the Terraform JSON. */
export function synth(build: (stack: Construct, providers: Providers) => void): Json {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "test");
  build(stack, { kubernetes: new KubernetesProvider(stack, "k8s", {}), tls: new TlsProvider(stack, "tls", {}) });
  return JSON.parse(Testing.synth(stack));
}

/** All resources of one type, as a list of their configs. */
export function resources(json: Json, type: string): Json[] {
  return Object.values(json.resource?.[type] ?? {});
}

export function onlyResource(json: Json, type: string): Json {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0];
}

export function hasTool(tool: string): boolean {
  return spawnSync("bash", ["-c", `command -v ${tool}`]).status === 0;
}

/** A temp dir with executable stubs (name -> bash body) to put first on PATH. */
export function stubDir(stubs: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-stub-"));
  for (const [name, body] of Object.entries(stubs)) {
    fs.writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

export interface BashResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a generated script with bash, stubs first on PATH, and a clean environment plus `env`. */
export function runBash(script: string, stubs: string, env: Record<string, string> = {}, timeoutMs = 20_000): BashResult {
  const run = spawnSync("bash", ["-c", script], {
    env: { PATH: `${stubs}:${process.env.PATH}`, ...env },
    encoding: "utf8",
    // Node's stdio pipes are sockets, which makes bash read ~/.bashrc as if run by sshd.
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * What Terraform hands to Kubernetes for a literal string of the configuration: `$${` and
 * `%%{` become `${` and `%{`. terraform-literal.test.ts proves this model with real terraform.
 */
export function renderedByTerraform(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
