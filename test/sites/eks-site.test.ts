import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { EksSite, EksSiteProps, awsPartition, isGraviton } from "../../lib/sites/eks-site";
import { blocksOf, Json, single, synthJson, typesOf } from "./synth";

function eksStack(props: Partial<EksSiteProps> = {}, providerRegion = "us-west-2") {
  const app = Testing.app();
  const stack = new TerraformStack(app, "aws-cluster");
  const provider = new AwsProvider(stack, "aws", { region: providerRegion });
  const site = new EksSite(stack, "site", { provider, siteName: "aws", region: "us-west-2", ...props });
  return { app, stack, site };
}

/** `<type>.<logical id>` of every resource of the type, as depends_on lists them. */
function addresses(json: Json, type: string): string[] {
  return Object.keys(blocksOf(json, type)).map((key) => `${type}.${key}`);
}

describe("EksSite", () => {
  const { stack, site } = eksStack({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"] });
  const json = synthJson(stack);

  test("the cluster stack needs only the aws provider and no data source", () => {
    expect(Object.keys(json.terraform.required_providers)).toEqual(["aws"]);
    expect(json.data).toBeUndefined();
  });

  test("site facts", () => {
    expect(site.cloud).toBe("aws");
    expect(site.region).toBe("us-west-2");
    expect(site.zones).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
    expect(site.clusterName).toBe("crdb-aws");
    expect(site.storageClassName).toBe("gp3");
    expect(site.loadBalancerAnnotations).toEqual({ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" });
    expect(site.networkCidrs).toEqual({ vpcCidr: "10.10.0.0/16", serviceCidr: "172.20.0.0/16" });
    expect(site.egressCidrs).toHaveLength(3);
    for (const cidr of site.egressCidrs) expect(cidr).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}\/32$/);
  });

  test("VPC over three zones: tagged public and private subnets, NAT per zone, routes", () => {
    const vpc = single(json, "aws_vpc");
    expect(vpc).toMatchObject({ cidr_block: "10.10.0.0/16", enable_dns_support: true, enable_dns_hostnames: true });
    const subnets = Object.values(blocksOf(json, "aws_subnet"));
    const publicSubnets = subnets.filter((s: Json) => s.tags["kubernetes.io/role/elb"] === "1");
    const privateSubnets = subnets.filter((s: Json) => s.tags["kubernetes.io/role/internal-elb"] === "1");
    expect(publicSubnets.map((s: Json) => [s.availability_zone, s.cidr_block])).toEqual([
      ["us-west-2a", "10.10.224.0/22"],
      ["us-west-2b", "10.10.228.0/22"],
      ["us-west-2c", "10.10.232.0/22"],
    ]);
    expect(privateSubnets.map((s: Json) => [s.availability_zone, s.cidr_block])).toEqual([
      ["us-west-2a", "10.10.0.0/19"],
      ["us-west-2b", "10.10.32.0/19"],
      ["us-west-2c", "10.10.64.0/19"],
    ]);
    for (const s of subnets) expect(s.tags["kubernetes.io/cluster/crdb-aws"]).toBe("shared");

    const eips = Object.values(blocksOf(json, "aws_eip"));
    expect(eips).toHaveLength(3);
    for (const eip of eips) expect(eip.domain).toBe("vpc");
    const nats = Object.values(blocksOf(json, "aws_nat_gateway"));
    expect(nats).toHaveLength(3);
    expect(nats.map((n: Json) => n.subnet_id).sort()).toEqual(
      Object.keys(blocksOf(json, "aws_subnet"))
        .filter((key) => key.includes("public"))
        .map((key) => `\${aws_subnet.${key}.id}`)
        .sort(),
    );
    const routes = Object.values(blocksOf(json, "aws_route"));
    expect(routes.filter((r: Json) => r.gateway_id === `\${aws_internet_gateway.${Object.keys(blocksOf(json, "aws_internet_gateway"))[0]}.id}`)).toHaveLength(1);
    expect(routes.filter((r: Json) => r.nat_gateway_id)).toHaveLength(3);
    for (const r of routes) expect(r.destination_cidr_block).toBe("0.0.0.0/0");
    expect(Object.keys(blocksOf(json, "aws_route_table"))).toHaveLength(4);
    expect(Object.keys(blocksOf(json, "aws_route_table_association"))).toHaveLength(6);
  });

  test("IAM roles with their managed policies", () => {
    const roles = blocksOf(json, "aws_iam_role");
    const trust = Object.fromEntries(
      Object.values(roles).map((r: Json) => [r.name, JSON.parse(r.assume_role_policy).Statement[0]]),
    );
    expect(Object.keys(trust).sort()).toEqual(["crdb-aws-us-west-2-cluster", "crdb-aws-us-west-2-ebs-csi", "crdb-aws-us-west-2-node"]);
    expect(trust["crdb-aws-us-west-2-cluster"].Principal.Service).toBe("eks.amazonaws.com");
    expect(trust["crdb-aws-us-west-2-node"].Principal.Service).toBe("ec2.amazonaws.com");
    expect(trust["crdb-aws-us-west-2-ebs-csi"]).toEqual({
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    });
    const policies = Object.values(blocksOf(json, "aws_iam_role_policy_attachment")).map((a: Json) => a.policy_arn).sort();
    expect(policies).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    ]);
  });

  test("cluster: API auth mode, STANDARD upgrade policy, public + private endpoint, service CIDR", () => {
    const cluster = single(json, "aws_eks_cluster");
    expect(cluster).toMatchObject({
      name: "crdb-aws",
      version: "1.34",
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: true },
      upgrade_policy: { support_type: "STANDARD" },
      kubernetes_network_config: { ip_family: "ipv4", service_ipv4_cidr: "172.20.0.0/16" },
      vpc_config: { endpoint_public_access: true, endpoint_private_access: true },
    });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    expect(cluster.vpc_config.subnet_ids).toHaveLength(3);
    for (const id of cluster.vpc_config.subnet_ids) expect(id).toMatch(/aws_subnet\.site_private-us-west-2[abc]_/);
    expect(cluster.depends_on).toEqual([
      ...addresses(json, "aws_iam_role_policy_attachment").filter((a) => a.includes("AmazonEKSClusterPolicy")),
      ...addresses(json, "aws_cloudwatch_log_group"),
    ]);
  });

  test("Secrets are envelope-encrypted with a rotating customer key the account administers and the cluster role uses", () => {
    const [keyId] = Object.keys(blocksOf(json, "aws_kms_key"));
    const key = single(json, "aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    const [clusterRoleKey] = Object.entries(blocksOf(json, "aws_iam_role")).find(([, role]: [string, Json]) => role.name.endsWith("-cluster"))!;
    const roleArn = `\${aws_iam_role.${clusterRoleKey}.arn}`;
    // Quotes inside a Terraform interpolation are Terraform's, not the policy's: escape them to read the JSON.
    const policy = JSON.parse(key.policy.replace(/\$\{[^}]*\}/g, (expression: string) => expression.replace(/"/g, '\\"')));
    expect(policy.Statement).toEqual([
      {
        Sid: "AccountAdministersThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::\${element(split(":", aws_iam_role.${clusterRoleKey}.arn), 4)}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "ClusterRoleEncryptsSecrets",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: "*",
      },
    ]);
    expect(single(json, "aws_eks_cluster").encryption_config).toEqual({
      resources: ["secrets"],
      provider: { key_arn: `\${aws_kms_key.${keyId}.arn}` },
    });
    expect(site.secretsKey).toBeDefined();
  });

  test("api, audit and authenticator logs go to a log group Terraform owns, created before the cluster", () => {
    const [groupAddress] = addresses(json, "aws_cloudwatch_log_group");
    expect(single(json, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/eks/crdb-aws/cluster", retention_in_days: 90 });
    const cluster = single(json, "aws_eks_cluster");
    expect(cluster.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
    expect(cluster.depends_on).toContain(groupAddress);
  });

  test("access entries give the admin principals cluster-admin", () => {
    const entry = single(json, "aws_eks_access_entry");
    expect(entry).toMatchObject({ principal_arn: "arn:aws:iam::123456789012:role/platform-admin", type: "STANDARD" });
    const association = single(json, "aws_eks_access_policy_association");
    expect(association).toMatchObject({
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
    });
    expect(association.principal_arn).toMatch(/aws_eks_access_entry\..*\.principal_arn/);
  });

  test("managed node group over the private subnets of all zones, after NAT routes", () => {
    const group = single(json, "aws_eks_node_group");
    expect(group.lifecycle).toBeUndefined();
    const [clusterKey] = Object.keys(blocksOf(json, "aws_eks_cluster"));
    expect(group).toMatchObject({
      // Upgrades follow the control plane's version.
      version: `\${aws_eks_cluster.${clusterKey}.version}`,
      // Never create_before_destroy: Terraform would force it onto the cluster, subnets and NATs.
      node_group_name: "crdb",
      instance_types: ["m6i.2xlarge"],
      ami_type: "AL2023_x86_64_STANDARD",
      disk_size: 100,
      scaling_config: { desired_size: 3, min_size: 3, max_size: 3 },
      update_config: { max_unavailable: 1 },
    });
    expect(group.subnet_ids).toEqual(single(json, "aws_eks_cluster").vpc_config.subnet_ids);
    expect(group.depends_on).toEqual(expect.arrayContaining([...addresses(json, "aws_route").filter((a) => a.includes("private")), ...addresses(json, "aws_route_table_association").filter((a) => a.includes("private"))]));
  });

  test("EBS CSI driver through EKS Pod Identity, both add-ons after the node group", () => {
    const addons = blocksOf(json, "aws_eks_addon");
    const [agentKey] = Object.keys(addons).filter((k) => addons[k].addon_name === "eks-pod-identity-agent");
    const [ebsKey] = Object.keys(addons).filter((k) => addons[k].addon_name === "aws-ebs-csi-driver");
    const [nodeGroup] = addresses(json, "aws_eks_node_group");
    const [association] = addresses(json, "aws_eks_pod_identity_association");
    expect(addons[agentKey].depends_on).toEqual([nodeGroup]);
    expect(addons[ebsKey].depends_on).toEqual([nodeGroup, `aws_eks_addon.${agentKey}`, association]);
    const identity = single(json, "aws_eks_pod_identity_association");
    expect(identity).toMatchObject({ namespace: "kube-system", service_account: "ebs-csi-controller-sa" });
    const ebsRole = Object.keys(blocksOf(json, "aws_iam_role")).find((k) => k.includes("ebs-csi"));
    expect(identity.role_arn).toBe(`\${aws_iam_role.${ebsRole}.arn}`);
    expect(Object.keys(blocksOf(json, "aws_iam_openid_connect_provider"))).toHaveLength(0);
  });

  test("resource inventory", () => {
    expect(typesOf(json)).toEqual([
      "aws_cloudwatch_log_group",
      "aws_eip",
      "aws_eks_access_entry",
      "aws_eks_access_policy_association",
      "aws_eks_addon",
      "aws_eks_cluster",
      "aws_eks_node_group",
      "aws_eks_pod_identity_association",
      "aws_iam_role",
      "aws_iam_role_policy_attachment",
      "aws_internet_gateway",
      "aws_kms_key",
      "aws_nat_gateway",
      "aws_route",
      "aws_route_table",
      "aws_route_table_association",
      "aws_subnet",
      "aws_vpc",
    ]);
  });
});

describe("EksSite options", () => {
  test("custom sizes, zones, CIDRs, endpoint restriction and Graviton nodes", () => {
    const { stack, site } = eksStack({
      zones: ["us-west-2b", "us-west-2c", "us-west-2d"],
      machineType: "m7g.4xlarge",
      nodeCount: 6,
      diskSizeGb: 200,
      kubernetesVersion: "1.33",
      vpcCidr: "10.50.0.0/20",
      serviceCidr: "192.168.0.0/20",
      apiAccessCidrs: ["203.0.113.0/24"],
      bootstrapClusterCreatorAdminPermissions: false,
      clusterName: "db-west",
    });
    const json = synthJson(stack);
    expect(site.zones).toEqual(["us-west-2b", "us-west-2c", "us-west-2d"]);
    const cluster = single(json, "aws_eks_cluster");
    expect(cluster).toMatchObject({
      name: "db-west",
      version: "1.33",
      access_config: { bootstrap_cluster_creator_admin_permissions: false },
      kubernetes_network_config: { service_ipv4_cidr: "192.168.0.0/20" },
      vpc_config: { public_access_cidrs: ["203.0.113.0/24"] },
    });
    expect(single(json, "aws_eks_node_group")).toMatchObject({
      instance_types: ["m7g.4xlarge"],
      ami_type: "AL2023_ARM_64_STANDARD",
      disk_size: 200,
      scaling_config: { desired_size: 6, min_size: 6, max_size: 6 },
    });
    const cidrs = Object.values(blocksOf(json, "aws_subnet")).map((s: Json) => s.cidr_block).sort();
    expect(cidrs).toEqual(["10.50.0.0/23", "10.50.14.0/26", "10.50.14.128/26", "10.50.14.64/26", "10.50.2.0/23", "10.50.4.0/23"]);
    expect(Object.keys(blocksOf(json, "aws_eks_access_entry"))).toHaveLength(0);
  });

  test("opt-outs: no Secrets key, no control-plane logs and no log group", () => {
    const { stack, site } = eksStack({ secretsEncryption: false, controlPlaneLogTypes: [] });
    const json = synthJson(stack);
    expect(typesOf(json)).not.toContain("aws_kms_key");
    expect(typesOf(json)).not.toContain("aws_cloudwatch_log_group");
    const cluster = single(json, "aws_eks_cluster");
    expect(cluster.encryption_config).toBeUndefined();
    expect(cluster.enabled_cluster_log_types).toBeUndefined();
    expect(site.secretsKey).toBeUndefined();
    expect(site.controlPlaneLogGroup).toBeUndefined();
  });

  test("chosen log types and retention", () => {
    const { stack } = eksStack({ controlPlaneLogTypes: ["audit", "scheduler"], controlPlaneLogRetentionDays: 0 });
    const json = synthJson(stack);
    expect(single(json, "aws_eks_cluster").enabled_cluster_log_types).toEqual(["audit", "scheduler"]);
    expect(single(json, "aws_cloudwatch_log_group").retention_in_days).toBe(0);
  });

  test("ap-northeast-1 defaults to the zones every account has", () => {
    const { site } = eksStack({ region: "ap-northeast-1" }, "ap-northeast-1");
    expect(site.zones).toEqual(["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]);
  });

  test("GovCloud and China ARNs use their partition", () => {
    expect(awsPartition("us-gov-west-1")).toBe("aws-us-gov");
    expect(awsPartition("cn-northwest-1")).toBe("aws-cn");
    expect(awsPartition("eu-west-1")).toBe("aws");
    const { stack } = eksStack({ region: "us-gov-west-1" }, "us-gov-west-1");
    const json = synthJson(stack);
    for (const a of Object.values(blocksOf(json, "aws_iam_role_policy_attachment"))) {
      expect(a.policy_arn).toMatch(/^arn:aws-us-gov:iam::aws:policy\//);
    }
  });

  test("Graviton detection", () => {
    for (const arm of ["m7g.large", "c6gn.xlarge", "r8gd.2xlarge", "t4g.micro", "im4gn.large"]) expect(isGraviton(arm)).toBe(true);
    for (const x86 of ["m6i.2xlarge", "g5.xlarge", "c7a.large", "u-6tb1.metal"]) expect(isGraviton(x86)).toBe(false);
  });
});

describe("EksSite bad input", () => {
  type Case = [name: string, props: Partial<EksSiteProps>, message: string, providerRegion?: string];
  const cases: Case[] = [
    ["provider region differs", {}, 'region: invalid value "us-west-2". The AwsProvider passed as provider is set to region "eu-west-1"', "eu-west-1"],
    ["malformed region", { region: "us-west" }, 'region: invalid value "us-west". Use an AWS region name such as "us-west-2".'],
    ["GCP region on AWS", { region: "us-central1" }, 'region: invalid value "us-central1"'],
    ["zone of another region", { zones: ["us-west-2a", "us-west-2b", "us-east-1a"] }, 'zones[2]: invalid value "us-east-1a". Use a zone of region "us-west-2": "us-west-2a".'],
    ["two zones", { zones: ["us-west-2a", "us-west-2b"] }, 'zones: invalid value ["us-west-2a","us-west-2b"]. Give 3 to 6 distinct zones'],
    [
      "seven zones",
      { region: "us-east-1", zones: ["a", "b", "c", "d", "e", "f", "g"].map((letter) => `us-east-1${letter}`) },
      'zones: invalid value ["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f","us-east-1g"]. Give 3 to 6 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.',
    ],
    ["repeated zone", { zones: ["us-west-2a", "us-west-2a", "us-west-2b"] }, "zones: invalid value [\"us-west-2a\",\"us-west-2a\",\"us-west-2b\"]. List each zone once."],
    ["node count 0", { nodeCount: 0 }, "nodeCount: invalid value 0. Use a whole number >= 1."],
    ["GCP machine type", { machineType: "n2-standard-8" }, 'machineType: invalid value "n2-standard-8". Use an AWS machine type such as "m6i.2xlarge".'],
    ["patch version", { kubernetesVersion: "1.34.2" }, 'kubernetesVersion: invalid value "1.34.2". Use a Kubernetes version such as "1.34" (EKS takes major.minor only).'],
    ["VPC too small", { vpcCidr: "10.10.0.0/24" }, 'vpcCidr: invalid value "10.10.0.0/24". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.'],
    ["VPC too big", { vpcCidr: "10.0.0.0/12" }, 'vpcCidr: invalid value "10.0.0.0/12". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.'],
    ["service CIDR public", { serviceCidr: "100.64.0.0/16" }, 'serviceCidr: invalid value "100.64.0.0/16". EKS needs a private range inside 10.0.0.0/8'],
    ["service CIDR overlaps VPC", { serviceCidr: "10.10.128.0/20" }, 'serviceCidr: invalid value "10.10.128.0/20". It overlaps vpcCidr (10.10.0.0/16)'],
    ["malformed CIDR", { vpcCidr: "10.10.0.0" }, 'vpcCidr: invalid value "10.10.0.0". Use an IPv4 CIDR block'],
    ["session ARN", { adminPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/admin/me"] }, 'adminPrincipalArns[0]: invalid value "arn:aws:sts::123456789012:assumed-role/admin/me". Use an IAM role or user ARN'],
    [
      "admin principal twice",
      { adminPrincipalArns: ["arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:role/admin"] },
      'adminPrincipalArns: invalid value ["arn:aws:iam::123456789012:role/admin","arn:aws:iam::123456789012:role/admin"]. List each ARN once: EKS allows one access entry per principal.',
    ],
    ["service CIDR too small", { serviceCidr: "172.20.0.0/25" }, 'serviceCidr: invalid value "172.20.0.0/25". Use a /12 to /24 block: EKS accepts only that range of sizes.'],
    ["profile without exec", { awsCliProfile: "prod" }, 'awsCliProfile: invalid value "prod". It is used only with authentication "exec"'],
    ["bad cluster name", { clusterName: "1st" }, 'clusterName: invalid value "1st". Use 1-40 lower-case letters'],
    ["bad site name", { siteName: "AWS" }, 'siteName: invalid value "AWS". Use an RFC 1123 label'],
    [
      "site name too long for the default cluster name",
      { siteName: "aws-us-west-2-production-primary-01x" },
      'siteName: invalid value "aws-us-west-2-production-primary-01x". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.',
    ],
    ["empty API CIDR list", { apiAccessCidrs: [] }, "apiAccessCidrs: invalid value []. Give at least one CIDR block"],
    ["tiny disk", { diskSizeGb: 10 }, "diskSizeGb: invalid value 10. Use a whole number between 30 and 2048."],
    [
      "unknown log type",
      { controlPlaneLogTypes: ["audit", "Authenticator" as never] },
      'controlPlaneLogTypes[1]: invalid value "Authenticator". Use one of api, audit, authenticator, controllerManager, scheduler (case matters).',
    ],
    ["log type twice", { controlPlaneLogTypes: ["audit", "audit"] }, 'controlPlaneLogTypes: invalid value ["audit","audit"]. List each log type once.'],
    ["retention CloudWatch refuses", { controlPlaneLogRetentionDays: 100 }, "controlPlaneLogRetentionDays: invalid value 100. CloudWatch Logs keeps logs for one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120,"],
    [
      "retention without logs",
      { controlPlaneLogTypes: [], controlPlaneLogRetentionDays: 30 },
      "controlPlaneLogRetentionDays: invalid value 30. No control-plane logs are sent (controlPlaneLogTypes is empty); drop the retention or list log types.",
    ],
  ];
  // A rest parameter keeps jest from taking a 4th parameter for a `done` callback.
  test.each(cases)("%s", (...[, props, message, providerRegion]: Case) => {
    expect(() => eksStack(props, providerRegion ?? props.region ?? "us-west-2")).toThrow(message);
  });

  test("us-west-1 has no three default zones", () => {
    expect(() => eksStack({ region: "us-west-1" }, "us-west-1")).toThrow(
      'zones: invalid value undefined. There is no default for region "us-west-1": us-west-1 offers most accounts only two Availability Zones.',
    );
  });
});

describe("EksSite.connect and ensureStorageClass (cross-stack)", () => {
  function twoStacks(props: Partial<EksSiteProps> = {}) {
    const { app, stack, site } = eksStack(props);
    const platform = new TerraformStack(app, "aws-platform");
    return { app, cluster: stack, platform, site };
  }

  test("token auth: aws_eks_cluster_auth in the consuming stack, endpoint and CA by remote state", () => {
    const { app, cluster, platform, site } = twoStacks();
    const aws = new AwsProvider(platform, "aws", { region: "us-west-2", alias: "west" });
    const providers = site.connect(platform, "aws-k8s", { cloudProvider: aws, alias: "aws" });
    expect(providers.helm.terraformResourceType).toBe("helm");
    const storageClass = site.ensureStorageClass(platform, "gp3", providers.kubernetes);
    // Cross-stack references become outputs + remote state when the app synthesizes.
    app.synth();
    const json = synthJson(platform);

    const auth = single(json, "aws_eks_cluster_auth", "data");
    expect(auth.provider).toBe("aws.west");
    expect(auth.name).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-aws-cluster\.outputs\.cross-stack-output-aws_eks_cluster.*name\}$/);
    const [authKey] = Object.keys(blocksOf(json, "aws_eks_cluster_auth", "data"));

    const [kubernetes] = json.provider.kubernetes;
    expect(kubernetes.alias).toBe("aws");
    expect(kubernetes.host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-aws-cluster\.outputs\..*endpoint\}$/);
    expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\..*certificate_authority0data\)\}$/);
    expect(kubernetes.token).toBe(`\${data.aws_eks_cluster_auth.${authKey}.token}`);
    expect(kubernetes.exec).toBeUndefined();

    // helm 3.x: `kubernetes` is an object attribute, not a list of blocks.
    const [helm] = json.provider.helm;
    expect(helm.alias).toBe("aws");
    expect(helm.kubernetes).toEqual({
      host: kubernetes.host,
      cluster_ca_certificate: kubernetes.cluster_ca_certificate,
      token: kubernetes.token,
    });

    expect(storageClass).toBe("gp3");
    expect(single(json, "kubernetes_storage_class_v1")).toEqual({
      provider: "kubernetes.aws",
      metadata: { name: "gp3" },
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
      reclaim_policy: "Delete",
      volume_binding_mode: "WaitForFirstConsumer",
      allow_volume_expansion: true,
    });

    // The cluster stack exports what the consumer reads, as sensitive outputs.
    const outputs = synthJson(cluster).output;
    const values = Object.values(outputs).map((o: Json) => [o.value, o.sensitive]);
    expect(values).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/aws_eks_cluster\..*\.endpoint/), true],
        [expect.stringMatching(/aws_eks_cluster\..*\.certificate_authority\[0\]\.data/), true],
        [expect.stringMatching(/aws_eks_cluster\..*\.name/), true],
      ]),
    );
  });

  test("exec auth: aws eks get-token, no data source, no aws provider needed", () => {
    const { app, platform, site } = twoStacks({ authentication: "exec", awsCliProfile: "prod" });
    void site.connect(platform, "aws-k8s").helm;
    app.synth();
    const json = synthJson(platform);
    expect(json.data?.aws_eks_cluster_auth).toBeUndefined();
    const [kubernetes] = json.provider.kubernetes;
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", expect.stringMatching(/remote_state.*name\}$/), "--region", "us-west-2", "--output", "json", "--profile", "prod"],
    };
    expect(kubernetes.exec).toEqual([exec]);
    expect(kubernetes.token).toBeUndefined();
    const [helm] = json.provider.helm;
    expect(helm.kubernetes.exec).toEqual(exec);
    expect(Object.keys(json.terraform.required_providers).sort()).toEqual(["helm", "kubernetes"]);
  });

  test("token auth without the consuming stack's aws provider fails at synth", () => {
    const { app, platform, site } = twoStacks();
    expect(() => site.connect(platform, "k8s")).toThrow(
      'connect(aws).cloudProvider: invalid value undefined. Pass the consuming stack\'s aws provider: aws_eks_cluster_auth signs the cluster token with it.',
    );
    const google = new GoogleProvider(new TerraformStack(app, "other"), "google", {});
    expect(() => site.connect(platform, "k8s2", { cloudProvider: google })).toThrow('connect(aws).cloudProvider: invalid value "google"');
  });
});
