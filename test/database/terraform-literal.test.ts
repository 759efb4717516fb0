/**
 * The container scripts reach Kubernetes through Terraform, which reads `${...}` and `%{...}` in
 * any string as its own template syntax. Real terraform renders the synthesized commands here,
 * and what comes out must be the scripts exactly as written (and as scripts.test.ts runs them).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CockroachClusterInit, CockroachStatefulSet } from "../../lib/database";
import { initScript, startScript, zoneLookupScript } from "../../lib/database/scripts";
import { findExecutable } from "../terraform/offline-plan";
import { Json, onlyResource, renderedByTerraform, synth } from "./helpers";

const sites = [
  { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
  { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 3 },
  { siteName: "azure", statefulSetName: "crdb-azure", replicas: 3 },
];

const json = synth((stack, p) => {
  new CockroachStatefulSet(stack, "db", { provider: p.kubernetes, siteName: "aws", sites, locality: { cloud: "aws", region: "us-west-2" } });
  new CockroachClusterInit(stack, "init", { provider: p.kubernetes, sites, license: { secretName: "license" } });
});
const pod = onlyResource(json, "kubernetes_stateful_set_v1").spec.template.spec;
const synthesized: string[] = [
  pod.container[0].command[2],
  pod.init_container[0].command[2],
  onlyResource(json, "kubernetes_job_v1").spec.template.spec.container[0].command[2],
];
const written = [
  startScript({ namespace: "cockroachdb", clusterDomain: "cluster.local", locality: "cloud=aws,region=us-west-2", zoneFile: "/cockroach/locality/zone", cacheMiB: 4096, maxSqlMemoryMiB: 4096 }),
  zoneLookupScript({ serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount", zoneFile: "/cockroach/locality/zone" }),
  initScript({
    initHost: "crdb-aws-0.cockroachdb.svc.cluster.local:26257",
    probeHosts: sites.flatMap((s) => [0, 1, 2].map((i) => `crdb-${s.siteName}-${i}.cockroachdb.svc.cluster.local:26257`)),
    expectedNodes: 9,
    statements: ["ALTER RANGE default CONFIGURE ZONE USING num_replicas = 5"],
    licenseEnv: "COCKROACH_LICENSE",
    licenseOrganizationEnv: "COCKROACH_LICENSE_ORGANIZATION",
  }),
];

test("the scripts use shell expansions Terraform would otherwise take for its own", () => {
  for (const script of written) expect(script).toContain("${");
  expect(synthesized.map(renderedByTerraform)).toEqual(written);
});

const terraform = findExecutable("terraform");
if (!terraform) console.warn("Skipping the Terraform rendering check: no terraform binary on PATH or in /usr/local/bin");

(terraform ? test : test.skip)("real terraform validates the synthesized commands and renders them to the scripts as written", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-literal-"));
  const config: Json = {
    resource: { terraform_data: { scripts: { input: synthesized } } },
    output: { scripts: { value: "${terraform_data.scripts.output}" } },
  };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  const run = (...args: string[]) => {
    const result = spawnSync(terraform!, args, { cwd: dir, env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  run("init", "-input=false", "-no-color");
  expect(run("validate", "-no-color")).toContain("Success! The configuration is valid.");
  run("apply", "-auto-approve", "-input=false", "-no-color");
  expect(JSON.parse(run("output", "-json", "scripts"))).toEqual(written);
  fs.rmSync(dir, { recursive: true, force: true });
});
