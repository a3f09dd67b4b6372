import { createHash, type Hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShimError } from '../errors/shim-error.js';
import { SnapshotTransferError } from '../errors/download-errors.js';
import {
  commitPartial,
  hashPartial,
  partialFileFor,
  partialSize,
  readValidators,
  removePartial,
  writeValidators,
  type PartialFile,
  type PartialValidators,
} from './partial-file.js';
import { lockPartial } from './partial-lock.js';
import { ProgressCallbackFailure } from './progress.js';
import type { SaveContext, SavedSnapshot } from './save-snapshot-file.js';
import { discardBody, requestSnapshot, type SnapshotResponse } from './snapshot-response.js';
import { connectionLostError, DestinationWriteFailure, sizeMismatchError, writeBodyToFile, writeFailedError } from './transfer.js';

// Errors after which the partial bytes are not worth keeping: they are wrong, or the snapshot is gone.
const untrustworthy = new WeakSet<object>();

function keepsPartial(error: unknown): boolean {
  if (error instanceof DestinationWriteFailure) return false;
  if (!(error instanceof SnapshotTransferError)) return true; // an abort, renew() or onProgress failing: the bytes are fine
  if (error.phase !== 'transfer' || untrustworthy.has(error)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 403 || error.status === 410;
}

async function trustedValidators(file: PartialFile, sourcePath: string): Promise<PartialValidators | undefined> {
  const validators = await readValidators(file);
  if (validators === undefined || validators.sourcePath !== sourcePath) return undefined;
  const size = await partialSize(file);
  return validators.total !== undefined && size > validators.total ? undefined : validators;
}

// A 206 continues the partial file only when it starts where the file ends and is of the same content.
function continuesPartial(response: Extract<SnapshotResponse, { kind: 'rest' }>, offset: number, known: PartialValidators): boolean {
  if (response.start !== offset) return false;
  if (known.total !== undefined && response.total !== known.total) return false;
  return known.etag === undefined || response.etag === undefined || response.etag === known.etag;
}

async function onDisk<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DestinationWriteFailure || (error as Error).name === 'AbortError' ? error : new DestinationWriteFailure(error);
  }
}

// The pause before the n-th attempt after a transient host error is n times this.
const HOST_RETRY_PAUSE_MS = 250;

/** A snapshot host answer worth trying again: a server error or a throttle, not a refusal. */
function isTransientHostError(error: unknown): boolean {
  return error instanceof SnapshotTransferError && error.phase === 'transfer' && [429, 500, 502, 503, 504].includes(error.status ?? 0);
}

/**
 * Saves the snapshot into a partial file beside `path`, resuming and renewing as needed,
 * then renames it to `path`. See `saveSnapshotFile` for the whole contract. The partial
 * file is locked for the whole save: a second save of the same snapshot to the same path
 * fails before any request instead of writing into the same file.
 */
export async function saveToFile(path: string, context: SaveContext): Promise<SavedSnapshot> {
  const file = partialFileFor(path, context.lease.url.pathname);
  const lock = await lockPartial(file, path);
  try {
    return await saveInto(file, path, context);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function saveInto(file: PartialFile, path: string, context: SaveContext): Promise<SavedSnapshot> {
  const { lease, dispatcher, options, meter } = context;
  const { signal, resume } = options;
  const bytesOnDisk = (): Promise<number> => partialSize(file).catch(() => 0);
  let cuts = 0;
  const survive = async (error: unknown): Promise<void> => {
    cuts += 1;
    if (cuts > options.maxResumeAttempts) throw connectionLostError(error, lease.url, cuts, options.maxResumeAttempts, await bytesOnDisk());
  };

  try {
    let known = resume ? await onDisk(() => trustedValidators(file, lease.url.pathname)) : undefined;
    if (known === undefined) await onDisk(() => removePartial(file));
    for (;;) {
      signal?.throwIfAborted();
      await lease.ensureFresh(signal, bytesOnDisk);
      // After a renewal the URL path may differ; only an ETag then proves the partial bytes are this snapshot's.
      const resumable = resume && known !== undefined && (known.etag !== undefined || known.sourcePath === lease.url.pathname);
      const offset = resumable ? await onDisk(() => partialSize(file)) : 0;
      // Hashed before the request, so a slow disk never stalls an open response body.
      const partialHash = await onDisk(() => hashPartial(file, offset, signal));

      let response: SnapshotResponse;
      try {
        response = await requestSnapshot({ dispatcher, url: lease.url, offset, etag: known?.etag, signal, bytesWritten: offset });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (isTransientHostError(error)) {
          // Object stores answer 500/503 when they throttle and expect the client to try again:
          // it costs one of the resume attempts, after a short pause that grows with each one.
          // Out of attempts, the host's own answer (with its status) says the most.
          if (cuts >= options.maxResumeAttempts) throw error;
          cuts += 1;
          await sleep(HOST_RETRY_PAUSE_MS * cuts, undefined, { signal });
          continue;
        }
        if (error instanceof ShimError) throw error;
        await survive(error);
        continue;
      }
      if (response.kind === 'expired') {
        await lease.renewAfterRefusal(response.status, signal, bytesOnDisk);
        continue;
      }
      if (response.kind === 'range-refused' || (response.kind === 'rest' && !continuesPartial(response, offset, known!))) {
        // The partial file cannot be continued (changed content, a 416, a 206 from elsewhere): start over.
        if (response.kind === 'rest') await discardBody(response.body);
        known = undefined;
        await onDisk(() => removePartial(file));
        continue;
      }

      const append = response.kind === 'rest';
      const validators: PartialValidators = append ? known! : { sourcePath: lease.url.pathname, etag: response.etag, total: response.total };
      known = validators;
      const total = validators.total ?? response.total;
      const hash: Hash = append ? partialHash : createHash('sha256');
      meter.startAt(append ? offset : 0, total);
      try {
        await writeBodyToFile(response.body, file, {
          append,
          hash,
          meter,
          signal,
          // Truncate first, then record: a crash in between leaves an empty file, never old bytes under new validators.
          beforeWrite: append ? undefined : () => writeValidators(file, validators),
        });
      } catch (error) {
        if (signal?.aborted || error instanceof DestinationWriteFailure || error instanceof ProgressCallbackFailure) throw error;
        await survive(error);
        continue;
      }

      const size = await onDisk(() => partialSize(file));
      if (total !== undefined && size < total) {
        await survive(new Error(`the body ended after ${size} of ${total} bytes`));
        continue;
      }
      if (total !== undefined && size > total) {
        const error = sizeMismatchError(lease.url, size, total);
        untrustworthy.add(error);
        throw error;
      }
      await onDisk(() => commitPartial(file, path));
      meter.finish(size);
      return { path, bytes: size, sha256: hash.digest('hex') };
    }
  } catch (error) {
    const written = await bytesOnDisk();
    if (!(resume && written > 0 && keepsPartial(error))) await removePartial(file).catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    if (error instanceof ProgressCallbackFailure) throw error.cause;
    if (error instanceof DestinationWriteFailure) throw writeFailedError(error, JSON.stringify(file.path), lease.url, written);
    throw error;
  }
}
