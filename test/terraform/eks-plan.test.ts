/**
 * The EKS cluster stack, planned by the real terraform binary with the real hashicorp/aws
 * provider, offline. Skips (saying why) only where terraform or the provider mirror is absent.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EksSite } from "../../lib/sites/eks-site";
import { offlineConfig, offlinePlan, offlineTest } from "./offline-plan";

// 3 zones: VPC, IGW, public route table + route, per zone (public subnet + association, EIP,
// NAT, private subnet, route table, route, association = 8) -> 4 + 24 = 28 network resources;
// IAM: 3 roles + 5 policy attachments = 8; EKS: cluster, node group, 3 add-ons (vpc-cni with
// its network policy agent, pod identity agent, EBS CSI), pod identity association = 6; one
// admin principal: access entry + policy association = 2; the Secrets KMS key and the
// control-plane log group = 2.
const EXPECTED_RESOURCES = 28 + 8 + 6 + 2 + 2;

const { run, tools } = offlineTest();

describe("EKS cluster stack with the real terraform and aws provider", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-plan-"));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  run(
    "init, validate and plan succeed offline",
    () => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "aws-cluster");
      const provider = new AwsProvider(stack, "aws", { region: "us-west-2" });
      new EksSite(stack, "site", {
        provider,
        siteName: "aws",
        region: "us-west-2",
        adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"],
        apiAccessCidrs: ["203.0.113.0/24"],
      });
      app.synth();
      const stackDir = path.join(outdir, "stacks", "aws-cluster");

      const result = offlinePlan(stackDir, tools!);
      expect(result.output).toContain("Success! The configuration is valid.");
      expect(result).toMatchObject({ add: EXPECTED_RESOURCES, change: 0, destroy: 0 });
      expect(result.output).toContain("# aws_eks_cluster.site_cluster_");
      expect(result.output).toMatch(/support_type\s+= "STANDARD"/);
      expect(result.output).toMatch(/authentication_mode\s+= "API"/);
      // Secrets envelope encryption and control-plane logs, as the real provider plans them.
      expect(result.output).toMatch(/# aws_kms_key\.site_secrets-key_\w+ will be created/);
      expect(result.output).toMatch(/enable_key_rotation\s+= true/);
      expect(result.output).toMatch(/encryption_config \{\s+\+ resources = \[\s+\+ "secrets",\s+\]\s+\+ provider \{\s+\+ key_arn = \(known after apply\)/);
      expect(result.output).toMatch(/name\s+= "\/aws\/eks\/crdb-aws\/cluster"/);
      expect(result.output).toMatch(/retention_in_days\s+= 90/);
      expect(result.output).toMatch(/enabled_cluster_log_types\s+= \[\s+\+ "api",\s+\+ "audit",\s+\+ "authenticator",\s+\]/);

      // The synthesized stack itself still pins the provider version cdktf generated for.
      const synthesized = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
      expect(synthesized.terraform.required_providers.aws.version).toBe("6.25.0");
    },
    300_000,
  );
});

describe("offlineConfig", () => {
  test("relaxes only the aws version, drops the backend and configures offline credentials", () => {
    const config = offlineConfig(
      {
        terraform: { backend: { s3: {} }, required_providers: { aws: { source: "aws", version: "6.25.0" } } },
        provider: { aws: [{ region: "eu-west-1" }] },
      },
      "5.100.0",
    );
    expect(config).toEqual({
      terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
      provider: {
        aws: [
          {
            region: "eu-west-1",
            access_key: "offline-plan",
            secret_key: "offline-plan",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: "true",
          },
        ],
      },
    });
  });

  test("refuses stacks that need other providers", () => {
    expect(() =>
      offlineConfig({ terraform: { required_providers: { kubernetes: { source: "kubernetes", version: "2.38.0" } } } }, "5.100.0"),
    ).toThrow("provider kubernetes (kubernetes) is not available offline");
  });
});
