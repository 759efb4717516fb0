/**
 * A small evaluator of synthesized kubernetes_network_policy_v1 resources, following the
 * NetworkPolicy semantics of the Kubernetes API (networking.k8s.io/v1): a pod selected by no
 * policy of type Ingress accepts everything; a selected pod accepts a connection only if some
 * rule of some policy selecting it matches both the port and the peer.
 */
import type { Json } from "../stacks/synth-app";

export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A pod inside the cluster, or an address outside it (a load balancer's client). */
export type Source = { readonly pod: Pod } | { readonly ip: string };

interface Selector {
  readonly match_labels?: Record<string, string>;
  readonly match_expressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A label selector; an empty or missing one selects everything. */
export function selects(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = Object.entries(selector?.match_labels ?? {}).every(([key, value]) => labels[key] === value);
  const matchExpressions = (selector?.match_expressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In":
        return key in labels && values.includes(labels[key]);
      case "NotIn":
        return !(key in labels) || !values.includes(labels[key]);
      case "Exists":
        return key in labels;
      case "DoesNotExist":
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return matchLabels && matchExpressions;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

/** Kubernetes labels every namespace with its own name (kubernetes.io/metadata.name). */
function namespaceLabels(namespace: string): Record<string, string> {
  return { "kubernetes.io/metadata.name": namespace };
}

function peerMatches(peer: Json, source: Source, policyNamespace: string): boolean {
  if (peer.ip_block) {
    if (!("ip" in source)) return false;
    return inCidr(source.ip, peer.ip_block.cidr) && !(peer.ip_block.except ?? []).some((cidr: string) => inCidr(source.ip, cidr));
  }
  if (!("pod" in source)) return false;
  const { pod } = source;
  const namespaceOk = peer.namespace_selector ? selects(peer.namespace_selector, namespaceLabels(pod.namespace)) : pod.namespace === policyNamespace;
  const podOk = peer.pod_selector ? selects(peer.pod_selector, pod.labels) : true;
  return namespaceOk && podOk;
}

function portMatches(ports: Json[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? "TCP") === "TCP" && (p.end_port ? port >= Number(p.port) && port <= p.end_port : Number(p.port) === port));
}

/** The policy's spec and namespace as synthesized (cdktf writes one-element blocks as objects). */
export interface SynthesizedPolicy {
  readonly namespace: string;
  readonly spec: Json;
}

/** Whether `source` may open a TCP connection to `destination` on `port` under `policies`. */
export function allowed(policies: readonly SynthesizedPolicy[], source: Source, destination: Pod, port: number): boolean {
  const applicable = policies.filter(
    (p) => p.namespace === destination.namespace && (p.spec.policy_types ?? ["Ingress"]).includes("Ingress") && selects(p.spec.pod_selector, destination.labels),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) =>
    (p.spec.ingress ?? []).some(
      (rule: Json) => portMatches(rule.ports, port) && (!rule.from || rule.from.length === 0 || rule.from.some((peer: Json) => peerMatches(peer, source, p.namespace))),
    ),
  );
}
