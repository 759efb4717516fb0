/**
 * Runs the real `terraform` binary with the real hashicorp/aws provider from a local
 * filesystem mirror against a synthesized aws-only stack: `init`, `validate` and `plan`,
 * fully offline (dummy credentials, no credential/account/metadata checks). Any aws-only
 * stack directory can be handed to `offlinePlan`.
 *
 * The mirror is found automatically (env TF_AWS_PROVIDER_MIRROR names it explicitly).
 * Only the mirrored provider version is available here, so the copy that is planned has its
 * aws version constraint relaxed to that version; the synthesized stack is not touched.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface OfflineTerraform {
  readonly terraform: string;
  /** A directory in the filesystem-mirror layout: registry.terraform.io/hashicorp/aws/<version>/<os_arch>/. */
  readonly mirrorDir: string;
  readonly awsVersion: string;
}

export interface OfflinePlanResult {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Everything terraform printed for validate and plan. */
  readonly output: string;
}

const AWS_SOURCES = new Set(["aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"]);
const MIRROR_ROOTS = ["/opt", "/usr/local/share/terraform", "/usr/share/terraform", path.join(os.homedir(), ".terraform.d"), path.join(os.homedir(), ".local/share/terraform")];

/** The terraform binary and the aws provider mirror, or the reason they are not usable here. */
export function findOfflineTerraform(): OfflineTerraform | string {
  const terraform = findExecutable("terraform");
  if (!terraform) return "no terraform binary on PATH or in /usr/local/bin";
  const explicit = process.env.TF_AWS_PROVIDER_MIRROR;
  if (explicit) {
    // A named mirror that is wrong is a configuration error, not a reason to skip.
    const version = awsVersionIn(explicit);
    if (!version) throw new Error(`TF_AWS_PROVIDER_MIRROR=${explicit} holds no registry.terraform.io/hashicorp/aws/<version>/${platform()}/terraform-provider-aws* binary`);
    return { terraform, mirrorDir: explicit, awsVersion: version };
  }
  for (const root of MIRROR_ROOTS) {
    const mirrorDir = findMirrorDir(root, 4);
    if (mirrorDir) return { terraform, mirrorDir, awsVersion: awsVersionIn(mirrorDir) as string };
  }
  return `no filesystem mirror of the hashicorp/aws provider for ${platform()} under ${MIRROR_ROOTS.join(", ")} (set TF_AWS_PROVIDER_MIRROR)`;
}

/**
 * `test` when terraform and the mirror are present, otherwise `test.skip` after printing why:
 * the check must run wherever it can, and say so where it cannot.
 */
export function offlineTest(): { run: jest.It; tools?: OfflineTerraform } {
  const found = findOfflineTerraform();
  if (typeof found === "string") {
    console.warn(`Skipping offline terraform plan: ${found}`);
    return { run: test.skip };
  }
  return { run: test, tools: found };
}

/** init + validate + plan of a copy of `stackDir`; throws with terraform's output on failure. */
export function offlinePlan(stackDir: string, tools: OfflineTerraform): OfflinePlanResult {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-plan-"));
  try {
    fs.cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    const synthesized = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    fs.rmSync(path.join(workDir, "cdk.tf.json"));
    fs.writeFileSync(path.join(workDir, "main.tf.json"), JSON.stringify(offlineConfig(synthesized, tools.awsVersion), null, 2));
    const cliConfig = path.join(workDir, "offline.tfrc");
    fs.writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(tools.mirrorDir)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: workDir,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const run = (...args: string[]) => {
      const result = spawnSync(tools.terraform, [...args, "-no-color"], { cwd: workDir, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${output}`);
      return output;
    };
    run("init", "-input=false");
    const output = run("validate") + run("plan", "-input=false", "-lock=false");
    if (/No changes\./.test(output)) return { add: 0, change: 0, destroy: 0, output };
    const counts = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(output);
    if (!counts) throw new Error(`terraform plan printed no plan summary:\n${output}`);
    return { add: Number(counts[1]), change: Number(counts[2]), destroy: Number(counts[3]), output };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The synthesized config as the offline run needs it: local state, the mirrored aws version,
 * dummy credentials and no calls to AWS while configuring the provider.
 */
export function offlineConfig(synthesized: Record<string, unknown>, awsVersion: string): Record<string, unknown> {
  const config = structuredClone(synthesized) as {
    terraform?: { backend?: unknown; cloud?: unknown; required_providers?: Record<string, { source?: string; version?: string }> };
    provider?: Record<string, Array<Record<string, unknown>>>;
  };
  if (config.terraform) {
    delete config.terraform.backend;
    delete config.terraform.cloud;
  }
  for (const [name, requirement] of Object.entries(config.terraform?.required_providers ?? {})) {
    if (!AWS_SOURCES.has(requirement.source ?? name)) {
      throw new Error(`provider ${name} (${requirement.source}) is not available offline: only aws-only stacks can be planned here`);
    }
    requirement.version = awsVersion;
  }
  for (const block of config.provider?.aws ?? []) {
    Object.assign(block, {
      access_key: "offline-plan",
      secret_key: "offline-plan",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
    });
  }
  return config;
}

function awsVersionIn(mirrorDir: string): string | undefined {
  const base = path.join(mirrorDir, "registry.terraform.io", "hashicorp", "aws");
  const versions = safeReaddir(base)
    .filter((version) => safeReaddir(path.join(base, version, platform())).some((file) => file.startsWith("terraform-provider-aws")))
    .sort(compareVersions);
  return versions[versions.length - 1];
}

function findMirrorDir(dir: string, depth: number): string | undefined {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  if (entries.some((e) => e.name === "registry.terraform.io") && awsVersionIn(dir)) return dir;
  if (depth === 0) return undefined;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = findMirrorDir(path.join(dir, entry.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/bin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function platform(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
