// An "existing codebase": exports a snapshot of a shared-tier (M2/M5) Atlas cluster with
// plain HTTP calls to the tenant snapshot endpoints, as code was written before their
// sunset on 2026-01-22. Nothing here knows about atlas-snapshot-shim: see README.md for
// the one line that keeps it working after the sunset.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** The media type of the tenant operations (Accept and Content-Type). */
const MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';

/**
 * Requests a download of one snapshot and polls the restore job until Atlas has the file
 * ready.
 *
 * @param {object} input
 * @param {string} input.baseUrl Atlas origin, e.g. 'https://cloud.mongodb.com'.
 * @param {string} input.groupId The project id.
 * @param {string} input.clusterName The M2/M5 cluster.
 * @param {string} input.snapshotId The snapshot to export.
 * @param {string} input.token A service account's OAuth access token.
 * @param {number} [input.pollIntervalMs] Pause between two polls. Default 5000.
 * @param {number} [input.timeoutMs] Give up after this long. Default 15 minutes.
 * @param {import('undici').Dispatcher} [input.dispatcher] Where requests go. Default: undici's global dispatcher.
 * @returns {Promise<Record<string, unknown>>} the COMPLETED TenantRestore job, with its `snapshotUrl`.
 */
export async function exportSnapshot({ baseUrl, groupId, clusterName, snapshotId, token, pollIntervalMs = 5000, timeoutMs = 15 * 60_000, dispatcher }) {
  const tenant = `${baseUrl}/api/atlas/v2/groups/${groupId}/clusters/${clusterName}/backup/tenant`;
  const headers = { accept: MEDIA_TYPE, authorization: `Bearer ${token}` };
  let job = await callAtlas(`${tenant}/download`, {
    method: 'POST',
    headers: { ...headers, 'content-type': MEDIA_TYPE },
    body: JSON.stringify({ snapshotId, targetDeploymentItemName: clusterName }),
    dispatcher,
  });
  const deadline = Date.now() + timeoutMs;
  while (job.status !== 'COMPLETED') {
    if (job.status === 'FAILED') throw new Error(`Atlas reported restore job ${job.id} as FAILED`);
    if (Date.now() > deadline) throw new Error(`restore job ${job.id} was still ${job.status} after ${timeoutMs} ms`);
    await sleep(pollIntervalMs);
    job = await callAtlas(`${tenant}/restores/${job.id}`, { method: 'GET', headers, dispatcher });
  }
  return job;
}

async function callAtlas(url, options) {
  const response = await request(url, options);
  const text = await response.body.text();
  if (response.statusCode >= 400) {
    throw new Error(`${options.method} ${new URL(url).pathname} answered HTTP ${response.statusCode}: ${text}`);
  }
  if (response.headers['content-type'] !== MEDIA_TYPE) {
    throw new Error(`expected ${MEDIA_TYPE}, got ${response.headers['content-type']}`);
  }
  return JSON.parse(text);
}
