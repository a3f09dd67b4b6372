/**
 * The nightly backup job of an existing codebase: it downloads the newest snapshot of a
 * shared-tier (M2/M5) cluster through the Atlas Admin API's shared-tier operations, the
 * way code written against the Atlas Admin SDK calls them.
 *
 * Nothing here changed for the Flex migration. `client` is whatever exposes those
 * operations: the old SDK client before, `createLegacyClient(...)` from
 * `atlas-snapshot-shim/adapters/legacy-client` now (see README.md).
 */

const DEFAULTS = {
  /** How long to wait between two reads of the download job. */
  pollIntervalMs: 5_000,
  /** How long the download job may take before the backup job gives up. */
  timeoutMs: 15 * 60_000,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Requests a download of the cluster's newest completed snapshot, waits for the download
 * job to complete, and returns its `snapshotUrl` (valid for four hours).
 *
 * @param client an Atlas client with the shared-tier snapshot operations
 * @param {string} groupId the project id
 * @param {string} clusterName the cluster
 * @param {{ pollIntervalMs?: number, timeoutMs?: number }} [options] defaults: poll every 5 s, give up after 15 min
 * @returns {Promise<string>} the snapshot's download URL
 */
export async function downloadLatestSnapshot(client, groupId, clusterName, options = {}) {
  const { pollIntervalMs, timeoutMs } = { ...DEFAULTS, ...options };

  const { results = [] } = await client.listClusterBackupSnapshots(groupId, clusterName);
  const newest = results
    .filter((snapshot) => snapshot.status === 'COMPLETED')
    .sort((a, b) => Date.parse(b.finishTime) - Date.parse(a.finishTime))[0];
  if (newest === undefined) throw new Error(`Cluster ${clusterName} has no completed snapshot yet.`);

  const requested = await client.downloadClusterBackupTenant(groupId, clusterName, {
    snapshotId: newest.id,
    targetDeploymentItemName: clusterName,
  });

  const deadline = Date.now() + timeoutMs;
  let restore = requested;
  while (restore.status !== 'COMPLETED') {
    if (restore.status === 'FAILED') throw new Error(`Download job ${requested.id} of snapshot ${newest.id} failed.`);
    if (Date.now() >= deadline) {
      throw new Error(`Download job ${requested.id} did not complete within ${timeoutMs} ms (last status ${restore.status}).`);
    }
    await sleep(pollIntervalMs);
    restore = await client.getBackupTenantRestore(groupId, clusterName, requested.id);
  }
  return restore.snapshotUrl;
}
