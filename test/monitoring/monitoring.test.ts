import { parser } from "@prometheus-io/lezer-promql";
import { CockroachStatefulSet, NODE_CERTS_SECRET } from "../../lib/database";
import { PROMETHEUS_SCRAPE_ANNOTATIONS } from "../../lib/database/cockroach-statefulset";
import {
  CockroachAlertRules,
  CockroachServiceMonitor,
  SkupperRouterPodMonitor,
  checkLabels,
  cockroachAlertRules,
} from "../../lib/monitoring";
import { Json, resources, synth } from "../database/helpers";

const SITES = [
  { siteName: "aws", statefulSetName: "crdb-aws", replicas: 3 },
  { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 3 },
  { siteName: "azure", statefulSetName: "crdb-azure", replicas: 2 },
];

/** PromQL syntax errors as the Prometheus project's own grammar finds them. */
function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({ enter: (node) => void (node.type.isError && errors.push(node.from)) });
  return errors;
}

const manifests = (json: Json, kind: string): Json[] => resources(json, "kubernetes_manifest").map((m) => m.manifest).filter((m) => m.kind === kind);

describe("CockroachDB alert rules", () => {
  const rules = cockroachAlertRules({ job: "crdb-aws", namespace: "cockroachdb", expectedNodes: 8, backupMaxAgeHours: 25 });
  const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));

  test("the parser this test relies on finds errors", () => {
    expect(promqlErrors("sum(rate(x[5m]) by")).not.toEqual([]);
    expect(promqlErrors('up{job="x"} == 0')).toEqual([]);
  });

  test("every expression is valid PromQL scoped to the site's scrape job and namespace", () => {
    for (const rule of rules) {
      expect({ alert: rule.alert, errors: promqlErrors(rule.expr) }).toEqual({ alert: rule.alert, errors: [] });
      expect(rule.expr).toContain('job="crdb-aws", namespace="cockroachdb"');
      // Terraform would interpolate these inside a kubernetes_manifest string.
      expect(JSON.stringify(rule)).not.toMatch(/[$%]\{/);
    }
  });

  test("node down, ranges, certificates within 30 days, clock offset, disk and a 25-hour backup, on CockroachDB's metrics", () => {
    expect(Object.keys(byName)).toEqual([
      "CockroachNodeDown",
      "CockroachLiveNodesBelowDeployed",
      "CockroachRangesUnavailable",
      "CockroachRangesUnderReplicated",
      "CockroachCertificateExpiresSoon",
      "CockroachClockOffsetNearMax",
      "CockroachStoreDiskLow",
      "CockroachBackupStale",
    ]);
    expect(byName.CockroachNodeDown).toMatchObject({ expr: 'up{job="crdb-aws", namespace="cockroachdb"} == 0', for: "15m", labels: { severity: "critical" } });
    expect(byName.CockroachLiveNodesBelowDeployed.expr).toBe('max(liveness_livenodes{job="crdb-aws", namespace="cockroachdb"}) < 8');
    expect(byName.CockroachRangesUnavailable.expr).toMatch(/^sum\(ranges_unavailable\{.*\}\) > 0$/);
    expect(byName.CockroachRangesUnderReplicated.expr).toMatch(/^sum\(ranges_underreplicated\{.*\}\) > 0$/);
    expect(byName.CockroachCertificateExpiresSoon.expr).toBe(
      '{__name__=~"security_certificate_expiration_(ca|client_ca|node|node_client)", job="crdb-aws", namespace="cockroachdb"} > 0 < (time() + 30 * 86400)',
    );
    expect(byName.CockroachClockOffsetNearMax.expr).toBe('clock_offset_meannanos{job="crdb-aws", namespace="cockroachdb"} > 300 * 1000 * 1000');
    expect(byName.CockroachStoreDiskLow.expr).toMatch(/^capacity_available\{.*\} \/ capacity\{.*\} < 0\.15$/);
    // schedules.BACKUP.last-completed-time as Prometheus names it.
    expect(byName.CockroachBackupStale.expr).toBe('time() - max(schedules_BACKUP_last_completed_time{job="crdb-aws", namespace="cockroachdb"}) > 25 * 3600');
  });

  test("no backup alert without a maximum age; bad inputs fail", () => {
    expect(cockroachAlertRules({ job: "crdb-aws", namespace: "cockroachdb", expectedNodes: 3 }).map((r) => r.alert)).not.toContain("CockroachBackupStale");
    expect(() => cockroachAlertRules({ job: 'x"}', namespace: "cockroachdb", expectedNodes: 3 })).toThrow('job: invalid value "x\\"}".');
    expect(() => cockroachAlertRules({ job: "crdb-aws", namespace: "cockroachdb", expectedNodes: 0 })).toThrow("expectedNodes: invalid value 0.");
  });

  test("the PrometheusRule carries the rules and the Prometheus's selector labels", () => {
    const json = synth((stack, p) => new CockroachAlertRules(stack, "alerts", { provider: p.kubernetes, job: "crdb-aws", expectedNodes: 8, labels: { release: "kube-prometheus-stack" } }));
    const [rule] = manifests(json, "PrometheusRule");
    expect(rule.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(rule.metadata).toEqual({ name: "crdb-aws-alerts", namespace: "cockroachdb", labels: { release: "kube-prometheus-stack" } });
    expect(rule.spec.groups).toHaveLength(1);
    expect(rule.spec.groups[0].rules.map((r: Json) => r.alert)).toContain("CockroachRangesUnavailable");
  });
});

describe("scraping CockroachDB", () => {
  const json = synth((stack, p) => {
    const db = new CockroachStatefulSet(stack, "db", { provider: p.kubernetes, siteName: "aws", sites: SITES, locality: { cloud: "aws", region: "us-east-1" } });
    new CockroachServiceMonitor(stack, "metrics", { provider: p.kubernetes, statefulSetName: db.name });
  });
  const services = resources(json, "kubernetes_service_v1");
  const [monitor] = manifests(json, "ServiceMonitor");
  const selects = (labels: Record<string, string>) =>
    Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v);

  test("the pods always carry the scrape annotations for /_status/vars on the HTTP port over HTTPS", () => {
    const [sts] = resources(json, "kubernetes_stateful_set_v1");
    expect(sts.spec.template.metadata.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/scheme": "https",
      "prometheus.io/path": "/_status/vars",
      "prometheus.io/port": "8080",
    });
    const container = sts.spec.template.spec.container[0];
    expect(container.port).toContainEqual({ name: "http", container_port: Number(PROMETHEUS_SCRAPE_ANNOTATIONS["prometheus.io/port"]) });
    // The probe proves the port speaks HTTPS.
    expect(container.readiness_probe.http_get).toMatchObject({ port: "http", scheme: "HTTPS" });
  });

  test("the ServiceMonitor selects exactly the governing Service, so every node is one target", () => {
    const selected = services.filter((s) => selects(s.metadata.labels));
    expect(selected.map((s) => s.metadata.name)).toEqual(["crdb-aws"]);
    expect(selected[0].spec.cluster_ip).toBe("None");
    expect(selected[0].spec.port.map((p: Json) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ["cockroachdb"] });
  });

  test("HTTPS verified with the cluster CA from the node certificate Secret, for a name the certificate covers", () => {
    const [sts] = resources(json, "kubernetes_stateful_set_v1");
    const secretNames = sts.spec.template.spec.volume.filter((v: Json) => v.secret).map((v: Json) => v.secret.secret_name ?? v.secret.secretName);
    expect(secretNames).toContain(NODE_CERTS_SECRET);
    expect(monitor.spec.endpoints).toEqual([
      {
        port: "http",
        path: "/_status/vars",
        scheme: "https",
        interval: "30s",
        tlsConfig: { ca: { secret: { name: NODE_CERTS_SECRET, key: "ca.crt" } }, serverName: "cockroachdb-public" },
      },
    ]);
  });
});

describe("SkupperRouterPodMonitor", () => {
  test("scrapes every router group's pods on Skupper 2.2.1's health-and-metrics port", () => {
    const json = synth((stack, p) => new SkupperRouterPodMonitor(stack, "router", { provider: p.kubernetes, labels: { release: "prom" } }));
    const [monitor] = manifests(json, "PodMonitor");
    expect(monitor).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: "skupper-router", namespace: "cockroachdb", labels: { release: "prom" } },
      spec: {
        selector: { matchLabels: { "skupper.io/component": "router" } },
        namespaceSelector: { matchNames: ["cockroachdb"] },
        podMetricsEndpoints: [{ port: "http", path: "/metrics", interval: "30s" }],
      },
    });
  });
});

describe("checkLabels", () => {
  test.each([
    [{ "Bad Key": "x" }, 'labels["Bad Key"]: invalid value "Bad Key". Use a label key'],
    [{ "Example.com/x": "x" }, 'labels["Example.com/x"]: invalid value "Example.com/x". Use a label key'],
    [{ release: "a b" }, 'labels["release"]: invalid value "a b". Use a label value'],
    [{ release: "x".repeat(64) }, `labels["release"]: invalid value "${"x".repeat(64)}". Use a label value`],
  ])("rejects %j", (labels, message) => {
    expect(() => checkLabels("labels", labels)).toThrow(message);
  });

  test("accepts prefixed keys and empty values", () => {
    expect(checkLabels("labels", { "app.kubernetes.io/part-of": "", release: "kube-prometheus-stack" })).toBeDefined();
  });
});
