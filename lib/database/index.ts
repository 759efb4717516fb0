export {
  CERTS_DIR,
  COCKROACH_IMAGE,
  COCKROACH_METRICS_PATH,
  DEFAULT_PUBLIC_SERVICE,
  METRICS_SERVICE_LABEL,
  NODE_CERTS_SECRET,
  OPERATOR_CLIENT_CERTS_SECRET,
  OPERATOR_SQL_USER,
  ROOT_CLIENT_CERTS_SECRET,
} from "./common";
export { MAX_REPLICAS_PER_SITE, REGION_FAILURE_REPLICAS, checkSurvivalGoal, checkSurvivesRegionLoss, regionFailureCapacity } from "./sites";
export * from "./cluster-ca";
export * from "./ca-signed-certificate";
export * from "./node-certificate";
export * from "./client-certificate";
export * from "./cockroach-certs-secret";
export * from "./cockroach-statefulset";
export * from "./cockroach-cluster-init";
export * from "./cockroach-sql-client";
export * from "./cockroach-scale-down";
export * from "./cockroach-rollout-guard";
export * from "./cockroach-upgrade-finalize";
export * from "./provisioning";
export * from "./sql-users";
export * from "./sql-user-secret";
