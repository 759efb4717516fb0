import { Testing } from "cdktf";
import { buildDeployment } from "../../stacks/app";
import { parseTopology } from "../../stacks/topology";
import {
  AKS_OVERLAY_MAX_PODS,
  GIB,
  MACHINE_TYPES,
  MIB,
  bandedCpuReservedMillis,
  checkPodsFitNodes,
  cloudReservation,
  eksMaxPods,
} from "../../lib/sites/node-fit";
import { DEFAULT_MACHINE_TYPES } from "../../lib/sites/site-inputs";

describe("the clouds' published reservations", () => {
  test("CPU, EKS and GKE: 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above", () => {
    expect([1, 2, 4, 8, 16, 32].map(bandedCpuReservedMillis)).toEqual([60, 70, 80, 90, 110, 150]);
  });

  test("EKS: pods from eni-max-pods.txt, memory 11 MiB per pod + 255 MiB, plus the 100Mi eviction threshold", () => {
    // eni-max-pods.txt (amazon-eks-ami): m6i.large 29, m6i.2xlarge 58, m6i.4xlarge 234.
    expect(["m6i.large", "m6i.2xlarge", "m6i.4xlarge"].map((t) => eksMaxPods(MACHINE_TYPES.aws[t]))).toEqual([29, 58, 234]);
    const r = cloudReservation("aws", MACHINE_TYPES.aws["m6i.2xlarge"]);
    expect(r.memoryBytes).toBe((11 * 58 + 255 + 100) * MIB);
    expect(r.cpuMillis).toBe(90);
  });

  test("GKE memory: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% up to 128 GiB, 2% above, plus 100Mi eviction", () => {
    const reserved = (gib: number) => cloudReservation("gcp", { vcpu: 8, memoryGiB: gib }).memoryBytes - 100 * MIB;
    expect(reserved(4) / GIB).toBeCloseTo(1);
    expect(reserved(8) / GIB).toBeCloseTo(1.8);
    expect(reserved(16) / GIB).toBeCloseTo(2.6);
    expect(reserved(32) / GIB).toBeCloseTo(3.56);
    expect(reserved(128) / GIB).toBeCloseTo(9.32);
    expect(reserved(256) / GIB).toBeCloseTo(11.88);
  });

  test("AKS: CPU by core count, memory min(20 MB per pod + 50 MB, 25%) with 250 pods (CNI overlay), plus 100Mi eviction", () => {
    expect([2, 4, 8, 16, 32].map((vcpu) => cloudReservation("azure", { vcpu, memoryGiB: 64 }).cpuMillis)).toEqual([100, 140, 180, 260, 420]);
    expect(cloudReservation("azure", MACHINE_TYPES.azure.Standard_D8s_v5).memoryBytes).toBe((20 * AKS_OVERLAY_MAX_PODS + 50 + 100) * MIB);
    expect(cloudReservation("azure", MACHINE_TYPES.azure.Standard_D4s_v5).memoryBytes).toBe(4 * GIB + 100 * MIB);
  });
});

describe("pods that fit their nodes", () => {
  const site = { nodeCount: 3, replicas: 3, databaseCpu: "4", databaseMemory: "16Gi" } as const;

  test.each(["aws", "gcp", "azure"] as const)("the defaults fit the default %s machine type", (cloud) => {
    expect(checkPodsFitNodes({ ...site, cloud, machineType: DEFAULT_MACHINE_TYPES[cloud] })).toBe(true);
  });

  test.each(["aws", "gcp", "azure"] as const)("7 CPU on an 8-vCPU %s node leaves no room for the 2-CPU router", (cloud) => {
    expect(() => checkPodsFitNodes({ ...site, cloud, machineType: DEFAULT_MACHINE_TYPES[cloud], databaseCpu: "7", databaseMemory: "28Gi" })).toThrow(
      /^nodes\.machineType: invalid value "[^"]+"\. A \S+ node \(8 vCPU, 32 GiB\) has 7\d{3}m CPU .* need 9\d{3}m CPU .* Lower cockroach\.cpu to at most "5\d00m"/,
    );
  });

  test("the whole message, numbers and fix, for the README's old example on EKS", () => {
    expect(() => checkPodsFitNodes({ ...site, cloud: "aws", machineType: "m6i.2xlarge", databaseCpu: "7", databaseMemory: "28Gi" })).toThrow(
      'nodes.machineType: invalid value "m6i.2xlarge". A m6i.2xlarge node (8 vCPU, 32 GiB) has 7910m CPU and 31775Mi memory allocatable ' +
        "(less EKS kube-reserved (58 max pods) + 100Mi eviction), but a CockroachDB pod (cockroach.cpu 7, cockroach.memory 28Gi), " +
        "the Skupper router (2 CPU, 1Gi), the SQL client (100m CPU, 256Mi) and the cloud's DaemonSets (about 250m CPU, 300Mi) need " +
        '9350m CPU and 30252Mi on one node (every node runs a CockroachDB pod). Lower cockroach.cpu to at most "5500m", or choose a larger ' +
        "machine type, or add a node (nodes.count) for the router.",
    );
  });

  test("the README example (5 CPU, 24Gi) fits every default machine type", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      expect(checkPodsFitNodes({ ...site, cloud, machineType: DEFAULT_MACHINE_TYPES[cloud], databaseCpu: "5", databaseMemory: "24Gi" })).toBe(true);
    }
  });

  test("memory is checked too, and a spare node takes the router", () => {
    expect(() => checkPodsFitNodes({ ...site, cloud: "gcp", machineType: "n2-standard-8", databaseCpu: "4", databaseMemory: "28Gi" })).toThrow(
      /need \d+m CPU and \d+Mi on one node .* Lower cockroach\.memory to at most "26Gi"/,
    );
    // 7 CPU alone fits an 8-vCPU node; with a fourth node the router and the client go there.
    expect(checkPodsFitNodes({ ...site, nodeCount: 4, cloud: "aws", machineType: "m6i.2xlarge", databaseCpu: "7", databaseMemory: "28Gi" })).toBe(true);
    expect(() => checkPodsFitNodes({ ...site, nodeCount: 4, cloud: "aws", machineType: "m6i.2xlarge", databaseCpu: "7900m", databaseMemory: "28Gi" })).toThrow(
      /Lower cockroach\.cpu to at most "7600m"/,
    );
  });

  test("an unknown machine type is not checked (the cluster stack warns)", () => {
    expect(checkPodsFitNodes({ ...site, cloud: "aws", machineType: "x9z.48xlarge", databaseCpu: "64", databaseMemory: "900Gi" })).toBe(false);
  });
});

test("the cluster stack warns, naming the site, when the machine table does not know its type", () => {
  const topology = parseTopology(
    { survivalGoal: "zone", sites: [{ name: "aws", cloud: "aws", region: "us-east-1", nodes: { machineType: "m6a.2xlarge" } }] },
    "t.yaml",
  );
  const { clusters } = buildDeployment(Testing.app(), topology);
  const warnings = clusters[0].node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
  expect(warnings).toEqual([
    'Site "aws": nodes.machineType "m6a.2xlarge" is not in the machine table (lib/sites/node-fit.ts), so whether a CockroachDB pod, the Skupper router (2 CPU) and the SQL client fit one node after the cloud\'s reservations was not checked.',
  ]);
});

test("the topology validation reports it at the site's path, for every site at once", () => {
  const sites = [
    { name: "aws", cloud: "aws", region: "us-east-1" },
    { name: "gcp", cloud: "gcp", region: "us-east4" },
    { name: "azure", cloud: "azure", region: "eastus" },
  ];
  expect(() => parseTopology({ cockroach: { cpu: "7", memory: "28Gi" }, sites }, "old-readme.yaml")).toThrow(
    /sites\[0\]\.nodes\.machineType: invalid value "m6i\.2xlarge"\. A m6i\.2xlarge node[^\n]*\n\s*sites\[1\]\.nodes\.machineType: invalid value "n2-standard-8"[^\n]*\n\s*sites\[2\]\.nodes\.machineType: invalid value "Standard_D8s_v5"/,
  );
  expect(() => parseTopology({ cockroach: { cpu: "5", memory: "24Gi" }, sites }, "readme.yaml")).not.toThrow();
});
