import { createHash, type Hash } from 'node:crypto';
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
import { ContentChanged, layoutFromFirstAnswer, saveInParts, trustedParts, type RecordedParts } from './save-in-parts.js';
import { contentValidator, discardBody, requestSnapshot, type SnapshotResponse } from './snapshot-response.js';
import { DestinationWriteFailure, isTransientHostError, ResumeBudget, sizeMismatchError, writeBodyToFile, writeFailedError } from './transfer.js';

// Errors after which the partial bytes are not worth keeping: they are wrong, or the snapshot is gone.
const untrustworthy = new WeakSet<object>();

function keepsPartial(error: unknown): boolean {
  if (error instanceof DestinationWriteFailure) return false;
  if (!(error instanceof SnapshotTransferError)) return true; // an abort, renew() or onProgress failing: the bytes are fine
  if (error.phase !== 'transfer' || untrustworthy.has(error)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 403 || error.status === 410;
}

// The record of a single-stream save: the partial file is the snapshot's first bytes.
async function trustedPrefix(record: PartialValidators, file: PartialFile, sourcePath: string): Promise<PartialValidators | undefined> {
  if (record.parts !== undefined || record.sourcePath !== sourcePath) return undefined;
  const size = await partialSize(file);
  return record.total !== undefined && size > record.total ? undefined : record;
}

/** What an interrupted earlier call left that this one can continue: a prefix, recorded parts, or nothing. */
async function resumable(file: PartialFile, sourcePath: string): Promise<PartialValidators | RecordedParts | undefined> {
  const record = await readValidators(file);
  if (record === undefined) return undefined;
  if (record.parts !== undefined) return trustedParts(record, await partialSize(file), sourcePath);
  return trustedPrefix(record, file, sourcePath);
}

// A 206 continues the partial file only when it starts where the file ends and is of the same content.
function continuesPartial(response: Extract<SnapshotResponse, { kind: 'rest' }>, offset: number, known: PartialValidators): boolean {
  if (response.start !== offset || (response.total !== undefined && response.end !== response.total - 1)) return false;
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
  // The URL path the partial file was chosen by; a renewal may bring another.
  const sourcePath = lease.url.pathname;
  const bytesOnDisk = (): Promise<number> => partialSize(file).catch(() => 0);
  const budget = new ResumeBudget(options.maxResumeAttempts, () => lease.url, bytesOnDisk);
  // One stream when asked for, or once the host showed it cannot serve parts.
  let oneStream = options.connections === 1;

  try {
    let known = resume ? await onDisk(() => resumable(file, sourcePath)) : undefined;
    if (known === undefined) await onDisk(() => removePartial(file));
    for (;;) {
      signal?.throwIfAborted();
      await lease.ensureFresh(signal, budget.saved);
      if (known !== undefined && 'layout' in known) {
        // An earlier call saved some of the parts: fetch the others.
        const recorded = known;
        known = undefined;
        const saved = await inParts(() => saveInParts(file, path, sourcePath, context, recorded, budget));
        if (saved !== undefined) return saved;
        continue;
      }
      // After a renewal the URL path may differ; only an ETag then proves the partial bytes are this snapshot's.
      const continuing = resume && known !== undefined && (known.etag !== undefined || known.sourcePath === lease.url.pathname);
      const offset = continuing ? await onDisk(() => partialSize(file)) : 0;
      // A fresh save asks for the first part only: a host that serves parts then gets the others in parallel.
      const firstPart = offset === 0 && !oneStream ? options.partSizeBytes - 1 : undefined;
      // Hashed before the request, so a slow disk never stalls an open response body.
      const partialHash = await onDisk(() => hashPartial(file, offset, signal));

      let response: SnapshotResponse;
      try {
        response = await requestSnapshot({
          dispatcher,
          url: lease.url,
          offset,
          end: firstPart,
          // Only a continuation is conditional: the first part of a fresh save is asked for as it is.
          validator: offset > 0 ? contentValidator(known?.etag, undefined) : undefined,
          signal,
          bytesWritten: offset,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (isTransientHostError(error)) {
          await budget.pauseAfter(error, signal);
          continue;
        }
        if (error instanceof ShimError) throw error;
        await budget.survive(error);
        continue;
      }
      if (response.kind === 'expired') {
        await lease.renewAfterRefusal(response.status, signal, budget.saved);
        continue;
      }
      if (firstPart !== undefined && !(response.kind === 'whole' || wholeFileIn(response))) {
        const layout = layoutFromFirstAnswer(response, options.partSizeBytes);
        if (layout !== undefined && response.kind === 'rest') {
          const first = response.body;
          known = undefined;
          const saved = await inParts(() => saveInParts(file, path, sourcePath, context, { layout, firstBody: first }, budget));
          if (saved !== undefined) return saved;
          continue;
        }
        // A 206 without a total or a validator, or a 416 (an empty file): one plain stream.
        if (response.kind === 'rest') await discardBody(response.body);
        oneStream = true;
        continue;
      }
      if (response.kind === 'range-refused' || (response.kind === 'rest' && firstPart === undefined && !continuesPartial(response, offset, known!))) {
        // The partial file cannot be continued (changed content, a 416, a 206 from elsewhere): start over.
        if (response.kind === 'rest') await discardBody(response.body);
        known = undefined;
        await onDisk(() => removePartial(file));
        continue;
      }

      const append = response.kind === 'rest' && offset > 0;
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
        await budget.survive(error);
        continue;
      }

      const size = await onDisk(() => partialSize(file));
      if (total !== undefined && size < total) {
        await budget.survive(new Error(`the body ended after ${size} of ${total} bytes`));
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
    const written = await budget.saved();
    if (!(resume && written > 0 && keepsPartial(error))) await removePartial(file).catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    if (error instanceof ProgressCallbackFailure) throw error.cause;
    if (error instanceof DestinationWriteFailure) throw writeFailedError(error, JSON.stringify(file.path), lease.url, written);
    throw error;
  }

  /** Runs a save in parts; when the content changed under it, spends an attempt, drops the partial file and gives undefined (start over). */
  async function inParts(save: () => Promise<SavedSnapshot>): Promise<SavedSnapshot | undefined> {
    try {
      return await save();
    } catch (error) {
      if (!(error instanceof ContentChanged)) throw error;
      budget.saved = bytesOnDisk;
      await onDisk(() => removePartial(file));
      await budget.survive(error);
      return undefined;
    }
  }
}

// A 206 for the first part that holds the whole file (it is no larger than a part): saved as one stream.
function wholeFileIn(response: SnapshotResponse): boolean {
  return response.kind === 'rest' && response.start === 0 && response.total !== undefined && response.end === response.total - 1;
}
