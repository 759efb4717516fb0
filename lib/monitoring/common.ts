/**
 * Facts shared by the Prometheus Operator objects: their API, label rules, and CockroachDB's
 * alerts as PromQL. The alerts follow cockroachdb/cockroach monitoring/rules/alerts.rules.yml
 * (expressions and thresholds), scoped to one site's nodes by the scrape job, plus what that
 * file lacks: under-replicated ranges, fewer live nodes than deployed, certificates expiring
 * within 30 days, and a stale backup.
 */
import { checkDnsLabel, checkInteger, fail } from "../core/validation";
import { checkDuration, type DurationRange } from "../core/units";

/** API group/version of ServiceMonitor, PodMonitor and PrometheusRule. */
export const PROMETHEUS_OPERATOR_API_VERSION = "monitoring.coreos.com/v1";

/** Scrape intervals a monitor accepts: past Prometheus's 5-minute lookback, queries find no sample between two scrapes. */
export const SCRAPE_INTERVAL_SECONDS: DurationRange = { min: 1, max: 300 };

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Labels a Prometheus selects its monitors and rules by (e.g. `release: kube-prometheus-stack`),
 * checked as Kubernetes labels: an optional DNS-subdomain prefix and `/`, a name of 1-63
 * characters, a value of at most 63.
 */
export function checkLabels(field: string, labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.indexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (!LABEL_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))) {
      fail(`${field}[${JSON.stringify(key)}]`, key, 'Use a label key: an optional DNS-subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".".');
    }
    if (typeof value !== "string" || !LABEL_VALUE.test(value)) {
      fail(`${field}[${JSON.stringify(key)}]`, value, 'Use a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.');
    }
  }
  return labels;
}

/** One Prometheus alerting rule (PrometheusRule spec.groups[].rules[]). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: "critical" | "warning" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface CockroachAlertOptions {
  /** The scrape job of this site's nodes: the ServiceMonitor's Service, i.e. the StatefulSet name. */
  readonly job: string;
  /** The site namespace (the ServiceMonitor's targets carry it as `namespace`). */
  readonly namespace: string;
  /** CockroachDB nodes in the whole cluster, every site: fewer live nodes than this alert. */
  readonly expectedNodes: number;
  /**
   * Alert when no backup schedule has completed for this long. Needs schedules created with
   * `updates_cluster_last_backup_time_metric`; undefined: no backup alert.
   */
  readonly backupMaxAgeHours?: number;
}

/** CockroachDB clock offset alert threshold (upstream: nodes stop at 80% of the 500 ms max offset). */
const CLOCK_OFFSET_NANOS = "300 * 1000 * 1000";
const CERTIFICATE_WARNING_DAYS = 30;

/**
 * The alerts for one site's Prometheus. Each cluster's Prometheus sees its own site's nodes;
 * node liveness, range and backup metrics describe the whole cluster as those nodes see it,
 * so the surviving sites alert when one is lost.
 */
export function cockroachAlertRules(options: CockroachAlertOptions): AlertRule[] {
  const job = checkDnsLabel("job", options.job);
  const namespace = checkDnsLabel("namespace", options.namespace);
  const expected = checkInteger("expectedNodes", options.expectedNodes, 1);
  const sel = `job="${job}", namespace="${namespace}"`;
  const rules: AlertRule[] = [
    {
      alert: "CockroachNodeDown",
      expr: `up{${sel}} == 0`,
      for: "15m",
      labels: { severity: "critical" },
      annotations: { summary: "CockroachDB node {{ $labels.instance }} is down", description: "The node's metrics endpoint has not answered for 15 minutes." },
    },
    {
      alert: "CockroachLiveNodesBelowDeployed",
      expr: `max(liveness_livenodes{${sel}}) < ${expected}`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Fewer CockroachDB nodes are live than deployed",
        description: `{{ $value }} of the ${expected} deployed nodes are live, as the best-informed node of this site sees it; another site may be lost.`,
      },
    },
    {
      alert: "CockroachRangesUnavailable",
      expr: `sum(ranges_unavailable{${sel}}) > 0`,
      for: "10m",
      labels: { severity: "critical" },
      annotations: { summary: "{{ $value }} ranges are unavailable", description: "Ranges have lost their quorum: reads and writes to them fail." },
    },
    {
      alert: "CockroachRangesUnderReplicated",
      expr: `sum(ranges_underreplicated{${sel}}) > 0`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "{{ $value }} ranges are under-replicated",
        description: "Ranges have fewer replicas than configured: losing another node or site may make them unavailable.",
      },
    },
    {
      alert: "CockroachCertificateExpiresSoon",
      // Comparisons keep the metric name, so each certificate kind stays its own series.
      expr: `{__name__=~"security_certificate_expiration_(ca|client_ca|node|node_client)", ${sel}} > 0 < (time() + ${CERTIFICATE_WARNING_DAYS} * 86400)`,
      labels: { severity: "warning" },
      annotations: {
        summary: "A certificate of node {{ $labels.instance }} expires within 30 days",
        description: "{{ $labels.__name__ }} expires at {{ $value | humanizeTimestamp }}; rotate it (README: certificates).",
      },
    },
    {
      alert: "CockroachClockOffsetNearMax",
      expr: `clock_offset_meannanos{${sel}} > ${CLOCK_OFFSET_NANOS}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Clock of node {{ $labels.instance }} is offset from the cluster",
        description: "The node's clock is {{ $value }} ns off the cluster mean; it stops itself at 400 ms. Check its NTP.",
      },
    },
    {
      alert: "CockroachStoreDiskLow",
      expr: `capacity_available{${sel}} / capacity{${sel}} < 0.15`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Store {{ $labels.store }} of node {{ $labels.instance }} has under 15% disk left",
        description: "Raise cockroach.storageSize (volumes expand in place) or add nodes.",
      },
    },
  ];
  if (options.backupMaxAgeHours !== undefined) {
    const hours = checkDuration("backupMaxAgeHours", options.backupMaxAgeHours, "hours", { min: 1, max: 8760 });
    rules.push({
      alert: "CockroachBackupStale",
      // The gauge is 0 on nodes that never completed a backup, so max over the site's nodes.
      expr: `time() - max(schedules_BACKUP_last_completed_time{${sel}}) > ${hours} * 3600`,
      for: "15m",
      labels: { severity: "critical" },
      annotations: {
        summary: `No backup schedule has succeeded in ${hours} hours`,
        description:
          "schedules.BACKUP.last-completed-time has not moved: check SHOW SCHEDULES and the last BACKUP jobs. It counts only schedules with updates_cluster_last_backup_time_metric.",
      },
    });
  }
  return rules;
}
