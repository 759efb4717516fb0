import { FINALIZER_FREE_DELETE_TIMEOUT } from "../core/credential-lifetimes";
import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { COCKROACH_GRPC_PORT, DEFAULT_NAMESPACE } from "../core/naming";
import { checkDnsLabel, checkInteger, checkNamespace, checkUniqueNames, fail } from "../core/validation";
import { SKUPPER_API_VERSION } from "./mesh";

export interface SkupperPodExposureProps {
  readonly provider: KubernetesProvider;
  /**
   * The site namespace.
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** This cluster's database pods: each gets a Connector. */
  readonly localPods: readonly string[];
  /** Every other site's database pods: each gets a Listener, i.e. a Service named after it here. */
  readonly remotePods: readonly string[];
  /**
   * Every Service that exists (or will) in this namespace apart from Skupper's: the per-pod,
   * headless and public Services. A Listener whose host names one of them would take it over
   * (the controller rewrites its selector to the router), so that fails at synth.
   */
  readonly localServiceNames: readonly string[];
  /**
   * The port exposed, on the pods and on the Listener Services.
   * @default 26257
   */
  readonly port?: number;
}

/**
 * Makes every database pod reachable in every cluster under its own name:
 * one Connector per LOCAL pod (selector `statefulset.kubernetes.io/pod-name=<pod>`,
 * routingKey `<pod>`, includeNotReadyPods because CockroachDB pods are not Ready until they
 * joined the cluster) and one Listener per REMOTE pod (host `<pod>`, same routingKey), so
 * `<pod>.<namespace>.svc.<domain>` resolves to a local Service or to a Skupper Listener
 * Service, never both. Per-pod Connectors rather than `exposePodsByName`: its upstream e2e
 * test is disabled and its Services churn when pods restart.
 */
export class SkupperPodExposure extends Construct {
  public readonly connectors: readonly Manifest[];
  public readonly listeners: readonly Manifest[];

  constructor(scope: Construct, id: string, props: SkupperPodExposureProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const port = checkInteger("port", props.port ?? COCKROACH_GRPC_PORT, 1, 65535);
    const localPods = checkNames("localPods", props.localPods);
    const remotePods = checkNames("remotePods", props.remotePods);
    const services = new Set(props.localServiceNames);
    remotePods.forEach((pod, i) => {
      if (localPods.includes(pod)) {
        fail(`remotePods[${i}]`, pod, "It is also in localPods; a pod lives in exactly one site.");
      }
      if (services.has(pod)) {
        fail(
          `remotePods[${i}]`,
          pod,
          "A Service of that name exists in this namespace (localServiceNames) and the Listener would take it over; pod names must be unique across sites and no local Service may be named after a remote pod.",
        );
      }
    });

    const manifest = (kind: string, name: string, spec: Record<string, unknown>): Manifest =>
      new Manifest(this, `${kind.toLowerCase()}-${name}`, {
        provider: props.provider,
        manifest: { apiVersion: SKUPPER_API_VERSION, kind, metadata: { name, namespace }, spec },
        timeouts: { delete: FINALIZER_FREE_DELETE_TIMEOUT },
      });
    this.connectors = localPods.map((pod) =>
      manifest("Connector", pod, {
        routingKey: pod,
        selector: `statefulset.kubernetes.io/pod-name=${pod}`,
        port,
        includeNotReadyPods: true,
      }),
    );
    this.listeners = remotePods.map((pod) => manifest("Listener", pod, { routingKey: pod, host: pod, port }));
  }
}

function checkNames(field: string, names: readonly string[]): readonly string[] {
  names.forEach((name, i) => checkDnsLabel(`${field}[${i}]`, name));
  checkUniqueNames((i) => `${field}[${i}]`, names, "List each pod once");
  return names;
}
