/**
 * Every stack of the default app that needs nothing but the aws provider, planned by the real
 * terraform binary with the real hashicorp/aws provider, offline. Skips (saying why) only
 * where terraform or the provider mirror is absent.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildDeployment } from "../../stacks/app";
import { planBackups } from "../../stacks/backup";
import { defaultTopology } from "../../stacks/topology";
import { offlinePlan, offlineTest } from "./offline-plan";

// As in eks-plan.test.ts, without an admin principal's access entry and policy association:
// 28 network + 8 IAM + 6 EKS resources, the Secrets KMS key and the control-plane log group; plus the backup bucket with its 6 settings, its IAM role
// and policy and the Pod Identity association.
const EXPECTED_AWS_CLUSTER_RESOURCES = 28 + 8 + 6 + 2 + 10;

const { run, tools } = offlineTest();

describe("the default app's aws-only stacks with the real terraform and aws provider", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "app-plan-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  const topology = defaultTopology();
  buildDeployment(app, topology);
  const awsBucket = planBackups(topology).find((target) => target.key === "aws")!.storageName!;
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const awsOnly = Object.entries<{ synthesizedStackPath: string }>(manifest.stacks)
    .filter(([, stack]) => {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"));
      return Object.keys(json.provider ?? {}).join() === "aws" && json.data === undefined;
    })
    .map(([name, stack]) => ({ name, dir: path.join(outdir, path.dirname(stack.synthesizedStackPath)) }));

  test("are exactly the AWS cluster stack (the others need clusters or other clouds)", () => {
    expect(awsOnly.map((s) => s.name)).toEqual(["aws-cluster"]);
  });

  run(
    "aws-cluster: init, validate and plan succeed offline",
    () => {
      const result = offlinePlan(awsOnly[0].dir, tools!);
      expect(result.output).toContain("Success! The configuration is valid.");
      expect(result).toMatchObject({ add: EXPECTED_AWS_CLUSTER_RESOURCES, change: 0, destroy: 0 });
      expect(result.output).toMatch(/cidr_block\s+= "10\.0\.0\.0\/16"/);
      expect(result.output).toMatch(/instance_types\s+= \[\s+\+ "m6i\.2xlarge",\s+\]/);
      // The real provider accepted the backup bucket's settings and planned them as written.
      expect(result.output).toContain(`+ bucket                      = "${awsBucket}"`);
      expect(result.output).toMatch(/\+ days\s+= 30/);
      expect(result.output).toMatch(/\+ service_account = "crdb-aws"/);
      expect(result.output).toMatch(/\+ block_public_policy\s+= true/);
      // The NAT addresses the other sites' routers admit: a plain output, and one sensitive
      // cross-stack output per EIP that their platform stacks read through remote state.
      expect(result.output).toMatch(/\+ egress_cidrs\s+= \[\s+\+ \(known after apply\),\s+\+ \(known after apply\),\s+\+ \(known after apply\),\s+\]/);
      expect(result.output.match(/\+ cross-stack-output-aws_eipsite_nat-us-east-1[abc]-eip_\w+public_ip\s+= \(sensitive value\)/g)).toHaveLength(3);
    },
    300_000,
  );
});
