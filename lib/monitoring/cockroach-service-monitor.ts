import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkDnsLabel, checkDnsSubdomain, checkNamespace } from "../core/validation";
import { checkDuration, goDuration } from "../core/units";
import { COCKROACH_METRICS_PATH, DEFAULT_PUBLIC_SERVICE, METRICS_SERVICE_LABEL, NODE_CERTS_SECRET, selectorLabels } from "../database/common";
import { PROMETHEUS_OPERATOR_API_VERSION, SCRAPE_INTERVAL_SECONDS, checkLabels } from "./common";

export interface CockroachServiceMonitorProps {
  readonly provider: KubernetesProvider;
  /** The site's StatefulSet (CockroachStatefulSet.name); its governing Service is scraped. */
  readonly statefulSetName: string;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /**
   * Labels the Prometheus selects ServiceMonitors by (its `serviceMonitorSelector`), e.g.
   * `{ release: "kube-prometheus-stack" }`.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** How often Prometheus scrapes. @default 30 */
  readonly intervalSeconds?: number;
  /** Secret with the cluster CA as `ca.crt`, in the site namespace. @default NODE_CERTS_SECRET */
  readonly caSecretName?: string;
  /** A name the node certificates cover, checked against the certificate the node presents. @default DEFAULT_PUBLIC_SERVICE */
  readonly serverName?: string;
}

/**
 * A Prometheus Operator ServiceMonitor for one site's CockroachDB nodes: `/_status/vars` on
 * the HTTP port, over HTTPS verified against the cluster CA. The scrape job is the governing
 * Service's name (the StatefulSet name), which CockroachAlertRules scopes its alerts by.
 *
 * A kubernetes_manifest: the ServiceMonitor CRD must exist when Terraform PLANS, so use it
 * only in clusters that run the Prometheus Operator.
 */
export class CockroachServiceMonitor extends Construct {
  public readonly manifest: Manifest;
  /** The scrape job name Prometheus gives the targets. */
  public readonly job: string;

  constructor(scope: Construct, id: string, props: CockroachServiceMonitorProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    this.job = checkDnsLabel("statefulSetName", props.statefulSetName, 52);
    this.manifest = new Manifest(this, "service-monitor", {
      provider: props.provider,
      manifest: {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: "ServiceMonitor",
        metadata: { name: this.job, namespace, labels: { ...checkLabels("labels", props.labels ?? {}) } },
        spec: {
          selector: { matchLabels: { ...selectorLabels(this.job), [METRICS_SERVICE_LABEL]: "true" } },
          namespaceSelector: { matchNames: [namespace] },
          endpoints: [
            {
              port: "http",
              path: COCKROACH_METRICS_PATH,
              scheme: "https",
              interval: goDuration(checkDuration("intervalSeconds", props.intervalSeconds ?? 30, "seconds", SCRAPE_INTERVAL_SECONDS), "seconds"),
              // Only the CA certificate is read from the Secret; Prometheus dials pod IPs, so the
              // name to verify is one the node certificate covers.
              tlsConfig: {
                ca: { secret: { name: checkDnsSubdomain("caSecretName", props.caSecretName ?? NODE_CERTS_SECRET), key: "ca.crt" } },
                serverName: checkDnsLabel("serverName", props.serverName ?? DEFAULT_PUBLIC_SERVICE),
              },
            },
          ],
        },
      },
    });
  }
}
