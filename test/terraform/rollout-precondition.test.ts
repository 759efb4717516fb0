/**
 * The rollout guard's plan-time version rule, evaluated by real terraform: the precondition
 * the database stack puts on the StatefulSet, with the live StatefulSet list (the
 * kubernetes_resources data source, unavailable offline) replaced by a variable.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseTopology } from "../../stacks/topology";
import { DEFAULT_TOPOLOGY_FILE } from "../../stacks/topology/defaults";
import { synthApp } from "../stacks/synth-app";
import { findExecutable } from "./offline-plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const terraform = findExecutable("terraform");
if (!terraform) console.warn("Skipping the rollout precondition check: no terraform binary on PATH or in /usr/local/bin");

const { stacks } = synthApp(parseTopology({ ...DEFAULT_TOPOLOGY_FILE, cockroach: { image: "cockroachdb/cockroach:v26.2.7" } }, "inline"));
const statefulSet: Json = Object.values(stacks["gcp-database"].resource.kubernetes_stateful_set_v1)[0];
const [precondition] = statefulSet.lifecycle.precondition;
const [liveId] = Object.keys(stacks["gcp-database"].data.kubernetes_resources);

test("the StatefulSet carries the plan-time rule over the live StatefulSet of its own name", () => {
  expect(stacks["gcp-database"].data.kubernetes_resources[liveId]).toMatchObject({ api_version: "apps/v1", kind: "StatefulSet", field_selector: "metadata.name=crdb-gcp" });
  expect(precondition.condition).toContain(`data.kubernetes_resources.${liveId}.objects`);
  expect(precondition.error_message).toContain("allowed from 26.2, 26.1, 25.4");
});

(terraform ? describe : describe.skip)("real terraform evaluates the rule", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-rollout-"));
  const config: Json = {
    variable: { objects: { type: "any" } },
    resource: {
      terraform_data: {
        statefulset: { input: "x", lifecycle: { precondition: [{ ...precondition, condition: precondition.condition.replace(`data.kubernetes_resources.${liveId}.objects`, "var.objects") }] } },
      },
    },
  };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  const tf = (...args: string[]) => spawnSync(terraform!, args, { cwd: dir, env, encoding: "utf8" });
  beforeAll(() => expect(tf("init", "-input=false", "-no-color").status).toBe(0));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const live = (image: string) => [{ spec: { template: { spec: { containers: [{ name: "cockroachdb", image }] } } } }];
  const plan = (objects: unknown) => {
    fs.writeFileSync(path.join(dir, "live.tfvars.json"), JSON.stringify({ objects }));
    return tf("plan", "-input=false", "-no-color", "-var-file=live.tfvars.json");
  };

  test.each([
    ["first deploy (no StatefulSet)", []],
    ["the same major", live("cockroachdb/cockroach:v26.2.3")],
    ["the previous major", live("cockroachdb/cockroach:v26.1.4")],
    ["a Regular release past the skipped Innovation one", live("cockroachdb/cockroach:v25.4.9")],
    ["a running image without a version tag (left to the Job)", live(`cockroachdb/cockroach@sha256:${"a".repeat(64)}`)],
  ])("plans: %s", (_name, objects) => {
    const result = plan(objects);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test.each([
    ["a skipped Regular release", live("cockroachdb/cockroach:v25.2.9")],
    ["an older major", live("cockroachdb/cockroach:v26.3.0")],
  ])("refuses at plan: %s", (_name, objects) => {
    const result = plan(objects);
    expect(result.status).not.toBe(0);
    expect(result.stderr.replace(/\s+/g, " ")).toContain("StatefulSet crdb-gcp runs a CockroachDB major that cannot move to v26.2.7 directly");
  });
});
