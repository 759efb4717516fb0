import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkNamespace } from "../core/validation";
import { AlertRule, CockroachAlertOptions, PROMETHEUS_OPERATOR_API_VERSION, checkLabels, cockroachAlertRules } from "./common";

export interface CockroachAlertRulesProps extends Omit<CockroachAlertOptions, "namespace"> {
  readonly provider: KubernetesProvider;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /**
   * Labels the Prometheus selects rules by (its `ruleSelector`), e.g. `{ release: "kube-prometheus-stack" }`.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Prometheus Operator PrometheusRule with CockroachDB's alerts for one site (see
 * cockroachAlertRules). A kubernetes_manifest: the PrometheusRule CRD must exist when
 * Terraform PLANS.
 */
export class CockroachAlertRules extends Construct {
  public readonly manifest: Manifest;
  public readonly rules: readonly AlertRule[];

  constructor(scope: Construct, id: string, props: CockroachAlertRulesProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    this.rules = cockroachAlertRules({ ...props, namespace });
    this.manifest = new Manifest(this, "prometheus-rule", {
      provider: props.provider,
      manifest: {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: "PrometheusRule",
        metadata: { name: `${props.job}-alerts`, namespace, labels: { ...checkLabels("labels", props.labels ?? {}) } },
        spec: { groups: [{ name: `cockroachdb-${props.job}`, rules: this.rules }] },
      },
    });
  }
}
