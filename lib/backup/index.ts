export * from "./names";
export * from "./backup-storage";
export * from "./s3-backup-bucket";
export * from "./gcs-backup-bucket";
export * from "./azure-backup-storage";
