import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkNamespace } from "../core/validation";
import { checkDuration, goDuration } from "../core/units";
import { PROMETHEUS_OPERATOR_API_VERSION, SCRAPE_INTERVAL_SECONDS, checkLabels } from "./common";

/**
 * Where the Skupper 2.2.1 router serves metrics: its health-and-metrics listener on 9090
 * (container port `http`, plain HTTP, `/metrics`), internal/kube/site/site.go
 * AddHealthAndMetricsListener and resources/skupper-router-deployment.yaml, which also
 * annotates the router pods `prometheus.io/scrape` and `prometheus.io/port: "9090"`.
 */
export const SKUPPER_ROUTER_METRICS = { port: "http", path: "/metrics", containerPort: 9090 } as const;

export interface SkupperRouterPodMonitorProps {
  readonly provider: KubernetesProvider;
  /** The Site's namespace. @default "cockroachdb" */
  readonly namespace?: string;
  /** Labels the Prometheus selects PodMonitors by (`podMonitorSelector`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** How often Prometheus scrapes. @default 30 */
  readonly intervalSeconds?: number;
}

/**
 * A Prometheus Operator PodMonitor for the Skupper router pods of a Site (every router group:
 * they share the label `skupper.io/component: router`). A kubernetes_manifest: the PodMonitor
 * CRD must exist when Terraform PLANS.
 */
export class SkupperRouterPodMonitor extends Construct {
  public readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: SkupperRouterPodMonitorProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    this.manifest = new Manifest(this, "pod-monitor", {
      provider: props.provider,
      manifest: {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: "PodMonitor",
        metadata: { name: "skupper-router", namespace, labels: { ...checkLabels("labels", props.labels ?? {}) } },
        spec: {
          selector: { matchLabels: { "skupper.io/component": "router" } },
          namespaceSelector: { matchNames: [namespace] },
          podMetricsEndpoints: [
            { port: SKUPPER_ROUTER_METRICS.port, path: SKUPPER_ROUTER_METRICS.path, interval: goDuration(checkDuration("intervalSeconds", props.intervalSeconds ?? 30, "seconds", SCRAPE_INTERVAL_SECONDS), "seconds") },
          ],
        },
      },
    });
  }
}
