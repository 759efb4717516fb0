import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

describe("the library package", () => {
  test("pins cdktf, constructs and the seven prebuilt providers, as peers and as dev dependencies", () => {
    expect(pkg.peerDependencies).toEqual({
      "@cdktf/provider-aws": "21.22.1",
      "@cdktf/provider-azurerm": "14.23.1",
      "@cdktf/provider-google": "16.12.1",
      "@cdktf/provider-helm": "12.1.2",
      "@cdktf/provider-kubernetes": "12.1.1",
      "@cdktf/provider-random": "12.0.1",
      "@cdktf/provider-tls": "11.0.1",
      cdktf: "0.21.0",
      constructs: "^10.4.2",
    });
    for (const [name, version] of Object.entries<string>(pkg.peerDependencies)) {
      expect([name, pkg.devDependencies[name]]).toEqual([name, version.replace("^", "")]);
    }
    expect(pkg.devDependencies["cdktf-cli"]).toBe("0.21.0");
  });

  test("npm run build emits JS and type declarations of lib/ that load and export the constructs, and the crdb-status bin", () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "crdb-build-"));
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: root, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(pkg.main).toBe("dist/lib/index.js");
    expect(pkg.types).toBe("dist/lib/index.d.ts");
    expect(fs.existsSync(path.join(outDir, "lib/index.d.ts"))).toBe(true);
    // Of the app, only the status command and what it imports: no stack class, no provider.
    expect(fs.readdirSync(path.join(outDir, "stacks")).sort()).toEqual(["backup.d.ts", "backup.js", "naming.d.ts", "naming.js", "sql.d.ts", "sql.js", "status", "topology"]);
    const exports = spawnSync(process.execPath, ["-e", `console.log(Object.keys(require(${JSON.stringify(path.join(outDir, "lib"))})).join(","))`], {
      cwd: root,
      // The build sits outside the repository; its imports resolve as an installing project's would.
      env: { ...process.env, NODE_PATH: path.join(root, "node_modules") },
      encoding: "utf8",
    });
    expect(exports.stderr).toBe("");
    expect(exports.stdout.trim().split(",")).toEqual(
      expect.arrayContaining([
        "ClusterCa", "NodeCertificate", "ClientCertificate", "CockroachStatefulSet", "CockroachClusterInit", "CockroachSqlClient",
        "EksSite", "GkeSite", "AksSite", "ExistingClusterSite",
        "SkupperSiteCa", "SkupperController", "SkupperSite", "SkupperPodExposure", "SkupperLink", "planLinks", "validateMesh",
        "CockroachServiceMonitor", "CockroachAlertRules", "SkupperRouterPodMonitor",
      ]),
    );
    const bin = spawnSync(process.execPath, [path.join(outDir, pkg.bin["crdb-status"].replace(/^dist\//, "")), "--help"], {
      cwd: root,
      env: { ...process.env, NODE_PATH: path.join(root, "node_modules") },
      encoding: "utf8",
    });
    expect([bin.status, bin.stderr, bin.stdout.split("\n")[0]]).toEqual([0, "", "Usage: npm run status -- [options]      (or: crdb-status [options])"]);
    expect(pkg.files).toEqual(expect.arrayContaining(["dist/lib", "dist/stacks"]));
    fs.rmSync(outDir, { recursive: true, force: true });
  });
});
