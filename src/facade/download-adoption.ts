import type { AtlasClient, FindCreated } from '../atlas/atlas-client.js';
import { findDownloadJob, type DownloadJobLookup } from '../atlas/find-download-job.js';
import { redactSecrets } from '../errors/redact-secrets.js';
import type { DownloadAdoptedEvent } from '../events/shim-event.js';
import { normalizeRestoreJob } from '../model/normalize.js';
import { describeFailure, type AttemptFailure } from '../retry/attempt-failure.js';

// A content type is the only part of a failure Atlas (or a proxy) writes: keep a report of it short.
const MAX_FAILURE_LENGTH = 120;

/** The failure of the download POST in a few words, masked and bounded, for the adoption report. */
function shortFailure(failure: AttemptFailure): string {
  const text = redactSecrets(describeFailure(failure));
  return text.length > MAX_FAILURE_LENGTH ? `${text.slice(0, MAX_FAILURE_LENGTH)}…` : text;
}

function statusOf(failure: AttemptFailure): number | undefined {
  return failure.kind === 'connect' || failure.kind === 'connection' ? undefined : failure.status;
}

/**
 * The `findCreated` of a download POST: looks for the job an ambiguous attempt may have
 * created (see `findDownloadJob`), and, when there is one, hands `onAdopted` the
 * `download-adopted` event that reports it. The caller emits the event once the call has
 * answered with that job, so a report always matches the answer.
 */
export function adoptingLookup(client: AtlasClient, lookup: DownloadJobLookup, onAdopted: (event: DownloadAdoptedEvent) => void): FindCreated {
  return async (since, signal, failure) => {
    const found = await findDownloadJob(client, lookup, since, signal);
    if (found === undefined) return undefined;
    // chooseAdoptableJob only picks jobs that have an id; the guard keeps the event's type honest.
    const jobId = normalizeRestoreJob(lookup.route, found).id;
    if (jobId !== undefined) {
      const { route, groupId, clusterName, snapshotId } = lookup;
      onAdopted({ type: 'download-adopted', groupId, clusterName, snapshotId, route, jobId, failure: shortFailure(failure), status: statusOf(failure) });
    }
    return found;
  };
}
