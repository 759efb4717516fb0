import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  TopologyError,
  defaultTopology,
  loadTopology,
  parseTopology,
  type ExistingSite,
  type Topology,
} from "../../stacks/topology";
import { TerraformStack, Testing } from "cdktf";
import { DEFAULT_MACHINE_TYPES, resolveCloudSiteInputs } from "../../lib/sites/site-inputs";
import { ClusterStack, cloudSiteProps } from "../../stacks/cluster-stack";

const FIXTURES = path.join(__dirname, "fixtures");
const invalid = (name: string) => path.join(FIXTURES, "invalid", name);

/** Loads a topology that must be invalid and returns its problem lines. */
function problemsOf(load: () => Topology): string[] {
  try {
    load();
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    // The message carries every problem on its own line, as the user sees it.
    for (const problem of error.problems) expect(error.message).toContain(`\n  ${problem.message}`);
    return error.problems.map((p) => p.message);
  }
  throw new Error("expected a TopologyError");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Each invalid file with the exact problems it must produce (each string is the start of one
 * problem line, so field, value and fix are all pinned) and nothing else.
 */
const INVALID_FILES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["unknown-cloud.yaml", ['sites[0].cloud: invalid value "oracle". Use one of "aws", "gcp", "azure", "existing".']],
  ["duplicate-site-names.yaml", ['sites[2].name: invalid value "aws". sites[0] has the same name; site names must be unique.']],
  [
    "region-survival-two-sites.yaml",
    ['survivalGoal: invalid value "region". Surviving the loss of a site needs at least 3 sites (the 2 here'],
  ],
  [
    "region-survival-few-replicas.yaml",
    ['survivalGoal: invalid value "region". Surviving a site needs 5 replicas with at most 2 in any site, but the sites\' replicas hold only 4'],
  ],
  [
    "region-survival-same-region.yaml",
    ['sites[1].region: invalid value "us-east-1". sites[0] is in the same region, and CockroachDB treats one region as one failure domain'],
  ],
  ["region-of-another-cloud.yaml", ['sites[0].region: invalid value "us-east-1". Use a Google Cloud region name such as "us-central1".']],
  ["zone-outside-region.yaml", ['sites[0].zones[1]: invalid value "us-west-2b". Use a zone of region "us-east-1": "us-east-1a".']],
  [
    "cidrs-overlap-within-site.yaml",
    ['sites[0].network.podsCidr: invalid value "10.16.0.0/14". It overlaps network.subnetCidr (10.16.0.0/20); choose disjoint ranges.'],
  ],
  [
    "cidrs-overlap-across-sites.json",
    ['sites[2].network.vnetCidr: invalid value "10.0.0.0/16". It overlaps sites[0].network.vpcCidr (10.0.0.0/16) of another site'],
  ],
  [
    "azure-subnet-outside-vnet.yaml",
    ['sites[0].network.subnetCidr: invalid value "10.33.0.0/20". The node subnet must lie inside network.vnetCidr (10.32.0.0/16).'],
  ],
  ["machine-type-of-another-cloud.yaml", ['sites[0].nodes.machineType: invalid value "m6i.2xlarge". Use an Azure machine type such as "Standard_D8s_v5".']],
  ["bad-site-name.yaml", ['sites[0].name: invalid value "AWS_East". Use an RFC 1123 label']],
  [
    "statefulset-name-too-long.yaml",
    [
      'sites[0].name: invalid value "aws-us-east-1-production-primary-database-site01". The StatefulSet name "crdb-aws-us-east-1-production-primary-database-site01" (statefulSetPrefix + "-" + name) has 53 characters; at most 52',
      'sites[0].name: invalid value "aws-us-east-1-production-primary-database-site01". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.',
    ],
  ],
  ["zero-replicas.yaml", ["sites[0].replicas: invalid value 0. Use a whole number >= 1."]],
  ["replicas-exceed-nodes.yaml", ["sites[0].replicas: invalid value 4. Each CockroachDB pod is sized for a node of its own and the site has 3"]],
  ["gke-node-count-not-per-zone.yaml", ["sites[0].nodes.count: invalid value 4. GKE runs the same number of nodes in each zone; use a multiple of the 3 zones."]],
  ["bad-memory.yaml", ['cockroach.memory: invalid value "28GB". Use a positive Kubernetes memory quantity']],
  ["bad-cpu.json", ['cockroach.cpu: invalid value "seven". Use a positive Kubernetes CPU quantity']],
  ["cidr-host-bits.yaml", ['sites[0].network.vpcCidr: invalid value "10.0.0.1/16". The address has bits set past the /16 prefix']],
  ["unencrypted-s3.yaml", ["backend.encrypt: invalid value false. The state holds private keys: S3 state is always encrypted."]],
  [
    "misspelt-field.yaml",
    [
      "sites[0].region: invalid value undefined. This field is required: give a string.",
      'sites[0].regoin: invalid value "us-east-1". Unknown field; remove it or fix its spelling (allowed here: name, cloud, region, zones, replicas, monitoring, sqlClientPod, linkSourceCidrs, kubernetesVersion, nodes, network, apiAccessCidrs, linkAccess, networkPolicyEnforcement, allowUnknownRegion, allowUnsupportedKubernetesVersion, adminPrincipalArns, kubernetesAuth, secretsEncryption, controlPlaneLogTypes, controlPlaneLogRetentionDays, backup).',
    ],
  ],
  ["existing-without-context.yaml", ["sites[0].kubeconfig.context: invalid value undefined. Name the kubeconfig context of this cluster"]],
  ["existing-same-cluster-twice.yaml", ['sites[1].kubeconfig.context: invalid value "dc1". sites[0] uses the same kubeconfig and context']],
  ["existing-other-cluster-domain.yaml", ['sites[0].clusterDomain: invalid value "corp.internal". Every node advertises <pod>.<namespace>.svc.<clusterDomain>']],
  ["unquoted-kubernetes-version.yaml", ['sites[0].kubernetesVersion: invalid value 1.3. Quote the version ("1.33")']],
  ["latest-image.yaml", ['cockroach.image: invalid value "cockroachdb/cockroach:latest". Pin a release with a version tag or an @sha256 digest, e.g. \"cockroachdb/cockroach:v26.2.7\"; never \"latest\" or no tag']],
  [
    "two-aws-zones.yaml",
    ['sites[0].zones: invalid value ["us-east-1a","us-east-1b"]. Give 3 to 6 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.'],
  ],
  [
    "site-construct-rules.yaml",
    [
      'cockroach.cpu: invalid value "seven". Use a positive Kubernetes CPU quantity',
      'sites[0].name: invalid value "aws-us-east-1-production-primary-01x". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.',
      'sites[0].zones: invalid value ["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f","us-east-1g"]. Give 3 to 6 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.',
      'sites[0].network.vpcCidr: invalid value "10.0.0.0/24". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.',
      "sites[1].nodes.count: invalid value 4. GKE runs the same number of nodes in each zone; use a multiple of the 3 zones.",
    ],
  ],
  ["no-sites.yaml", ["sites: invalid value []. Give at least one site."]],
  [
    "bad-accounts.yaml",
    [
      'accounts.gcpProject: invalid value "My Project". Use a project ID (not the name or number) such as "my-project-123"',
      'accounts.azureSubscriptionId: invalid value "my-subscription". Use the subscription ID, a GUID',
    ],
  ],
  ["unknown-backend.yaml", ['backend.type: invalid value "consul". Use one of "local", "s3", "gcs", "azurerm", "cloud".']],
  ["not-a-mapping.yaml", ['topology: invalid value [{"name":"aws","cloud":"aws"}]. Use a mapping of fields.']],
  ["single-site-too-few-replicas.yaml", ['survivalGoal: invalid value "zone". Keeping 3 replicas needs at least 3 CockroachDB pods; the sites run 2.']],
];

describe("invalid topology files", () => {
  test("every fixture in fixtures/invalid is in the table", () => {
    expect(fs.readdirSync(path.join(FIXTURES, "invalid")).sort()).toEqual(
      [...INVALID_FILES.map(([file]) => file), "malformed.yaml"].sort(),
    );
  });

  test.each(INVALID_FILES)("%s", (file, expected) => {
    const problems = problemsOf(() => loadTopology(invalid(file)));
    expect(problems).toHaveLength(expected.length);
    for (const start of expected) {
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${escapeRegExp(start)}`))]));
    }
  });

  test("a file with many problems reports them all at once", () => {
    const problems = problemsOf(() => loadTopology(path.join(FIXTURES, "many-problems.yaml")));
    expect(problems.map((line) => line.slice(0, line.indexOf(": invalid value"))).sort()).toEqual(
      [
        "statefulSetPrefix", // schema: not an RFC 1123 label
        "cockroach.memory", // schema: not a quantity
        "sites[1].region", // schema: a zone given as a region
        "sites[1].nodes.disk", // schema: unknown field
        "sites[1].nodes.machineType", // schema: machine type of another cloud
        "backend.bucket", // schema: required
        "sites[0].zones[1]", // cross-field: zone of another region
        "sites[0].zones[2]", // cross-field: zone of another region, in the same list
        "sites[0].network.serviceCidr", // cross-field: the EKS site's own network rule
        "sites[4].zones", // cross-field: the region has no default zones
        "sites[2].name", // cross-site: duplicate name
        "sites[2].network.vnetCidr", // cross-site: overlaps sites[0]'s VPC
        "sites[3].clusterDomain", // cross-field: differs from the topology's
      ].sort(),
    );
  });

  test("file errors name the file and the fix", () => {
    expect(problemsOf(() => loadTopology(invalid("malformed.yaml")))).toEqual([
      expect.stringMatching(/^topology file: invalid value ".*malformed\.yaml"\. It is not valid YAML at line 3, column 1: /),
    ]);
    expect(problemsOf(() => loadTopology("/nonexistent/topology.yaml"))).toEqual([
      'topology file: invalid value "/nonexistent/topology.yaml". The file cannot be read (ENOENT); check the path.',
    ]);
    expect(problemsOf(() => loadTopology("topology.txt"))).toEqual([
      'topology file: invalid value "topology.txt". Name a .json, .yaml or .yml file.',
    ]);
  });

  test("a path from CRDB_TOPOLOGY is reported under that name", () => {
    const saved = process.env.CRDB_TOPOLOGY;
    process.env.CRDB_TOPOLOGY = "/nonexistent/t.json";
    try {
      expect(problemsOf(() => loadTopology())).toEqual([
        'CRDB_TOPOLOGY: invalid value "/nonexistent/t.json". The file cannot be read (ENOENT); check the path.',
      ]);
    } finally {
      if (saved === undefined) delete process.env.CRDB_TOPOLOGY;
      else process.env.CRDB_TOPOLOGY = saved;
    }
  });

  test("the error message starts with the source and the problem count", () => {
    expect(() => loadTopology(invalid("bad-accounts.yaml"))).toThrow(/^Invalid topology \(.*bad-accounts\.yaml\), 2 problems:\n {2}accounts\./);
  });

  test("sites past the 16 default network blocks must set their CIDRs", () => {
    const sites = Array.from({ length: 17 }, (_, i) => ({ name: `s${i}`, cloud: "azure", region: "eastus" }));
    expect(problemsOf(() => parseTopology({ survivalGoal: "zone", sites }, "inline"))).toEqual([
      "sites[16].network: invalid value undefined. Default CIDR blocks exist for the first 16 sites only; set every range of this site's network.",
    ]);
  });

  test("the S3 backend needs some lock", () => {
    const raw = {
      survivalGoal: "zone",
      sites: [{ name: "aws", cloud: "aws", region: "us-east-1" }],
      backend: { type: "s3", bucket: "state", region: "us-east-1", useLockfile: false },
    };
    expect(problemsOf(() => parseTopology(raw, "inline"))).toEqual([
      "backend.useLockfile: invalid value false. Without a lock two deploys can overwrite each other's state; keep useLockfile true or set dynamodbTable.",
    ]);
    const withTable = { ...raw, backend: { ...raw.backend, dynamodbTable: "locks" } };
    expect(parseTopology(withTable, "inline").backend).toMatchObject({ useLockfile: false, dynamodbTable: "locks" });
  });
});

/** Every other message, each from a one-site topology that is valid but for one field. */
const aws = { name: "aws", cloud: "aws", region: "us-east-1" };
const INLINE_CASES: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ["aws region", { sites: [{ ...aws, region: "eastus" }] }, 'sites[0].region: invalid value "eastus". Use an AWS region name such as "us-west-2".'],
  [
    "azure region",
    { sites: [{ name: "az", cloud: "azure", region: "East US" }] },
    'sites[0].region: invalid value "East US". Use an Azure region name such as "eastus2" (the short location name, not "East US 2").',
  ],
  ["aws machine", { sites: [{ ...aws, nodes: { machineType: "m6i-2xlarge" } }] }, 'sites[0].nodes.machineType: invalid value "m6i-2xlarge". Use an AWS machine type such as "m6i.2xlarge".'],
  [
    "gcp machine",
    { sites: [{ name: "g", cloud: "gcp", region: "us-east4", nodes: { machineType: "n2.standard" } }] },
    'sites[0].nodes.machineType: invalid value "n2.standard". Use a Google Cloud machine type such as "n2-standard-8".',
  ],
  ["disk size", { sites: [{ ...aws, nodes: { diskSizeGb: 20 } }] }, "sites[0].nodes.diskSizeGb: invalid value 20. Use a whole number between 30 and 2048."],
  ["disk too big", { sites: [{ ...aws, nodes: { diskSizeGb: 4096 } }] }, "sites[0].nodes.diskSizeGb: invalid value 4096. Use a whole number between 30 and 2048."],
  ["disk type", { sites: [{ ...aws, nodes: { diskSizeGb: "100" } }] }, 'sites[0].nodes.diskSizeGb: invalid value "100". Use a whole number of GiB.'],
  ["count type", { sites: [{ ...aws, nodes: { count: 2.5 } }] }, "sites[0].nodes.count: invalid value 2.5. Use a whole number."],
  [
    "version format",
    { sites: [{ ...aws, kubernetesVersion: "1.33.2" }] },
    'sites[0].kubernetesVersion: invalid value "1.33.2". Use a Kubernetes version such as "1.34" (EKS takes major.minor only).',
  ],
  ["version type", { sites: [{ ...aws, kubernetesVersion: true }] }, "sites[0].kubernetesVersion: invalid value true. Use a string."],
  ["empty zone", { sites: [{ ...aws, zones: ["us-east-1a", "us-east-1b", ""] }] }, 'sites[0].zones[2]: invalid value "". Use a zone of region "us-east-1": "us-east-1a".'],
  [
    "duplicate zone",
    { sites: [{ ...aws, zones: ["us-east-1a", "us-east-1b", "us-east-1a"] }] },
    'sites[0].zones: invalid value ["us-east-1a","us-east-1b","us-east-1a"]. List each zone once.',
  ],
  [
    "gcp zone",
    { sites: [{ name: "g", cloud: "gcp", region: "us-east4", zones: ["us-east4-a", "us-east4b", "us-east4-c"] }] },
    'sites[0].zones[1]: invalid value "us-east4b". Use a zone of region "us-east4": "us-east4-a".',
  ],
  ["azure zone", { sites: [{ name: "az", cloud: "azure", region: "eastus", zones: ["1", "2", "4"] }] }, 'sites[0].zones[2]: invalid value "4". Use a zone of region "eastus": "1", "2" or "3".'],
  [
    "no azure zones",
    { sites: [{ name: "az", cloud: "azure", region: "eastus", zones: [] }] },
    "sites[0].zones: invalid value []. Give at least 3 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.",
  ],
  [
    "region without default zones",
    { sites: [{ ...aws, region: "us-west-1" }] },
    'sites[0].zones: invalid value undefined. There is no default for region "us-west-1": us-west-1 offers most accounts only two Availability Zones. Pass at least 3 zones explicitly or choose another region.',
  ],
  [
    "existing zone",
    { sites: [{ name: "dc", cloud: "existing", region: "dc", zones: ["Rack 1"], kubeconfig: { context: "c" }, storageClassName: "ssd" }] },
    "sites[0].zones[0]: invalid value \"Rack 1\". Use an RFC 1123 label: 1-63 characters, lower-case letters, digits and '-', starting and ending with a letter or digit.",
  ],
  ["aws vpc size", { sites: [{ ...aws, network: { vpcCidr: "172.16.0.0/12" } }] }, 'sites[0].network.vpcCidr: invalid value "172.16.0.0/12". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.'],
  [
    "eks services inside the VPC",
    { sites: [{ ...aws, network: { vpcCidr: "10.0.0.0/16", serviceCidr: "10.0.128.0/20" } }] },
    'sites[0].network.serviceCidr: invalid value "10.0.128.0/20". It overlaps network.vpcCidr (10.0.0.0/16); choose disjoint ranges.',
  ],
  [
    "eks service range public",
    { sites: [{ ...aws, network: { serviceCidr: "100.64.0.0/16" } }] },
    'sites[0].network.serviceCidr: invalid value "100.64.0.0/16". EKS needs a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.',
  ],
  [
    "eks service range size",
    { sites: [{ ...aws, network: { serviceCidr: "10.8.0.0/25" } }] },
    'sites[0].network.serviceCidr: invalid value "10.8.0.0/25". Use a /12 to /24 block: EKS accepts only that range of sizes.',
  ],
  [
    "gke subnet size",
    { sites: [{ name: "g", cloud: "gcp", region: "us-east4", network: { subnetCidr: "10.0.0.0/30" } }] },
    'sites[0].network.subnetCidr: invalid value "10.0.0.0/30". Use a /29 or larger block: Google Cloud\'s smallest subnet range; it reserves 4 of its addresses.',
  ],
  [
    "gke pod range size",
    { sites: [{ name: "g", cloud: "gcp", region: "us-east4", network: { podsCidr: "10.4.0.0/25" } }] },
    'sites[0].network.podsCidr: invalid value "10.4.0.0/25". Use a /24 or larger block: GKE takes a /24 of it for each node (110 pods per node).',
  ],
  [
    "aks service range without room for the DNS address",
    { sites: [{ name: "az", cloud: "azure", region: "eastus", network: { serviceCidr: "10.8.0.0/29" } }] },
    'sites[0].network.serviceCidr: invalid value "10.8.0.0/29". It is too small to hold address number 10.',
  ],
  [
    "aks reserved range",
    { sites: [{ name: "az", cloud: "azure", region: "eastus", network: { podCidr: "172.30.0.0/16" } }] },
    'sites[0].network.podCidr: invalid value "172.30.0.0/16". AKS reserves 172.30.0.0/16; choose a range outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24.',
  ],
  [
    "eks admin principal",
    { sites: [{ ...aws, adminPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/admin/me"] }] },
    'sites[0].adminPrincipalArns[0]: invalid value "arn:aws:sts::123456789012:assumed-role/admin/me". Use an IAM role or user ARN such as "arn:aws:iam::123456789012:role/admin" (not an assumed-role session ARN).',
  ],
  [
    "eks admin principal twice",
    { sites: [{ ...aws, adminPrincipalArns: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"] }] },
    'sites[0].adminPrincipalArns: invalid value ["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:role/a"]. List each ARN once: EKS allows one access entry per principal.',
  ],
  ["eks kubernetes auth", { sites: [{ ...aws, kubernetesAuth: "iam" }] }, 'sites[0].kubernetesAuth: invalid value "iam". Use one of "token", "exec".'],
  ["eks secrets encryption", { sites: [{ ...aws, secretsEncryption: "yes" }] }, 'sites[0].secretsEncryption: invalid value "yes". Use true or false.'],
  [
    "eks log type",
    { sites: [{ ...aws, controlPlaneLogTypes: ["audit", "kubelet"] }] },
    'sites[0].controlPlaneLogTypes[1]: invalid value "kubelet". Use one of "api", "audit", "authenticator", "controllerManager", "scheduler".',
  ],
  ["eks log type twice", { sites: [{ ...aws, controlPlaneLogTypes: ["audit", "audit"] }] }, 'sites[0].controlPlaneLogTypes: invalid value ["audit","audit"]. List each log type once.'],
  [
    "eks log retention",
    { sites: [{ ...aws, controlPlaneLogRetentionDays: 45 }] },
    "sites[0].controlPlaneLogRetentionDays: invalid value 45. CloudWatch Logs keeps logs for one of 0, 1, 3, 5, 7, 14, 30, 60, 90,",
  ],
  [
    "eks log retention without logs",
    { sites: [{ ...aws, controlPlaneLogTypes: [], controlPlaneLogRetentionDays: 30 }] },
    "sites[0].controlPlaneLogRetentionDays: invalid value 30. No control-plane logs are sent (controlPlaneLogTypes is empty); drop the retention or list log types.",
  ],
  ["gcp project", { accounts: { gcpProject: "crdb-prod-" } }, 'accounts.gcpProject: invalid value "crdb-prod-". Use a project ID (not the name or number) such as "my-project-123"'],
  [
    "gke pod range too small for the pool and its surge",
    { sites: [{ name: "gcp", cloud: "gcp", region: "us-east4", network: { subnetCidr: "10.16.0.0/20", podsCidr: "10.20.0.0/23", servicesCidr: "10.24.0.0/20" } }] },
    'sites[0].network.podsCidr: invalid value "10.20.0.0/23". GKE takes a /24 per node, so it holds 2 nodes but must hold 6 nodes at once (the pool plus one surge node per zone during upgrades); use a larger block.',
  ],
  ["empty api access list", { sites: [{ ...aws, apiAccessCidrs: [] }] }, "sites[0].apiAccessCidrs: invalid value []. List at least one CIDR, or leave the field out."],
  ["api access cidr", { sites: [{ ...aws, apiAccessCidrs: ["203.0.113.0"] }] }, 'sites[0].apiAccessCidrs[0]: invalid value "203.0.113.0". Use an IPv4 CIDR block such as "10.10.0.0/16".'],
  [
    "gke secrets key format",
    { sites: [{ name: "gcp", cloud: "gcp", region: "us-east4", secretsEncryptionKey: "secrets" }] },
    'sites[0].secretsEncryptionKey: invalid value "secrets". Use a Cloud KMS key name: projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key> (not a key version).',
  ],
  [
    "gke secrets key in another region",
    { sites: [{ name: "gcp", cloud: "gcp", region: "us-east4", secretsEncryptionKey: "projects/crdb-sec/locations/us-east1/keyRings/gke/cryptoKeys/secrets" }] },
    'sites[0].secretsEncryptionKey: invalid value "projects/crdb-sec/locations/us-east1/keyRings/gke/cryptoKeys/secrets". The key is in location "us-east1"; GKE needs it in the cluster\'s region "us-east4".',
  ],
  ["gcp deletion protection", { sites: [{ name: "gcp", cloud: "gcp", region: "us-east4", deletionProtection: "no" }] }, 'sites[0].deletionProtection: invalid value "no".'],
  ["eks vpc too small", { sites: [{ ...aws, network: { vpcCidr: "10.0.0.0/21" } }] }, 'sites[0].network.vpcCidr: invalid value "10.0.0.0/21". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.'],
  [
    "eks zones",
    { sites: [{ ...aws, zones: ["a", "b", "c", "d", "e", "f", "g"].map((letter) => `us-east-1${letter}`) }] },
    'sites[0].zones: invalid value ["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f","us-east-1g"]. Give 3 to 6 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.',
  ],
  [
    "managed site name",
    { sites: [{ ...aws, cloud: "azure", region: "eastus", name: "a".repeat(36) }] },
    `sites[0].name: invalid value "${"a".repeat(36)}". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.`,
  ],
  [
    "gke nodes per zone",
    { sites: [{ name: "g", cloud: "gcp", region: "us-east4", zones: ["us-east4-a", "us-east4-b", "us-east4-c", "us-east4-d"], nodes: { count: 6 } }] },
    "sites[0].nodes.count: invalid value 6. GKE runs the same number of nodes in each zone; use a multiple of the 4 zones.",
  ],
  ["survival enum", { survivalGoal: "cloud" }, 'survivalGoal: invalid value "cloud". Use one of "zone", "region".'],
  ["image tag", { cockroach: { image: "cockroachdb/cockroach" } }, 'cockroach.image: invalid value "cockroachdb/cockroach". Pin a release with a version tag or an @sha256 digest'],
  ["s3 region", { backend: { type: "s3", bucket: "state", region: "us-east1" } }, 'backend.region: invalid value "us-east1". Use an AWS region name such as "us-west-2".'],
  ["s3 bucket", { backend: { type: "s3", bucket: "My_Bucket", region: "us-east-1" } }, 'backend.bucket: invalid value "My_Bucket". Use a bucket name of 3-63 lower-case letters, digits, \'-\' and \'.\'.'],
  ["gcs bucket", { backend: { type: "gcs", bucket: "B" } }, 'backend.bucket: invalid value "B". Use a bucket name of 3-63 lower-case letters, digits, \'-\', \'_\' and \'.\'.'],
  ["key prefix", { backend: { type: "s3", bucket: "state", region: "us-east-1", keyPrefix: "/crdb/" } }, 'backend.keyPrefix: invalid value "/crdb/". Use a prefix such as "crdb/prod": segments of letters, digits, \'_\', \'-\' and \'.\', separated by single \'/\', without leading or trailing \'/\'.'],
  ["storage account", { backend: { type: "azurerm", resourceGroupName: "rg", storageAccountName: "My-Account", containerName: "tfstate" } }, 'backend.storageAccountName: invalid value "My-Account". Use a storage account name of 3-24'],
  ["container", { backend: { type: "azurerm", resourceGroupName: "rg", storageAccountName: "acct", containerName: "tf--state" } }, 'backend.containerName: invalid value "tf--state". Use a container name of 3-63'],
  ["workspace prefix", { backend: { type: "cloud", organization: "acme", workspacePrefix: "crdb prod" } }, 'backend.workspacePrefix: invalid value "crdb prod". Use 1-60 letters, digits'],
  ["organization", { backend: { type: "cloud", organization: "", workspacePrefix: "crdb" } }, 'backend.organization: invalid value "". Use the organization\'s name: letters, digits, \'-\' and \'_\'.'],
  ["execution mode", { backend: { type: "cloud", organization: "acme", workspacePrefix: "crdb", executionMode: "agent" } }, 'backend.executionMode: invalid value "agent". Use "local" (Terraform runs in your pipeline) or "remote" (in HCP Terraform).'],
  ["Terraform version", { backend: { type: "cloud", organization: "acme", workspacePrefix: "crdb", terraformVersion: "1.11" } }, 'backend.terraformVersion: invalid value "1.11". Use an exact Terraform version such as "1.11.4".'],
];

describe("link access", () => {
  const dc = (name: string, extra: Record<string, unknown>) => ({
    name,
    cloud: "existing",
    region: name,
    kubeconfig: { context: name },
    storageClassName: "ssd",
    ...extra,
  });
  const parse = (sites: unknown[]) => () => parseTopology({ survivalGoal: "zone", sites }, "inline");

  test("defaults to loadbalancer; existing clusters take nodeport with its host, route and none", () => {
    const topology = parse([
      aws,
      dc("dc1", { linkAccess: "nodeport", nodePortHost: "node1.dc1.example.com" }),
      dc("dc2", { linkAccess: "route" }),
      dc("dc3", { linkAccess: "none" }),
    ])();
    expect(topology.sites.map((s) => s.linkAccess)).toEqual(["loadbalancer", "nodeport", "route", "none"]);
    expect((topology.sites[1] as ExistingSite).nodePortHost).toBe("node1.dc1.example.com");
  });

  test("every problem with link access is reported, naming the field and both sites of an impossible link", () => {
    expect(
      problemsOf(
        parse([
          { ...aws, linkAccess: "nodeport" },
          dc("dc1", { linkAccess: "nodeport" }),
          dc("dc2", { linkAccess: "route", nodePortHost: "192.0.2.1" }),
          dc("dc3", { linkAccess: "none" }),
          dc("dc4", { linkAccess: "none" }),
          dc("dc5", { linkAccess: "nodeport", nodePortHost: "300.1.2.3" }),
          dc("dc6", { linkAccess: "ingress" }),
        ]),
      ),
    ).toEqual([
      'sites[0].linkAccess: invalid value "nodeport". Use "loadbalancer" or "none" (dial out only); nodeport and route are for existing clusters.',
      'sites[5].nodePortHost: invalid value "300.1.2.3". Use an IPv4 address such as "192.0.2.10" or a DNS name such as "node1.example.com".',
      'sites[6].linkAccess: invalid value "ingress". Use "loadbalancer", "nodeport" (with nodePortHost), "route" (OpenShift) or "none" (dial out only).',
      "sites[1].nodePortHost: invalid value undefined. linkAccess \"nodeport\" needs the IP or DNS name of a node that the other sites can reach.",
      'sites[2].nodePortHost: invalid value "192.0.2.1". Only linkAccess "nodeport" uses nodePortHost (this site has "route"); remove it or set linkAccess: nodeport.',
      'sites[4].linkAccess: invalid value "none". sites[3] ("dc3") accepts no links either, so "dc4" and "dc3" cannot link to each other; give one of them inbound link access (loadbalancer, or on an existing cluster nodeport or route).',
    ]);
  });
});

describe("upgrades", () => {
  const base = { survivalGoal: "zone", sites: [aws] };
  test("finalizeUpgrade names the major the image runs", () => {
    expect(parseTopology({ ...base, cockroach: { image: "cockroachdb/cockroach:v26.2.7", finalizeUpgrade: "26.2" } }, "inline").cockroach.finalizeUpgrade).toBe("26.2");
    expect(problemsOf(() => parseTopology({ ...base, cockroach: { image: "cockroachdb/cockroach:v26.2.7", finalizeUpgrade: "26.1" } }, "inline"))).toEqual([
      'cockroach.finalizeUpgrade: invalid value "26.1". The image runs CockroachDB 26.2; finalize only the major every site runs ("26.2"), after the rollout is complete.',
    ]);
    expect(problemsOf(() => parseTopology({ ...base, cockroach: { finalizeUpgrade: 26.2 } }, "inline"))).toEqual([
      "cockroach.finalizeUpgrade: invalid value 26.2. Use a string.",
    ]);
  });

  test("the image tag must carry the version the upgrade guards read", () => {
    expect(problemsOf(() => parseTopology({ ...base, cockroach: { image: "cockroachdb/cockroach:stable" } }, "inline"))).toEqual([
      'cockroach.image: invalid value "cockroachdb/cockroach:stable". Tag the image with the CockroachDB release it holds, such as "cockroachdb/cockroach:v26.2.7" (a digest may follow); the upgrade checks read the version from it.',
    ]);
  });
});

describe("monitoring", () => {
  test("off by default; Prometheus Operator objects, their labels and the backup alert age per site", () => {
    const topology = parseTopology(
      { survivalGoal: "zone", sites: [aws, { name: "g", cloud: "gcp", region: "us-east4", monitoring: { prometheusOperator: true, labels: { release: "prom" }, backupMaxAgeHours: 0 } }] },
      "inline",
    );
    expect(topology.sites.map((s) => s.monitoring)).toEqual([
      { prometheusOperator: false, labels: {}, backupMaxAgeHours: 25 },
      { prometheusOperator: true, labels: { release: "prom" }, backupMaxAgeHours: 0 },
    ]);
  });

  test("bad monitoring fields are reported with their paths", () => {
    const raw = { survivalGoal: "zone", sites: [{ ...aws, monitoring: { prometheusOperator: "yes", labels: { "a b": "x" }, backupMaxAgeHours: -1, alerts: true } }] };
    expect(problemsOf(() => parseTopology(raw, "inline"))).toEqual([
      'sites[0].monitoring.prometheusOperator: invalid value "yes". Use true or false.',
      'sites[0].monitoring.labels: invalid value {"a b":"x"}. Use a label key: an optional DNS-subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".".',
      "sites[0].monitoring.backupMaxAgeHours: invalid value -1. Use a whole number of hours (0: no backup alert).",
      'sites[0].monitoring.alerts: invalid value true. Unknown field; remove it or fix its spelling (allowed here: prometheusOperator, labels, backupMaxAgeHours).',
    ]);
  });
});

describe("field messages", () => {
  test.each(INLINE_CASES)("%s", (_name, overrides, expected) => {
    const raw = { survivalGoal: "zone", sites: [aws], ...overrides };
    const problems = problemsOf(() => parseTopology(raw, "inline"));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected) ? expected : problems[0]).toBe(expected);
  });
});

describe("valid topologies", () => {
  test("the default: EKS, GKE and AKS, 3 nodes each, surviving a cloud", () => {
    const topology = defaultTopology();
    expect(topology.source).toBe("built-in default");
    expect(topology.survivalGoal).toBe("region");
    expect(topology.sites.map((s) => [s.name, s.cloud, s.region, s.replicas])).toEqual([
      ["aws", "aws", "us-east-1", 3],
      ["gcp", "gcp", "us-east4", 3],
      ["azure", "azure", "eastus", 3],
    ]);
    for (const site of topology.sites) {
      if (site.cloud === "existing") throw new Error("no existing site in the default");
      expect(site.nodes.count).toBe(3);
      expect(site.zones).toHaveLength(3);
    }
    expect(topology.sites.map((s) => s.cloud !== "existing" && s.nodes.machineType)).toEqual(["m6i.2xlarge", "n2-standard-8", "Standard_D8s_v5"]);
    expect(topology.sites[2]).toMatchObject({
      zones: ["1", "2", "3"],
      network: { vnetCidr: "10.32.0.0/16", subnetCidr: "10.32.0.0/20", podCidr: "10.36.0.0/14", serviceCidr: "10.40.0.0/16" },
    });
    expect(topology).toMatchObject({
      namespace: "cockroachdb",
      clusterDomain: "cluster.local",
      statefulSetPrefix: "crdb",
      cockroach: {},
      accounts: {},
      backend: { type: "local", directory: path.resolve("terraform-state") },
    });
  });

  test("loadTopology() without CRDB_TOPOLOGY is the default", () => {
    const saved = process.env.CRDB_TOPOLOGY;
    delete process.env.CRDB_TOPOLOGY;
    try {
      expect(loadTopology()).toEqual(defaultTopology());
    } finally {
      if (saved !== undefined) process.env.CRDB_TOPOLOGY = saved;
    }
  });

  test("a YAML file with every field, relative paths resolved against the file", () => {
    const file = path.join(FIXTURES, "valid", "full.yaml");
    const topology = loadTopology(file);
    expect(topology.source).toBe(file);
    expect(topology.cockroach).toEqual({ image: "cockroachdb/cockroach:v26.2.0", cpu: "5", memory: "24Gi", storageSize: "200Gi", rootClientSites: [], adminUser: "crdb_admin", databases: [], users: [] });
    expect(topology.backend).toEqual({
      type: "s3",
      bucket: "acme-terraform-state",
      region: "us-east-1",
      keyPrefix: "crdb/prod",
      encrypt: true,
      useLockfile: true,
      kmsKeyId: "alias/terraform-state",
    });
    expect(topology.accounts).toEqual({ awsProfile: "prod", gcpProject: "acme-crdb-prod", azureSubscriptionId: "00000000-1111-2222-3333-444444444444" });
    expect(topology.sites.map((s) => s.replicas)).toEqual([3, 4, 3, 3]);
    expect(topology.sites[0]).toMatchObject({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"], kubernetesAuth: "exec" });
    const existing = topology.sites[3] as ExistingSite;
    expect(existing.kubeconfig).toEqual({ path: path.join(FIXTURES, "valid", "kube", "dc1.yaml"), context: "dc1-admin" });
    expect(existing.storageClassName).toBe("fast-ssd");
    expect(existing.zones).toEqual([]);
    expect(topology.sites.map((s) => s.linkAccess)).toEqual(["loadbalancer", "loadbalancer", "none", "nodeport"]);
    expect(existing.nodePortHost).toBe("192.0.2.10");
  });

  test("a minimal JSON file gets per-site default networks, zones and a cloud backend", () => {
    const topology = loadTopology(path.join(FIXTURES, "valid", "minimal.json"));
    expect(topology.sites.map((s) => (s.cloud === "existing" ? undefined : s.network))).toEqual([
      { vpcCidr: "10.0.0.0/16", serviceCidr: "10.8.0.0/16" },
      { vpcCidr: "10.16.0.0/16", serviceCidr: "10.24.0.0/16" },
      { subnetCidr: "10.32.0.0/20", podsCidr: "10.36.0.0/14", servicesCidr: "10.40.0.0/20" },
    ]);
    expect(topology.sites.map((s) => s.zones)).toEqual([
      ["us-east-1a", "us-east-1b", "us-east-1c"],
      ["us-west-2a", "us-west-2b", "us-west-2c"],
      ["us-central1-a", "us-central1-b", "us-central1-c"],
    ]);
    expect(topology.backend).toEqual({ type: "cloud", organization: "acme", workspacePrefix: "crdb", executionMode: "local", terraformVersion: "1.11.4" });
    // EKS: no extra admins, and the 15-minute token of aws_eks_cluster_auth.
    expect(topology.sites[0]).toMatchObject({ adminPrincipalArns: [], kubernetesAuth: "token" });
    // Control planes hardened by default: a customer key for Secrets, api/audit/authenticator logs.
    expect(topology.sites[0]).toMatchObject({ secretsEncryption: true, controlPlaneLogTypes: ["api", "audit", "authenticator"] });
  });

  test("replicas default to the node count; kubeconfig keeps ~ for the provider to expand", () => {
    const topology = parseTopology(
      {
        sites: [
          { name: "a", cloud: "aws", region: "us-east-1", nodes: { count: 5 } },
          { name: "b", cloud: "gcp", region: "us-east1" },
          { name: "c", cloud: "existing", region: "dc", kubeconfig: { context: "c" }, storageClassName: "ssd" },
        ],
      },
      "inline",
    );
    expect(topology.sites.map((s) => s.replicas)).toEqual([5, 3, 3]);
    expect(topology.sites[1].zones).toEqual(["us-east1-b", "us-east1-c", "us-east1-d"]);
    expect((topology.sites[2] as ExistingSite).kubeconfig.path).toBe("~/.kube/config");
  });

  test("zones, formats and defaults are the site constructs' own", () => {
    const topology = parseTopology(
      {
        survivalGoal: "zone",
        sites: [
          { name: "a", cloud: "aws", region: "ca-central-1" },
          { name: "g", cloud: "gcp", region: "us-east4", kubernetesVersion: "1.33.2-gke.100" },
        ],
      },
      "inline",
    );
    // ca-central-1's third zone is d, not c: the sites know that, the topology used not to.
    expect(topology.sites.map((s) => s.zones)).toEqual([
      ["ca-central-1a", "ca-central-1b", "ca-central-1d"],
      ["us-east4-a", "us-east4-b", "us-east4-c"],
    ]);
    expect(topology.sites[1]).toMatchObject({ kubernetesVersion: "1.33.2-gke.100", nodes: { machineType: DEFAULT_MACHINE_TYPES.gcp } });
  });

  test("every managed site of a valid topology is one the site inputs accept unchanged", () => {
    const topologies = [defaultTopology(), loadTopology(path.join(FIXTURES, "valid", "full.yaml")), loadTopology(path.join(FIXTURES, "valid", "minimal.json"))];
    for (const site of topologies.flatMap((t) => t.sites)) {
      if (site.cloud === "existing") continue;
      const inputs = resolveCloudSiteInputs(site.cloud, cloudSiteProps(site));
      expect(inputs).toMatchObject({ zones: site.zones, machineType: site.nodes.machineType, nodeCount: site.nodes.count, diskSizeGb: site.nodes.diskSizeGb });
    }
  });

  test("every managed site of a valid topology builds its cluster stack", () => {
    const topologies = [defaultTopology(), loadTopology(path.join(FIXTURES, "valid", "full.yaml")), loadTopology(path.join(FIXTURES, "valid", "minimal.json"))];
    for (const topology of topologies) {
      for (const site of topology.sites) {
        if (site.cloud !== "existing") expect(() => new ClusterStack(Testing.app(), { topology, site })).not.toThrow();
      }
    }
  });

  test("the aws site's admin principals and authentication reach the EKS cluster and its consumers", () => {
    const topology = loadTopology(path.join(FIXTURES, "valid", "full.yaml"));
    const site = topology.sites[0];
    if (site.cloud !== "aws") throw new Error("the first site of full.yaml is on aws");
    const app = Testing.app();
    const cluster = new ClusterStack(app, { topology, site });
    const json = JSON.parse(Testing.synth(cluster));
    const entries = Object.values(json.resource.aws_eks_access_entry ?? {}) as Array<{ principal_arn: string }>;
    expect(entries.map((entry) => entry.principal_arn)).toEqual(["arn:aws:iam::123456789012:role/platform-admin"]);

    // exec: `aws eks get-token` under the topology's AWS profile, no token data source.
    const consumer = new TerraformStack(app, "aws-platform");
    cluster.site.connect(consumer, "cluster");
    app.synth();
    const consumerJson = JSON.parse(Testing.synth(consumer));
    expect(consumerJson.data?.aws_eks_cluster_auth).toBeUndefined();
    const [kubernetes] = consumerJson.provider.kubernetes;
    expect(kubernetes.exec[0].command).toBe("aws");
    expect(kubernetes.exec[0].args.slice(-2)).toEqual(["--profile", "prod"]);
  });

  test("service and overlay pod ranges may repeat across sites; routable ones may not", () => {
    const azure = (name: string, index: number) => ({
      name,
      cloud: "azure",
      region: "eastus",
      network: {
        vnetCidr: `10.${index}.0.0/16`,
        subnetCidr: `10.${index}.0.0/20`,
        podCidr: "192.168.0.0/16",
        serviceCidr: "172.16.0.0/16",
      },
    });
    expect(() => parseTopology({ survivalGoal: "zone", sites: [azure("a", 1), azure("b", 2), azure("c", 3)] }, "inline")).not.toThrow();
    expect(problemsOf(() => parseTopology({ survivalGoal: "zone", sites: [azure("a", 1), azure("b", 2), azure("c", 2)] }, "inline"))).toEqual([
      'sites[2].network.vnetCidr: invalid value "10.2.0.0/16". It overlaps sites[1].network.vnetCidr (10.2.0.0/16) of another site; node and pod ranges must be disjoint across sites.',
    ]);
  });

  test("a local state directory resolves against the topology file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "topology-"));
    try {
      const file = path.join(dir, "t.json");
      fs.writeFileSync(file, JSON.stringify({ survivalGoal: "zone", sites: [{ name: "a", cloud: "aws", region: "us-east-1" }], backend: { type: "local", directory: "state" } }));
      expect(loadTopology(file).backend).toEqual({ type: "local", directory: path.join(dir, "state") });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
