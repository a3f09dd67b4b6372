import { createHash } from 'node:crypto';
import { ShimError } from '../errors/shim-error.js';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { ProgressCallbackFailure } from './progress.js';
import type { SaveContext, SavedSnapshot } from './save-snapshot-file.js';
import { discardBody, requestSnapshot, type SnapshotResponse } from './snapshot-response.js';
import { describeSnapshotUrl } from './snapshot-source.js';
import { connectionLostError, DestinationWriteFailure, writeBodyToStream, writeFailedError } from './transfer.js';

/**
 * Saves the snapshot into the caller's stream, which is left open. Bytes given to a
 * stream cannot be taken back, so there is no resume: a request that fails before the
 * first byte is retried (up to `maxResumeAttempts`), one that fails after is an error.
 */
export async function saveToStream(stream: NodeJS.WritableStream, context: SaveContext): Promise<SavedSnapshot> {
  const { lease, dispatcher, options, meter } = context;
  const { signal } = options;
  const nothingWritten = (): Promise<number> => Promise.resolve(0);
  let cuts = 0;
  for (;;) {
    signal?.throwIfAborted();
    await lease.ensureFresh(signal, nothingWritten);
    let response: SnapshotResponse;
    try {
      response = await requestSnapshot({ dispatcher, url: lease.url, offset: 0, validator: undefined, signal, bytesWritten: 0 });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ShimError) throw error;
      cuts += 1;
      if (cuts > options.maxResumeAttempts) throw connectionLostError(error, lease.url, cuts, options.maxResumeAttempts, 0);
      continue;
    }
    if (response.kind === 'expired') {
      await lease.renewAfterRefusal(response.status, signal, nothingWritten);
      continue;
    }
    if (response.kind !== 'whole') {
      // Unreachable: no Range was sent, so requestSnapshot refuses 206 and 416 itself.
      if (response.kind === 'rest') await discardBody(response.body);
      throw new SnapshotTransferError(`The snapshot host sent a partial answer to a request for the whole file.`, { phase: 'transfer' });
    }

    const hash = createHash('sha256');
    meter.startAt(0, response.total);
    try {
      await writeBodyToStream(response.body, stream, { hash, meter, signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ProgressCallbackFailure) throw error.cause;
      if (error instanceof DestinationWriteFailure) throw writeFailedError(error, 'the destination stream', lease.url, meter.position);
      throw new SnapshotTransferError(
        `Downloading ${describeSnapshotUrl(lease.url)} into a stream was interrupted after ${meter.position} bytes; ` +
          'a stream destination cannot be resumed.',
        { phase: 'transfer', bytesWritten: meter.position, cause: error },
      );
    }
    if (response.total !== undefined && meter.position !== response.total) {
      throw new SnapshotTransferError(
        `Downloading ${describeSnapshotUrl(lease.url)} into a stream failed: the body ended after ${meter.position} of ${response.total} bytes; ` +
          'a stream destination cannot be resumed.',
        { phase: 'transfer', bytesWritten: meter.position },
      );
    }
    meter.finish(meter.position);
    return { path: undefined, bytes: meter.position, sha256: hash.digest('hex') };
  }
}
