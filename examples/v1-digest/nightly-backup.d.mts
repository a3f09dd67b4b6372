/** What `backupNewestSnapshot` needs (see nightly-backup.mjs). */
export interface BackupInput {
  readonly baseUrl: string;
  readonly groupId: string;
  readonly clusterName: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly file: string;
  readonly pollIntervalMs?: number;
}

/** Saves the newest COMPLETED snapshot of an M2/M5 cluster through the v1.0 tenant endpoints, with digest auth. */
export function backupNewestSnapshot(input: BackupInput): Promise<{ snapshotId: string; job: Record<string, unknown>; bytes: number }>;
