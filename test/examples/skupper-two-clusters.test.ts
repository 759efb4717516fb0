import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { crdTest, skupperCrds } from "../skupper/crd-validator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const example = path.join(__dirname, "../../examples/skupper-two-clusters");

describe("examples/skupper-two-clusters", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "skupper-two-clusters-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  let run: ReturnType<typeof spawnSync>;
  const stack = (name: string): Json => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  const manifests = (json: Json): Json[] => Object.values(json.resource?.kubernetes_manifest ?? {}).map((m: Json) => m.manifest);

  beforeAll(() => {
    // Its cdktf.json app command, as `cdktf synth` runs it.
    const cdktf = JSON.parse(fs.readFileSync(path.join(example, "cdktf.json"), "utf8"));
    run = spawnSync("bash", ["-c", cdktf.app], { cwd: example, env: { ...process.env, KUBECONFIG: "/home/ops/.kube/config", CDKTF_OUTDIR: outdir }, encoding: "utf8" });
  });

  test("its app command synthesizes pki, a platform and a database stack per site, the dialling site's links and the init", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    const dependencies = Object.fromEntries(Object.entries<Json>(manifest.stacks).map(([name, s]) => [name, [...s.dependencies].sort()]));
    expect(dependencies).toEqual({
      pki: [],
      "east-platform": ["pki"],
      "west-platform": ["pki"],
      "east-database": ["east-platform"],
      "west-database": ["west-platform"],
      "east-links": ["east-database", "pki", "west-database"],
      "cluster-init": ["east-database", "east-links", "west-database"],
    });
  });

  test("the controller and the site CA Secret come before the Site; the Link uses the dialled Site's endpoints and a certificate of its CA", () => {
    const platform = stack("east-platform");
    expect(Object.values<Json>(platform.resource.helm_release)[0].chart).toBe("skupper");
    expect(Object.values<Json>(platform.resource.kubernetes_secret_v1).map((s) => s.metadata.name).sort()).toEqual([
      "cockroachdb-node-certs",
      "cockroachdb-root-client-certs",
      "skupper-site-ca",
    ]);
    expect(manifests(stack("west-database")).map((m) => m.kind).sort()).toEqual(["Connector", "Connector", "Connector", "Listener", "Listener", "Listener", "Site"]);
    const links = stack("east-links");
    const [link] = manifests(links).filter((m) => m.kind === "Link");
    expect(link.metadata.name).toBe("link-to-west");
    expect(link.spec.endpoints).toMatch(/data\.terraform_remote_state\.[^.]+\.outputs\./);
    expect(JSON.stringify(links.data.terraform_remote_state)).toContain("west-database");
    expect(stack("east-database").provider.kubernetes).toEqual([
      { config_path: "/home/ops/.kube/config", config_context: "east", ignore_annotations: ["^internal\\.skupper\\.io/", "^cloud\\.google\\.com/neg(-status)?$"] },
    ]);
  });

  crdTest("every Skupper object validates against the Skupper 2.2.1 CRDs", () => {
    const objects = ["east-database", "west-database", "east-links"].flatMap((name) => manifests(stack(name)));
    expect(objects).toHaveLength(2 * 7 + 1);
    for (const object of objects) expect(skupperCrds().validate(object)).toEqual({ errors: [], skipped: object.kind === "Link" ? ["spec.endpoints"] : [] });
  });
});
