/** Types of `backup-job.mjs`, for the TypeScript test that drives it. */

/** The shared-tier operations the backup job calls (a subset of the legacy client's). */
export interface SharedTierSnapshotOperations {
  listClusterBackupSnapshots(groupId: string, clusterName: string): Promise<{ results?: readonly { id?: string; status?: string; finishTime?: string }[] }>;
  downloadClusterBackupTenant(
    groupId: string,
    clusterName: string,
    body: { snapshotId: string; targetDeploymentItemName: string },
  ): Promise<{ id?: string; status?: string; snapshotUrl?: string }>;
  getBackupTenantRestore(groupId: string, clusterName: string, restoreId: string): Promise<{ id?: string; status?: string; snapshotUrl?: string }>;
}

/**
 * Requests a download of the cluster's newest completed snapshot, waits for it, and
 * returns its `snapshotUrl`. Defaults: poll every 5 000 ms, give up after 900 000 ms.
 */
export function downloadLatestSnapshot(
  client: SharedTierSnapshotOperations,
  groupId: string,
  clusterName: string,
  options?: { pollIntervalMs?: number; timeoutMs?: number },
): Promise<string>;
