/**
 * Whether a site's pods fit its nodes: a CockroachDB pod, the Skupper router and the SQL client
 * on one node, after what the cloud reserves for the kubelet and the system (kube-reserved,
 * the hard eviction threshold) and what its add-on DaemonSets request on every node. Pure
 * functions, shared by the topology validation and the tests.
 */
import { parseMemoryBytes } from "../core/units";
import { fail, parseCpuMillis } from "../core/validation";
import { SQL_CLIENT_REQUESTS } from "../database/common";
import { DEFAULT_ROUTER_CPU_REQUEST, DEFAULT_ROUTER_MEMORY_REQUEST } from "../skupper/router-sizing";
import type { CloudName } from "./site-inputs";

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

export interface MachineType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /**
   * AWS only: network interfaces and IPv4 addresses per interface, which give the VPC CNI's
   * pod limit, ENIs * (IPs - 1) + 2 (the EKS AMI's eni-max-pods).
   */
  readonly enis?: number;
  readonly ipsPerEni?: number;
}

/**
 * vCPU and memory of the defaults and of every type the README, the examples and the tests
 * use, from the clouds' instance type pages (AWS EC2 instance types, Compute Engine machine
 * families, Azure VM sizes Dv5/Ev5), checked 2026-12.
 */
export const MACHINE_TYPES: Readonly<Record<CloudName, Readonly<Record<string, MachineType>>>> = {
  aws: {
    "m6i.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipsPerEni: 10 },
    "m6i.xlarge": { vcpu: 4, memoryGiB: 16, enis: 4, ipsPerEni: 15 },
    "m6i.2xlarge": { vcpu: 8, memoryGiB: 32, enis: 4, ipsPerEni: 15 },
    "m6i.4xlarge": { vcpu: 16, memoryGiB: 64, enis: 8, ipsPerEni: 30 },
    "m6i.8xlarge": { vcpu: 32, memoryGiB: 128, enis: 8, ipsPerEni: 30 },
    "m7i.2xlarge": { vcpu: 8, memoryGiB: 32, enis: 4, ipsPerEni: 15 },
    "m7i.4xlarge": { vcpu: 16, memoryGiB: 64, enis: 8, ipsPerEni: 30 },
    "m5.2xlarge": { vcpu: 8, memoryGiB: 32, enis: 4, ipsPerEni: 15 },
    "r6i.2xlarge": { vcpu: 8, memoryGiB: 64, enis: 4, ipsPerEni: 15 },
    "c6i.2xlarge": { vcpu: 8, memoryGiB: 16, enis: 4, ipsPerEni: 15 },
    "m6g.2xlarge": { vcpu: 8, memoryGiB: 32, enis: 4, ipsPerEni: 15 },
    "m7g.2xlarge": { vcpu: 8, memoryGiB: 32, enis: 4, ipsPerEni: 15 },
    "m7g.4xlarge": { vcpu: 16, memoryGiB: 64, enis: 8, ipsPerEni: 30 },
  },
  gcp: {
    "n2-standard-4": { vcpu: 4, memoryGiB: 16 },
    "n2-standard-8": { vcpu: 8, memoryGiB: 32 },
    "n2-standard-16": { vcpu: 16, memoryGiB: 64 },
    "n2-standard-32": { vcpu: 32, memoryGiB: 128 },
    "n2-highmem-8": { vcpu: 8, memoryGiB: 64 },
    "n2d-standard-8": { vcpu: 8, memoryGiB: 32 },
    "e2-standard-8": { vcpu: 8, memoryGiB: 32 },
    "c3-standard-8": { vcpu: 8, memoryGiB: 32 },
    "c4-standard-8": { vcpu: 8, memoryGiB: 30 },
  },
  azure: {
    Standard_D4s_v5: { vcpu: 4, memoryGiB: 16 },
    Standard_D8s_v5: { vcpu: 8, memoryGiB: 32 },
    Standard_D16s_v5: { vcpu: 16, memoryGiB: 64 },
    Standard_D32s_v5: { vcpu: 32, memoryGiB: 128 },
    Standard_D8ds_v5: { vcpu: 8, memoryGiB: 32 },
    Standard_D8as_v5: { vcpu: 8, memoryGiB: 32 },
    Standard_E8s_v5: { vcpu: 8, memoryGiB: 64 },
    Standard_D8s_v3: { vcpu: 8, memoryGiB: 32 },
  },
};

/** Piecewise percentages of capacity: [size of the band, fraction reserved of it]. */
function banded(amount: number, bands: ReadonlyArray<readonly [number, number]>): number {
  let left = amount;
  let reserved = 0;
  for (const [size, fraction] of bands) {
    const inBand = Math.min(left, size);
    reserved += inBand * fraction;
    left -= inBand;
    if (left <= 0) break;
  }
  return reserved;
}

/**
 * The CPU kube-reserved of EKS (awslabs/amazon-eks-ami, nodeadm's getCPUMillicoresToReserve,
 * as bootstrap.sh before it) and GKE (docs: "Standard cluster architecture - node allocatable
 * resources"): 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above.
 */
export function bandedCpuReservedMillis(vcpu: number): number {
  return banded(vcpu * 1000, [
    [1000, 0.06],
    [1000, 0.01],
    [2000, 0.005],
    [Infinity, 0.0025],
  ]);
}

/** AKS kube-reserved CPU by core count (docs: "Node resource reservations", AKS). */
const AKS_CPU_RESERVED_MILLIS: ReadonlyArray<readonly [number, number]> = [
  [1, 60],
  [2, 100],
  [4, 140],
  [8, 180],
  [16, 260],
  [32, 420],
  [64, 740],
];

/** The VPC CNI's pod limit of an instance type (eni-max-pods.txt, without prefix delegation). */
export function eksMaxPods(machine: MachineType): number {
  return (machine.enis ?? 0) * ((machine.ipsPerEni ?? 1) - 1) + 2;
}

/** AKS default max pods per node with Azure CNI overlay (this project's network plugin). */
export const AKS_OVERLAY_MAX_PODS = 250;

export interface NodeReservation {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** What the numbers are made of, for messages and the README. */
  readonly detail: string;
}

/** Hard eviction threshold memory.available of all three clouds' kubelet configurations. */
const EVICTION_MEMORY = 100 * MIB;

/**
 * What the cloud keeps from each node's capacity: kube-reserved and system-reserved CPU and
 * memory plus the hard memory eviction threshold.
 */
export function cloudReservation(cloud: CloudName, machine: MachineType): NodeReservation {
  const memory = machine.memoryGiB * GIB;
  switch (cloud) {
    case "aws": {
      // amazon-eks-ami: kube-reserved memory = 11 MiB per pod the node can run + 255 MiB.
      const pods = eksMaxPods(machine);
      return {
        cpuMillis: bandedCpuReservedMillis(machine.vcpu),
        memoryBytes: (11 * pods + 255) * MIB + EVICTION_MEMORY,
        detail: `EKS kube-reserved (${pods} max pods) + 100Mi eviction`,
      };
    }
    case "gcp": {
      // GKE: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112,
      // 2% above 128 GiB (255 MiB below 1 GiB).
      const reserved =
        machine.memoryGiB < 1
          ? 255 * MIB
          : banded(memory, [
              [4 * GIB, 0.25],
              [4 * GIB, 0.2],
              [8 * GIB, 0.1],
              [112 * GIB, 0.06],
              [Infinity, 0.02],
            ]);
      return { cpuMillis: bandedCpuReservedMillis(machine.vcpu), memoryBytes: reserved + EVICTION_MEMORY, detail: "GKE kube-reserved + 100Mi eviction" };
    }
    case "azure": {
      // AKS >= 1.29: kube-reserved memory = min(20 MB per max pod + 50 MB, 25% of memory); MB
      // read as MiB, which reserves slightly more.
      const kubeReserved = Math.min((20 * AKS_OVERLAY_MAX_PODS + 50) * MIB, 0.25 * memory);
      const cpu = AKS_CPU_RESERVED_MILLIS.find(([cores]) => machine.vcpu <= cores)?.[1] ?? AKS_CPU_RESERVED_MILLIS.at(-1)![1];
      return { cpuMillis: cpu, memoryBytes: kubeReserved + EVICTION_MEMORY, detail: `AKS kube-reserved (${AKS_OVERLAY_MAX_PODS} max pods) + 100Mi eviction` };
    }
  }
}

/**
 * Requests of the DaemonSets every node of the cloud runs with this project's settings,
 * rounded up (estimates from the add-ons' manifests; they change between versions):
 * EKS aws-node (VPC CNI, with the network policy agent), kube-proxy, ebs-csi-node,
 * eks-pod-identity-agent; GKE kube-proxy, fluentbit-gke, gke-metadata-server, pdcsi-node,
 * netd/anetd, gke-metrics-agent; AKS kube-proxy, azure-cns, azure-ip-masq-agent,
 * cloud-node-manager, csi-azuredisk-node, csi-azurefile-node, the network policy agent.
 */
export const DAEMONSET_REQUESTS: Readonly<Record<CloudName, { readonly cpuMillis: number; readonly memoryBytes: number }>> = {
  aws: { cpuMillis: 250, memoryBytes: 300 * MIB },
  gcp: { cpuMillis: 400, memoryBytes: 600 * MIB },
  azure: { cpuMillis: 400, memoryBytes: 500 * MIB },
};

export interface PodRequests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

export interface NodeFit {
  readonly allocatableCpuMillis: number;
  readonly allocatableMemoryBytes: number;
  /** What the node must hold beyond the system: database + router + client + DaemonSets. */
  readonly neededCpuMillis: number;
  readonly neededMemoryBytes: number;
  readonly fits: boolean;
  /** The largest CockroachDB CPU and memory that would fit, to suggest. */
  readonly maxDatabaseCpuMillis: number;
  readonly maxDatabaseMemoryBytes: number;
}

/**
 * Checks that one node of `machine` holds `pods` (every pod that may share a node with a
 * CockroachDB pod) besides the cloud's reservation and DaemonSets.
 */
export function nodeFit(cloud: CloudName, machine: MachineType, database: PodRequests, others: readonly PodRequests[]): NodeFit {
  const reservation = cloudReservation(cloud, machine);
  const daemonSets = DAEMONSET_REQUESTS[cloud];
  const allocatableCpuMillis = machine.vcpu * 1000 - reservation.cpuMillis;
  const allocatableMemoryBytes = machine.memoryGiB * GIB - reservation.memoryBytes;
  const otherCpu = daemonSets.cpuMillis + others.reduce((sum, p) => sum + p.cpuMillis, 0);
  const otherMemory = daemonSets.memoryBytes + others.reduce((sum, p) => sum + p.memoryBytes, 0);
  const neededCpuMillis = database.cpuMillis + otherCpu;
  const neededMemoryBytes = database.memoryBytes + otherMemory;
  return {
    allocatableCpuMillis,
    allocatableMemoryBytes,
    neededCpuMillis,
    neededMemoryBytes,
    fits: neededCpuMillis <= allocatableCpuMillis && neededMemoryBytes <= allocatableMemoryBytes,
    maxDatabaseCpuMillis: allocatableCpuMillis - otherCpu,
    maxDatabaseMemoryBytes: allocatableMemoryBytes - otherMemory,
  };
}

/** The machine type's size, or undefined when the table does not know it (then warn, do not fail). */
export function knownMachineType(cloud: CloudName, machineType: string): MachineType | undefined {
  return MACHINE_TYPES[cloud][machineType];
}

export interface SitePodsInputs {
  readonly cloud: CloudName;
  readonly machineType: string;
  readonly nodeCount: number;
  /** CockroachDB pods of the site. */
  readonly replicas: number;
  /** CockroachDB CPU and memory (request = limit), e.g. "4" and "16Gi". */
  readonly databaseCpu: string;
  readonly databaseMemory: string;
  /** @default the production router sizing, 2 CPU / 1Gi */
  readonly routerCpu?: string;
  readonly routerMemory?: string;
}

const describeCpu = (millis: number): string => (millis % 1000 === 0 ? `${millis / 1000}` : `${Math.floor(millis)}m`);
const describeMemory = (bytes: number): string => (bytes % GIB === 0 ? `${bytes / GIB}Gi` : `${Math.floor(bytes / MIB)}Mi`);

/**
 * Fails on `nodes.machineType` when a node of the site cannot hold a CockroachDB pod next to
 * the pods that may share it: the Skupper router and the SQL client when every node runs a
 * CockroachDB pod (replicas = nodes), else they get a node of their own. Returns false, checking
 * nothing, for a machine type the table does not know.
 */
export function checkPodsFitNodes(inputs: SitePodsInputs): boolean {
  const machine = knownMachineType(inputs.cloud, inputs.machineType);
  if (!machine) return false;
  const database: PodRequests = {
    cpuMillis: parseCpuMillis("cockroach.cpu", inputs.databaseCpu),
    memoryBytes: parseMemoryBytes("cockroach.memory", inputs.databaseMemory),
  };
  const router: PodRequests = {
    cpuMillis: parseCpuMillis("routerCpu", inputs.routerCpu ?? DEFAULT_ROUTER_CPU_REQUEST),
    memoryBytes: parseMemoryBytes("routerMemory", inputs.routerMemory ?? DEFAULT_ROUTER_MEMORY_REQUEST),
  };
  const client: PodRequests = { cpuMillis: parseCpuMillis("client", SQL_CLIENT_REQUESTS.cpu), memoryBytes: parseMemoryBytes("client", SQL_CLIENT_REQUESTS.memory) };
  const shared = inputs.replicas >= inputs.nodeCount;
  const fit = nodeFit(inputs.cloud, machine, database, shared ? [router, client] : []);
  const spareFit = shared ? fit : nodeFit(inputs.cloud, machine, { cpuMillis: 0, memoryBytes: 0 }, [router, client]);
  if (fit.fits && spareFit.fits) return true;

  const reservation = cloudReservation(inputs.cloud, machine);
  const daemonSets = DAEMONSET_REQUESTS[inputs.cloud];
  const node =
    `A ${inputs.machineType} node (${machine.vcpu} vCPU, ${machine.memoryGiB} GiB) has ${describeCpu(fit.allocatableCpuMillis)} CPU and ` +
    `${describeMemory(fit.allocatableMemoryBytes)} memory allocatable (less ${reservation.detail})`;
  const pods = (withDatabase: boolean) =>
    [
      withDatabase ? `a CockroachDB pod (cockroach.cpu ${inputs.databaseCpu}, cockroach.memory ${inputs.databaseMemory})` : undefined,
      shared || !withDatabase ? `the Skupper router (${describeCpu(router.cpuMillis)} CPU, ${describeMemory(router.memoryBytes)})` : undefined,
      shared || !withDatabase ? `the SQL client (${describeCpu(client.cpuMillis)} CPU, ${describeMemory(client.memoryBytes)})` : undefined,
      `the cloud's DaemonSets (about ${describeCpu(daemonSets.cpuMillis)} CPU, ${describeMemory(daemonSets.memoryBytes)})`,
    ]
      .filter((part): part is string => part !== undefined)
      .reduce((list, part, i, all) => (i === 0 ? part : `${list}${i === all.length - 1 ? " and " : ", "}${part}`), "");
  if (!fit.fits) {
    const limits = [
      fit.neededCpuMillis > fit.allocatableCpuMillis ? `cockroach.cpu to at most "${describeCpu(Math.floor(fit.maxDatabaseCpuMillis / 100) * 100)}"` : undefined,
      fit.neededMemoryBytes > fit.allocatableMemoryBytes ? `cockroach.memory to at most "${describeMemory(Math.floor(fit.maxDatabaseMemoryBytes / GIB) * GIB)}"` : undefined,
    ].filter(Boolean);
    fail(
      "nodes.machineType",
      inputs.machineType,
      `${node}, but ${pods(true)} need ${describeCpu(fit.neededCpuMillis)} CPU and ${describeMemory(fit.neededMemoryBytes)} on one node` +
        `${shared ? " (every node runs a CockroachDB pod)" : ""}. Lower ${limits.join(" and ")}, or choose a larger machine type` +
        `${shared ? ", or add a node (nodes.count) for the router" : ""}.`,
    );
  }
  fail(
    "nodes.machineType",
    inputs.machineType,
    `${node}, but ${pods(false)} need ${describeCpu(spareFit.neededCpuMillis)} CPU and ${describeMemory(spareFit.neededMemoryBytes)}. Choose a larger machine type.`,
  );
}
