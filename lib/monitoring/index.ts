export { PROMETHEUS_OPERATOR_API_VERSION, checkLabels, cockroachAlertRules } from "./common";
export type { AlertRule, CockroachAlertOptions } from "./common";
export * from "./cockroach-service-monitor";
export * from "./cockroach-alert-rules";
export * from "./skupper-router-pod-monitor";
