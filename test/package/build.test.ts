/**
 * The library as another project installs it: built, packed by npm, unpacked into a consumer
 * project's node_modules next to only some of the providers, then type-checked and run as
 * CommonJS and as ES modules.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { OPTIONAL_PEERS } from "../../lib/core/optional-peers";

const root = path.join(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const PROVIDERS = [
  "@cdktf/provider-aws",
  "@cdktf/provider-azurerm",
  "@cdktf/provider-google",
  "@cdktf/provider-helm",
  "@cdktf/provider-kubernetes",
  "@cdktf/provider-random",
  "@cdktf/provider-tls",
];

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

describe("package.json", () => {
  test("peer ranges for cdktf, constructs and the providers; every provider optional; the same versions pinned for development", () => {
    expect(pkg.peerDependencies).toEqual({
      "@cdktf/provider-aws": "^21.22.1",
      "@cdktf/provider-azurerm": "^14.23.1",
      "@cdktf/provider-google": "^16.12.1",
      "@cdktf/provider-helm": "^12.1.2",
      "@cdktf/provider-kubernetes": "^12.1.1",
      "@cdktf/provider-random": "^12.0.1",
      "@cdktf/provider-tls": "^11.0.1",
      cdktf: "^0.21.0",
      constructs: "^10.4.2",
    });
    expect(pkg.peerDependenciesMeta).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, { optional: true }])));
    for (const [name, range] of Object.entries<string>(pkg.peerDependencies)) {
      expect([name, pkg.devDependencies[name]]).toEqual([name, range.replace("^", "")]);
    }
    // The library's missing-provider message names the same ranges.
    expect(OPTIONAL_PEERS).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, pkg.peerDependencies[p]])));
    expect(pkg.devDependencies["cdktf-cli"]).toBe("0.21.0");
    expect(pkg.license).toBe("Apache-2.0");
    expect(fs.readFileSync(path.join(root, "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0, January 2004");
  });
});

describe("the built and packed library in a consumer project with only the kubernetes and tls providers", () => {
  let tmp: string;
  let consumer: string;
  let outDir: string;
  let packed: string[];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-package-"));
    const pkgDir = path.join(tmp, "pkg");
    fs.mkdirSync(pkgDir);
    for (const file of ["package.json", "LICENSE", "README.md"]) fs.copyFileSync(path.join(root, file), path.join(pkgDir, file));
    outDir = path.join(pkgDir, "dist");
    const build = run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", outDir], root);
    expect(build.stdout + build.stderr).toBe("");
    const pack = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], pkgDir);
    const [{ filename, files }] = JSON.parse(pack.stdout);
    packed = files.map((f: { path: string }) => f.path);
    consumer = path.join(tmp, "consumer");
    const installed = path.join(consumer, "node_modules", pkg.name);
    fs.mkdirSync(installed, { recursive: true });
    run("tar", ["-xzf", path.join(tmp, filename), "-C", installed, "--strip-components=1"], tmp);
    // What npm installs with the package: its dependencies, plus the peers this consumer chose.
    for (const dep of [...Object.keys(pkg.dependencies), "cdktf", "constructs", "@cdktf/provider-kubernetes", "@cdktf/provider-tls", "@types/node"]) {
      fs.mkdirSync(path.dirname(path.join(consumer, "node_modules", dep)), { recursive: true });
      fs.symlinkSync(path.join(root, "node_modules", dep), path.join(consumer, "node_modules", dep), "dir");
    }
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    fs.mkdirSync(path.join(consumer, "src"));
    fs.writeFileSync(path.join(consumer, "src/main.ts"), CONSUMER_PROGRAM);
    // The same program as an ES module (.mts compiles to .mjs).
    fs.writeFileSync(path.join(consumer, "src/main-esm.mts"), CONSUMER_PROGRAM);
    const compilerOptions = { target: "ES2022", strict: true, skipLibCheck: true, types: ["node"], outDir: "out", rootDir: "src" };
    fs.writeFileSync(path.join(consumer, "tsconfig.node16.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, module: "node16", moduleResolution: "node16" }, include: ["src"] }));
    fs.writeFileSync(path.join(consumer, "tsconfig.bundler.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, module: "esnext", moduleResolution: "bundler", noEmit: true }, include: ["src"] }));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("npm pack ships the compiled lib with declarations, the crdb-status command, LICENSE and README, and no stack class or test", () => {
    expect(packed).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/sites/eks-site.js", pkg.bin["crdb-status"]]));
    expect(packed.filter((f) => !f.startsWith("dist/lib/") && !f.startsWith("dist/stacks/") && !["LICENSE", "README.md", "package.json"].includes(f))).toEqual([]);
    // Of the app, only the status command and what it imports: no stack class, no provider.
    expect([...new Set(packed.filter((f) => f.startsWith("dist/stacks/")).map((f) => f.split("/")[2]))].sort()).toEqual(["backup.d.ts", "backup.js", "naming.d.ts", "naming.js", "sql.d.ts", "sql.js", "status", "topology"]);
    expect(packed.filter((f) => f.endsWith(".test.js"))).toEqual([]);
  });

  test("the crdb-status bin runs from the installed package", () => {
    const bin = run(process.execPath, [path.join(consumer, "node_modules", pkg.name, pkg.bin["crdb-status"]), "--help"], consumer);
    expect([bin.stderr, bin.stdout.split("\n")[0]]).toEqual(["", "Usage: npm run status -- [options]      (or: crdb-status [options])"]);
  });

  test("runtime dependencies are exactly what the shipped code requires besides its peers", () => {
    const required = new Set<string>();
    for (const file of packed.filter((f) => f.endsWith(".js"))) {
      const code = fs.readFileSync(path.join(outDir, "..", file), "utf8");
      for (const [, specifier] of code.matchAll(/require\("([^".][^"]*)"\)/g)) {
        required.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);
      }
    }
    const needed = [...required].filter((name) => !(name in pkg.peerDependencies) && !builtinModules.includes(name)).sort();
    expect(Object.keys(pkg.dependencies).sort()).toEqual(needed);
  });

  test.each(["node16", "bundler"])("type-checks under TypeScript moduleResolution %s", (resolution) => {
    const result = spawnSync(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: consumer, encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test.each([
    ["CommonJS", "out/main.js"],
    ["an ES module (.mjs)", "out/main-esm.mjs"],
  ])("runs as %s: database, Skupper and existing-cluster constructs from the package root; a cloud site names the package to install", (_kind, program) => {
    run(process.execPath, [tsc, "-p", "tsconfig.node16.json"], consumer);
    const result = run(process.execPath, [program], consumer);
    const report = JSON.parse(result.stdout);
    expect(report.resourceTypes).toEqual(expect.arrayContaining(["kubernetes_stateful_set_v1", "kubernetes_manifest", "tls_self_signed_cert"]));
    expect(report.skupperKinds).toEqual(expect.arrayContaining(["Site"]));
    expect(report.eksSiteError).toBe('EksSite needs the optional peer dependency @cdktf/provider-aws, which is not installed: npm install @cdktf/provider-aws@"^21.22.1"');
    expect(report.controllerError).toBe('SkupperController needs the optional peer dependency @cdktf/provider-helm, which is not installed: npm install @cdktf/provider-helm@"^12.1.2"');
  });

  test("with every provider installed, the root loads a cloud's module only when its class is used", () => {
    const probe = `
      const lib = require(${JSON.stringify(path.join(outDir, "lib"))});
      const awsLoaded = () => Object.keys(require.cache).some((k) => k.includes("provider-aws"));
      const before = awsLoaded();
      const exported = Object.keys(lib);
      const name = lib.EksSite.name;
      console.log(JSON.stringify({ before, name, after: awsLoaded(), isConstructor: typeof lib.EksSite === "function", exported }));`;
    const result = spawnSync(process.execPath, ["-e", probe], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(root, "node_modules") } });
    expect(result.stderr).toBe("");
    const { exported, ...loading } = JSON.parse(result.stdout);
    expect(loading).toEqual({ before: false, name: "EksSite", after: true, isConstructor: true });
    expect(exported).toEqual(
      expect.arrayContaining([
        "ClusterCa", "NodeCertificate", "ClientCertificate", "CockroachStatefulSet", "CockroachClusterInit", "CockroachSqlClient",
        "EksSite", "GkeSite", "AksSite", "ExistingClusterSite",
        "SkupperSiteCa", "SkupperController", "SkupperSite", "SkupperPodExposure", "SkupperLink", "planLinks", "validateMesh",
        "CockroachServiceMonitor", "CockroachAlertRules", "SkupperRouterPodMonitor",
        "S3BackupBucket", "GcsBackupBucket", "AzureBackupStorage", "backupScheduleLabel",
      ]),
    );
  });
});

/** A consumer's stack: one existing cluster with the database and a Skupper Site, no cloud provider installed. */
const CONSUMER_PROGRAM = `
import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import {
  ClusterCa, CockroachStatefulSet, EksSite, ExistingClusterSite, SkupperController, SkupperSite, statefulSetName,
} from "${pkg.name}";

const app = new App({ outdir: "cdktf.out" });
const stack = new TerraformStack(app, "dc1");
new ClusterCa(stack, "ca", { provider: new TlsProvider(stack, "tls", {}) });
const site = new ExistingClusterSite(stack, "site", { siteName: "dc1", region: "eu-north", storageClassName: "fast-ssd", kubeconfigPath: "~/.kube/config", kubeconfigContext: "dc1" });
const { kubernetes } = site.connect(stack, "cluster");
new CockroachStatefulSet(stack, "db", {
  provider: kubernetes,
  siteName: "dc1",
  sites: [{ siteName: "dc1", statefulSetName: statefulSetName("crdb", "dc1"), replicas: 3 }],
  locality: { cloud: "on-prem", region: "eu-north" },
  storageClassName: "fast-ssd",
});
new SkupperSite(stack, "skupper", { provider: kubernetes, siteName: "dc1" });
const errorOf = (use: () => unknown): string => {
  try {
    use();
    return "no error";
  } catch (error) {
    return (error as Error).message;
  }
};
const eksSiteError = errorOf(() => new EksSite(stack, "eks", {} as never));
const controllerError = errorOf(() => new SkupperController(stack, "controller", {} as never));
app.synth();
const json = JSON.parse(fs.readFileSync(path.join("cdktf.out", "stacks", "dc1", "cdk.tf.json"), "utf8"));
const resourceTypes = Object.keys(json.resource);
const skupperKinds = Object.values(json.resource.kubernetes_manifest).map((m) => (m as { manifest: { kind: string } }).manifest.kind);
console.log(JSON.stringify({ resourceTypes, skupperKinds, eksSiteError, controllerError }));
`;
