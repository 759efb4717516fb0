/**
 * The naming contract between sites (DESIGN.md section 5). Every site computes the names
 * of every other site's pods from these functions, so they must be the single source.
 */
import { checkDnsLabel, fail } from "./validation";

/** CockroachDB's RPC + SQL port. */
export const COCKROACH_GRPC_PORT = 26257;
/** CockroachDB's HTTP port (DB Console, health). */
export const COCKROACH_HTTP_PORT = 8080;

export const DEFAULT_NAMESPACE = "cockroachdb";
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";
export const DEFAULT_STATEFULSET_PREFIX = "crdb";

/** StatefulSet name of a site: `<prefix>-<site>`, unique across sites so pod names are too. */
export function statefulSetName(prefix: string, siteName: string): string {
  // A pod name gets "-<ordinal>" and the controller-revision-hash label takes another
  // 11 characters; 52 keeps every derived name inside a 63-character label.
  return checkDnsLabel("statefulSetName", `${prefix}-${siteName}`, 52);
}

export function podName(statefulSet: string, ordinal: number): string {
  return `${statefulSet}-${ordinal}`;
}

export function podNames(statefulSet: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => podName(statefulSet, i));
}

/** `<pod>.<namespace>.svc.<clusterDomain>`: the name a pod is dialled by in every cluster. */
export function podFqdn(pod: string, namespace: string, clusterDomain: string): string {
  return `${pod}.${namespace}.svc.${clusterDomain}`;
}

/** A site's database pods, as every other site needs to know them. */
export interface DatabaseSiteNames {
  readonly siteName: string;
  readonly statefulSetName: string;
  readonly replicas: number;
}

/**
 * The pods of every site but `siteName`: what that site's cluster reaches through Skupper
 * Listeners. An unknown `siteName` fails, as it would silently list the site's own pods.
 */
export function remotePodNames(sites: readonly DatabaseSiteNames[], siteName: string): string[] {
  if (!sites.some((s) => s.siteName === siteName)) {
    fail("siteName", siteName, `Use one of the sites listed in sites: ${sites.map((s) => s.siteName).join(", ")}.`);
  }
  return sites.filter((s) => s.siteName !== siteName).flatMap((s) => podNames(s.statefulSetName, s.replicas));
}

/**
 * The `--join` list: the first `perSite` pods of every site (2-3 per site is CockroachDB's
 * advice), the same list on every node so any node can find the cluster.
 */
export function joinAddresses(
  sites: readonly DatabaseSiteNames[],
  namespace: string,
  clusterDomain: string,
  perSite = 3,
): string[] {
  if (sites.length === 0) fail("sites", sites, "Give at least one site to build the --join list from.");
  return sites.flatMap((site) =>
    podNames(site.statefulSetName, Math.min(perSite, site.replicas)).map(
      (pod) => `${podFqdn(pod, namespace, clusterDomain)}:${COCKROACH_GRPC_PORT}`,
    ),
  );
}

/**
 * DNS names a node certificate must carry: wildcards over the per-pod Service names in every
 * form they are dialled, so scaling a site needs no new certificate.
 */
export function nodeCertificateDnsNames(namespace: string, clusterDomain: string, extraNames: readonly string[] = []): string[] {
  return [
    "localhost",
    `*.${namespace}`,
    `*.${namespace}.svc`,
    `*.${namespace}.svc.${clusterDomain}`,
    ...extraNames,
  ];
}
