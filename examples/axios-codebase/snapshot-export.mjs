// An "existing codebase": exports a snapshot of a shared-tier (M2/M5) Atlas cluster through
// the tenant snapshot endpoints, with the application's axios instance (atlas-api.mjs), as
// code was written before their sunset on 2026-01-22. Nothing here knows about
// atlas-snapshot-shim: see README.md for the one line that keeps it working after the sunset.
import { setTimeout as sleep } from 'node:timers/promises';

/** The media type of the tenant operations (Accept and Content-Type). */
const MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';

/**
 * Requests a download of one snapshot and polls the restore job until Atlas has the file
 * ready.
 *
 * @param {import('axios').AxiosInstance} api The application's Atlas client (see atlas-api.mjs).
 * @param {object} input
 * @param {string} input.groupId The project id.
 * @param {string} input.clusterName The M2/M5 cluster.
 * @param {string} input.snapshotId The snapshot to export.
 * @param {number} [input.pollIntervalMs] Pause between two polls. Default 5000.
 * @param {number} [input.timeoutMs] Give up after this long. Default 15 minutes.
 * @returns {Promise<Record<string, unknown>>} the COMPLETED TenantRestore job, with its `snapshotUrl`.
 */
export async function exportSnapshot(api, { groupId, clusterName, snapshotId, pollIntervalMs = 5000, timeoutMs = 15 * 60_000 }) {
  const tenant = `/groups/${groupId}/clusters/${clusterName}/backup/tenant`;
  const headers = { Accept: MEDIA_TYPE };
  let { data: job } = await api.post(
    `${tenant}/download`,
    { snapshotId, targetDeploymentItemName: clusterName },
    { headers: { ...headers, 'Content-Type': MEDIA_TYPE } },
  );
  const deadline = Date.now() + timeoutMs;
  while (job.status !== 'COMPLETED') {
    if (job.status === 'FAILED') throw new Error(`Atlas reported restore job ${job.id} as FAILED`);
    if (Date.now() > deadline) throw new Error(`restore job ${job.id} was still ${job.status} after ${timeoutMs} ms`);
    await sleep(pollIntervalMs);
    ({ data: job } = await api.get(`${tenant}/restores/${job.id}`, { headers }));
  }
  return job;
}
