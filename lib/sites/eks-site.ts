import { Fn, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { fail } from "../core/validation";
import { CloudSiteProps, ConnectOptions, KubernetesSite, SiteProviders } from "./kubernetes-site";
import { EksAuthentication, checkAdminPrincipalArns, checkEksNetwork, cidrSubnet, isLiteral, resolveCloudSiteInputs, warnIfApiOpen } from "./site-inputs";
import { ClusterCredentials, createSiteProviders, requireCloudProvider } from "./site-providers";
import { EksControlPlaneLogType, checkEksControlPlaneLogs } from "./control-plane";

export interface EksSiteProps extends CloudSiteProps {
  /** The cluster stack's AWS provider; its region must be `region`. */
  readonly provider: AwsProvider;
  /**
   * The VPC's address range, /16 to /20. Each zone gets a private subnet of 1/8 of it for
   * nodes AND pods (the VPC CNI gives pods VPC addresses) and a small public subnet for
   * load balancers and NAT.
   * @default "10.10.0.0/16"
   */
  readonly vpcCidr?: string;
  /**
   * Kubernetes Service address range: private (RFC 1918), /12 to /24, outside the VPC.
   * @default "172.20.0.0/16"
   */
  readonly serviceCidr?: string;
  /**
   * IAM role or user ARNs given cluster-admin through EKS access entries, each once. Do not list the
   * identity that creates the cluster while `bootstrapClusterCreatorAdminPermissions` is
   * true: EKS already made an entry for it and a second one fails.
   * @default []
   */
  readonly adminPrincipalArns?: readonly string[];
  /**
   * Whether the identity that creates the cluster becomes cluster-admin. Changing it
   * replaces the cluster.
   * @default true
   */
  readonly bootstrapClusterCreatorAdminPermissions?: boolean;
  /**
   * How consuming stacks authenticate: "token" uses the aws_eks_cluster_auth data source
   * (works anywhere Terraform runs, e.g. HCP Terraform; the token lives 15 minutes),
   * "exec" runs `aws eks get-token` (needs the AWS CLI where Terraform runs; never expires).
   * @default "token"
   */
  readonly authentication?: EksAuthentication;
  /**
   * AWS CLI profile for "exec" authentication.
   * @default the CLI's default credential chain
   */
  readonly awsCliProfile?: string;
  /**
   * Envelope-encrypt Kubernetes Secrets with a customer-managed KMS key created here (yearly
   * rotation; administered through the account's IAM, used by the cluster role), so the key
   * policy and CloudTrail decide and record who can decrypt them. EKS cannot turn it off
   * once on: setting false later replaces the cluster.
   * @default true
   */
  readonly secretsEncryption?: boolean;
  /**
   * Control-plane logs sent to CloudWatch Logs (`/aws/eks/<cluster>/cluster`, a log group
   * this construct owns). Empty: none, and no log group.
   * @default ["api", "audit", "authenticator"]
   */
  readonly controlPlaneLogTypes?: readonly EksControlPlaneLogType[];
  /**
   * Days CloudWatch keeps the control-plane logs; one of the values CloudWatch accepts
   * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...; 0 keeps them forever).
   * @default 90
   */
  readonly controlPlaneLogRetentionDays?: number;
}

const SERVICE_ACCOUNT_EBS_CSI = "ebs-csi-controller-sa";

/**
 * An EKS cluster ready for CockroachDB: a VPC over the zones (public subnets for load
 * balancers, private subnets with one NAT gateway per zone for nodes), access entries
 * instead of the aws-auth ConfigMap, one managed node group over the zones and the EBS CSI
 * driver with its own IAM role through EKS Pod Identity. Needs only the aws provider and no
 * data source, so the stack plans offline.
 */
export class EksSite extends Construct implements KubernetesSite {
  readonly siteName: string;
  readonly cloud = "aws" as const;
  readonly region: string;
  readonly zones: readonly string[];
  readonly clusterName: string;
  readonly storageClassName = "gp3";
  readonly egressCidrs: readonly string[];
  readonly loadBalancerAnnotations: Readonly<Record<string, string>> = {
    // Without it the in-tree AWS cloud provider creates a Classic ELB.
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
  };
  /** The site's address ranges by prop name, for checks across sites. */
  readonly networkCidrs: Readonly<Record<string, string>>;
  readonly cluster: EksCluster;
  readonly nodeGroup: EksNodeGroup;
  readonly vpc: Vpc;
  /** The key that envelope-encrypts Kubernetes Secrets; undefined with secretsEncryption false. */
  readonly secretsKey?: KmsKey;
  /** The control-plane log group; undefined without log types. */
  readonly controlPlaneLogGroup?: CloudwatchLogGroup;
  /** How consuming stacks authenticate (see EksSiteProps.authentication). */
  readonly authentication: EksAuthentication;
  readonly credentialLifetimeMinutes?: number;
  private readonly awsCliProfile?: string;

  constructor(scope: Construct, id: string, props: EksSiteProps) {
    super(scope, id);
    const inputs = resolveCloudSiteInputs("aws", props);
    warnIfApiOpen(this, inputs.siteName, inputs.apiAccessCidrs);
    const { region, zones, clusterName } = inputs;
    const providerRegion = props.provider.region;
    if (isLiteral(providerRegion) && providerRegion !== region) {
      fail("region", region, `The AwsProvider passed as provider is set to region ${JSON.stringify(providerRegion)}; use the same region for both.`);
    }
    const { vpcCidr, serviceCidr } = checkEksNetwork({
      vpcCidr: props.vpcCidr ?? "10.10.0.0/16",
      serviceCidr: props.serviceCidr ?? "172.20.0.0/16",
    });
    const adminPrincipalArns = checkAdminPrincipalArns("adminPrincipalArns", props.adminPrincipalArns ?? []);
    if (props.awsCliProfile !== undefined && props.authentication !== "exec") {
      fail("awsCliProfile", props.awsCliProfile, 'It is used only with authentication "exec"; set that too or drop the profile.');
    }
    const { types: logTypes, retentionDays: logRetentionDays } = checkEksControlPlaneLogs(props.controlPlaneLogTypes, props.controlPlaneLogRetentionDays);

    this.siteName = inputs.siteName;
    this.region = region;
    this.zones = zones;
    this.clusterName = clusterName;
    this.authentication = props.authentication ?? "token";
    // aws_eks_cluster_auth's token is a presigned STS request that EKS honours for 15 minutes.
    this.credentialLifetimeMinutes = this.authentication === "token" ? 15 : undefined;
    this.awsCliProfile = props.awsCliProfile;
    this.networkCidrs = { vpcCidr, serviceCidr };
    const provider = props.provider;
    const partition = awsPartition(region);
    const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: "shared" };
    const name = (suffix: string) => ({ Name: `${clusterName}-${suffix}` });

    // Network: public subnets take load balancers and NAT; nodes live in private subnets.
    this.vpc = new Vpc(this, "vpc", {
      provider,
      cidrBlock: vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name("vpc"),
    });
    const igw = new InternetGateway(this, "igw", { provider, vpcId: this.vpc.id, tags: name("igw") });
    const publicRoutes = new RouteTable(this, "public-rt", { provider, vpcId: this.vpc.id, tags: name("public") });
    const internetRoute = new Route(this, "public-default", {
      provider,
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    const privateSubnets: Subnet[] = [];
    const egressReady: ITerraformDependable[] = [];
    const eips: Eip[] = [];
    zones.forEach((zone, i) => {
      const publicSubnet = new Subnet(this, `public-${zone}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrSubnet("vpcCidr", vpcCidr, 6, 56 + i),
        tags: { ...name(`public-${zone}`), ...clusterTag, "kubernetes.io/role/elb": "1" },
      });
      new RouteTableAssociation(this, `public-${zone}-rta`, { provider, subnetId: publicSubnet.id, routeTableId: publicRoutes.id });
      const eip = new Eip(this, `nat-${zone}-eip`, { provider, domain: "vpc", tags: name(`nat-${zone}`) });
      eips.push(eip);
      const nat = new NatGateway(this, `nat-${zone}`, {
        provider,
        allocationId: eip.id,
        subnetId: publicSubnet.id,
        tags: name(`nat-${zone}`),
        dependsOn: [igw, internetRoute],
      });
      const privateSubnet = new Subnet(this, `private-${zone}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrSubnet("vpcCidr", vpcCidr, 3, i),
        tags: { ...name(`private-${zone}`), ...clusterTag, "kubernetes.io/role/internal-elb": "1" },
      });
      privateSubnets.push(privateSubnet);
      const privateRoutes = new RouteTable(this, `private-${zone}-rt`, { provider, vpcId: this.vpc.id, tags: name(`private-${zone}`) });
      const natRoute = new Route(this, `private-${zone}-default`, {
        provider,
        routeTableId: privateRoutes.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      });
      const association = new RouteTableAssociation(this, `private-${zone}-rta`, {
        provider,
        subnetId: privateSubnet.id,
        routeTableId: privateRoutes.id,
      });
      egressReady.push(natRoute, association);
    });
    this.egressCidrs = eips.map((eip) => `${eip.publicIp}/32`);

    // IAM. Role names carry the region because IAM is global and cluster names are not.
    const managedPolicy = (policy: string) => `arn:${partition}:iam::aws:policy/${policy}`;
    const role = (roleId: string, service: string, policies: string[], actions: string[] = ["sts:AssumeRole"]) => {
      const iamRole = new IamRole(this, `${roleId}-role`, {
        provider,
        name: `${clusterName}-${region}-${roleId}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
        }),
      });
      const attachments = policies.map(
        (policy) =>
          new IamRolePolicyAttachment(this, `${roleId}-${policy}`, { provider, role: iamRole.name, policyArn: managedPolicy(policy) }),
      );
      return { iamRole, attachments };
    };
    const clusterRole = role("cluster", "eks.amazonaws.com", ["AmazonEKSClusterPolicy"]);
    const nodeRole = role("node", "ec2.amazonaws.com", [
      "AmazonEKSWorkerNodePolicy",
      "AmazonEKS_CNI_Policy",
      "AmazonEC2ContainerRegistryReadOnly",
    ]);
    // EKS Pod Identity needs sts:TagSession as well; unlike IRSA it needs no OIDC provider
    // (whose thumbprint would need a tls data source in this stack).
    const ebsCsiRole = role("ebs-csi", "pods.eks.amazonaws.com", ["service-role/AmazonEBSCSIDriverPolicy"], [
      "sts:AssumeRole",
      "sts:TagSession",
    ]);

    if (props.secretsEncryption ?? true) {
      // The account is read from the role's ARN: a data source would keep the stack from planning offline.
      const accountId = Fn.element(Fn.split(":", clusterRole.iamRole.arn), 4);
      this.secretsKey = new KmsKey(this, "secrets-key", {
        provider,
        description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${clusterName} (${region})`,
        enableKeyRotation: true,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              // Administration goes through the account's IAM policies (AWS's default key policy);
              // without it nobody could change or delete the key.
              Sid: "AccountAdministersThroughIam",
              Effect: "Allow",
              Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "ClusterRoleEncryptsSecrets",
              Effect: "Allow",
              Principal: { AWS: clusterRole.iamRole.arn },
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
              Resource: "*",
            },
          ],
        }),
        tags: name("secrets"),
      });
    }
    if (logTypes.length > 0) {
      // Created before the cluster, or EKS creates it itself with no retention and outside the state.
      this.controlPlaneLogGroup = new CloudwatchLogGroup(this, "control-plane-logs", {
        provider,
        name: `/aws/eks/${clusterName}/cluster`,
        retentionInDays: logRetentionDays,
        tags: name("control-plane-logs"),
      });
    }

    this.cluster = new EksCluster(this, "cluster", {
      provider,
      name: clusterName,
      version: inputs.kubernetesVersion ?? "1.34",
      roleArn: clusterRole.iamRole.arn,
      accessConfig: {
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdminPermissions ?? true,
      },
      // STANDARD is the API default too, but EXTENDED support is billed extra: say it.
      upgradePolicy: { supportType: "STANDARD" },
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: serviceCidr },
      vpcConfig: {
        subnetIds: privateSubnets.map((s) => s.id),
        // Terraform and the consuming stacks run outside the VPC; nodes use the private endpoint.
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: inputs.apiAccessCidrs,
      },
      encryptionConfig: this.secretsKey ? { resources: ["secrets"], provider: { keyArn: this.secretsKey.arn } } : undefined,
      enabledClusterLogTypes: logTypes.length > 0 ? logTypes : undefined,
      // The policy must outlive the cluster on destroy, or EKS cannot clean up its ENIs.
      dependsOn: [...clusterRole.attachments, ...(this.controlPlaneLogGroup ? [this.controlPlaneLogGroup] : [])],
    });

    adminPrincipalArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, {
        provider,
        clusterName: this.cluster.name,
        principalArn,
        type: "STANDARD",
      });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        provider,
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      });
    });

    // The managed add-on adopts the VPC CNI EKS installed (OVERWRITE) and starts its network
    // policy agent; before the nodes, so they never run a CNI that ignores NetworkPolicies.
    const vpcCni =
      (props.networkPolicyEnforcement ?? true)
        ? new EksAddon(this, "vpc-cni", {
            provider,
            clusterName: this.cluster.name,
            addonName: "vpc-cni",
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
          })
        : undefined;

    this.nodeGroup = new EksNodeGroup(this, "nodes", {
      provider,
      clusterName: this.cluster.name,
      // Without it a new control plane version would leave the nodes on the old one; EKS
      // upgrades the group in place, one node at a time (updateConfig).
      version: this.cluster.version,
      // Instance types, disk size and AMI type cannot change in place: Terraform replaces the
      // group, destroying every database node of the site first. No create_before_destroy:
      // Terraform would force it onto everything the group depends on, and replacing the
      // cluster or a subnet would then collide with the fixed names and CIDRs still in use.
      nodeGroupName: "crdb",
      nodeRoleArn: nodeRole.iamRole.arn,
      subnetIds: privateSubnets.map((s) => s.id),
      instanceTypes: [inputs.machineType],
      amiType: isGraviton(inputs.machineType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      diskSize: inputs.diskSizeGb,
      scalingConfig: { desiredSize: inputs.nodeCount, minSize: inputs.nodeCount, maxSize: inputs.nodeCount },
      // One node at a time, like the database's PodDisruptionBudget.
      updateConfig: { maxUnavailable: 1 },
      labels: { "cockroachdb.com/site": this.siteName },
      // Nodes in private subnets cannot join before their NAT route exists.
      dependsOn: [...nodeRole.attachments, ...egressReady, ...(vpcCni ? [vpcCni] : [])],
    });

    // Both add-ons run pods: created before the nodes they would sit DEGRADED and fail.
    const podIdentityAgent = new EksAddon(this, "pod-identity-agent", {
      provider,
      clusterName: this.cluster.name,
      addonName: "eks-pod-identity-agent",
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      dependsOn: [this.nodeGroup],
    });
    const ebsCsiIdentity = new EksPodIdentityAssociation(this, "ebs-csi-identity", {
      provider,
      clusterName: this.cluster.name,
      namespace: "kube-system",
      serviceAccount: SERVICE_ACCOUNT_EBS_CSI,
      roleArn: ebsCsiRole.iamRole.arn,
      dependsOn: ebsCsiRole.attachments,
    });
    new EksAddon(this, "ebs-csi", {
      provider,
      clusterName: this.cluster.name,
      addonName: "aws-ebs-csi-driver",
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      dependsOn: [this.nodeGroup, podIdentityAgent, ebsCsiIdentity],
    });
  }

  connect(scope: Construct, id: string, options: ConnectOptions = {}): SiteProviders {
    const connection = new Construct(scope, id);
    const base = {
      host: this.cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(this.cluster.certificateAuthority.get(0).data),
    };
    let credentials: ClusterCredentials;
    if (this.authentication === "exec") {
      const profile = this.awsCliProfile ? ["--profile", this.awsCliProfile] : [];
      credentials = {
        ...base,
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", this.cluster.name, "--region", this.region, "--output", "json", ...profile],
        },
      };
    } else {
      const aws = requireCloudProvider(options.cloudProvider, "aws", this.siteName, "aws_eks_cluster_auth signs the cluster token with it");
      const auth = new DataAwsEksClusterAuth(connection, "auth", { provider: aws, name: this.cluster.name });
      credentials = { ...base, token: auth.token };
    }
    return createSiteProviders(connection, credentials, options.alias);
  }

  ensureStorageClass(scope: Construct, id: string, kubernetes: KubernetesProvider): string {
    // EKS >= 1.30 has no default StorageClass; gp3 beats gp2 on price and baseline IOPS.
    new StorageClassV1(scope, id, {
      provider: kubernetes,
      metadata: { name: this.storageClassName },
      storageProvisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
      reclaimPolicy: "Delete",
      // Binds each volume in the zone its pod is scheduled to.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    return this.storageClassName;
  }
}

/** The ARN partition of a region. */
export function awsPartition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** Graviton (arm64) families carry a "g" right after the generation digit: m7g, c6gn, r8gd. */
export function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+g/.test(instanceType);
}
