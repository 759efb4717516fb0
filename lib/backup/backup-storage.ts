/**
 * What every cloud's backup storage construct hands to the rest of the deployment: where the
 * backups go and what the CockroachDB pods need so that the cloud's workload identity lets
 * them in without a key.
 */
import type { DurationRange } from "../core/units";

/** Props every backup storage construct takes besides its cloud's own. */
export interface BackupStorageProps {
  /**
   * Days a backup file is kept before the lifecycle rule deletes it. With a daily full backup,
   * every point in time of the last `retentionDays - 1` days stays restorable.
   * @default 30
   */
  readonly retentionDays?: number;
  /** Namespace of the CockroachDB ServiceAccount that gets access. */
  readonly namespace: string;
  /** The CockroachDB ServiceAccount (CockroachStatefulSet names it after the StatefulSet). */
  readonly serviceAccountName: string;
}

/** The workload identity side: what the ServiceAccount and the pods must carry. */
export interface WorkloadIdentityBinding {
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>>;
}

export interface BackupStorage extends WorkloadIdentityBinding {
  /** Collection URI for `BACKUP ... INTO` / `RESTORE ... FROM LATEST IN`; holds no secret. */
  readonly uri: string;
  /** Where the backups are, for people (console name of the bucket or container). */
  readonly location: string;
}

export const DEFAULT_RETENTION_DAYS = 30;
/** What every backup store accepts as `retentionDays` (the topology file's `backup.retentionDays` too). */
export const RETENTION_DAYS: DurationRange = { min: 1, max: 3650 };
/** How long a deleted or overwritten backup file stays recoverable (versions, soft delete). */
export const RECOVERY_WINDOW_DAYS = 7;
