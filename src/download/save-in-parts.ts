import { open, type FileHandle } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { ShimError } from '../errors/shim-error.js';
import { commitPartial, writeValidators, type PartialFile, type PartialValidators } from './partial-file.js';
import { PrefixHasher } from './prefix-hasher.js';
import { ProgressCallbackFailure } from './progress.js';
import type { SaveContext, SavedSnapshot } from './save-snapshot-file.js';
import { contentValidator, discardBody, isStrongEtag, requestSnapshot, type SnapshotResponse } from './snapshot-response.js';
import { BackgroundFlush, DestinationWriteFailure, isTransientHostError, writeAll, type ResumeBudget } from './transfer.js';

/**
 * Saving a snapshot in parts over several connections: the host's ranged answers are
 * written each at its offset in the partial file, the SHA-256 follows the contiguous prefix
 * on a worker thread, and which parts are on disk is recorded beside the file so an
 * interrupted save continues with the missing ones.
 */

/** How a file is cut into parts, and the content they must all come from. */
export interface PartsLayout {
  /** The snapshot's size in bytes. */
  readonly total: number;
  /** Bytes per part; the last part may be shorter. */
  readonly size: number;
  /** The host's ETag, when it sent one. */
  readonly etag: string | undefined;
  /** The host's Last-Modified date, when it sent one. */
  readonly lastModified: string | undefined;
  /** What `If-Range` carries and every answer must match: the strong ETag, else Last-Modified. */
  readonly validator: string;
}

/** Smallest part a save in parts uses: below it, a request's overhead outweighs its bytes. */
export const MIN_PART_SIZE_BYTES = 64 * 1024;
/** Largest part: a cut costs at most this much to fetch again from its start in a later call. */
export const MAX_PART_SIZE_BYTES = 1024 * 1024 * 1024;

/** Number of parts of a layout. */
export function partCount(layout: Pick<PartsLayout, 'total' | 'size'>): number {
  return Math.ceil(layout.total / layout.size);
}

/** The first and last byte (inclusive) of part `index`. */
export function partBounds(layout: Pick<PartsLayout, 'total' | 'size'>, index: number): { start: number; end: number } {
  const start = index * layout.size;
  return { start, end: Math.min(start + layout.size, layout.total) - 1 };
}

/**
 * The layout a first answer allows, or undefined when it does not allow a save in parts: a
 * 206 for bytes `0…partSize-1` of a larger file whose total is given, with a strong ETag or
 * a Last-Modified date to hold the other parts to the same content.
 */
export function layoutFromFirstAnswer(response: SnapshotResponse, partSize: number): PartsLayout | undefined {
  if (response.kind !== 'rest' || response.start !== 0 || response.total === undefined) return undefined;
  if (response.end !== partSize - 1 || response.total <= partSize) return undefined;
  const validator = contentValidator(response.etag, response.lastModified);
  if (validator === undefined) return undefined;
  return { total: response.total, size: partSize, etag: response.etag, lastModified: response.lastModified, validator };
}

/** A recorded save in parts that fits its partial file, ready to continue. */
export interface RecordedParts {
  readonly layout: PartsLayout;
  readonly complete: ReadonlySet<number>;
}

/**
 * Whether the record beside a partial file of `fileSize` bytes can be continued from
 * `sourcePath`: a save in parts, of a total equal to the file's size, with a validator, a
 * part size and ascending part indexes that fit; another URL path only with a strong ETag
 * (the next answers' ETag then proves the content), a part size an option could have
 * given. Undefined: start over.
 */
export function trustedParts(record: PartialValidators, fileSize: number, sourcePath: string): RecordedParts | undefined {
  const { parts, total, etag, lastModified } = record;
  if (parts === undefined || total === undefined || total === 0 || total !== fileSize) return undefined;
  const validator = contentValidator(etag, lastModified);
  if (validator === undefined || (record.sourcePath !== sourcePath && !isStrongEtag(etag))) return undefined;
  if (parts.size < MIN_PART_SIZE_BYTES || parts.size > MAX_PART_SIZE_BYTES) return undefined;
  const layout: PartsLayout = { total, size: parts.size, etag, lastModified, validator };
  const count = partCount(layout);
  const ascending = parts.complete.every((index, i) => index < count && (i === 0 || index > parts.complete[i - 1]!));
  return ascending ? { layout, complete: new Set(parts.complete) } : undefined;
}

/** The content changed while saving (another validator, a 200 to `If-Range`, a 416, bytes out of place): start over. */
export class ContentChanged extends Error {}

/** How a save in parts begins. */
export type PartsStart =
  /** Fresh: the first answer's body (part 0) is still to be read; the partial file is created. */
  | { readonly layout: PartsLayout; readonly firstBody: Dispatcher.ResponseData['body'] }
  /** Continuing a recorded save: the partial file holds the complete parts. */
  | RecordedParts;

// Bytes gathered from a part's body before one positional write: few system calls, little
// memory. While a part waits for its write, the other connections keep receiving.
const PART_WRITE_BYTES = 1024 * 1024;

/**
 * Writes a part's body at `position` on, in batches of {@link PART_WRITE_BYTES}, counting
 * each with `onWritten` once it is on the file. Rejects with the body's error (after writing
 * what came before it), a {@link DestinationWriteFailure}, what `onWritten` throws, or
 * {@link ContentChanged} when the body runs past `end`.
 */
async function writePartBody(
  body: Dispatcher.ResponseData['body'],
  handle: FileHandle,
  position: number,
  end: number,
  onWritten: (bytes: number) => void,
): Promise<void> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let at = position;
  const write = async (): Promise<void> => {
    const chunks = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    await writeAll(handle, chunks, bytes, at).catch((error: unknown) => Promise.reject(new DestinationWriteFailure(error)));
    at += bytes;
    onWritten(bytes);
  };
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (at + batchBytes + chunk.length > end + 1) throw new ContentChanged(`the answer for bytes ${position}-${end} ran past byte ${end}`);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= PART_WRITE_BYTES) await write();
    }
  } catch (error) {
    // The bytes that came before a cut are the file's: written, they need not be fetched again.
    // (A failed write or onWritten left no batch; bytes past `end` are not the part's.)
    if (batchBytes > 0 && !(error instanceof ContentChanged)) await write();
    throw error;
  }
  if (batchBytes > 0) await write();
}

/**
 * Saves the snapshot in parts into `file`, then renames it to `path`: up to
 * `options.connections` workers take the missing parts in order, each a
 * `Range: bytes=s-e` request with `If-Range`, retried from where a cut left it. Every answer
 * must be a 206 for exactly the bytes asked, of the layout's total and validator; anything
 * else is {@link ContentChanged}, and the caller starts over. An expired URL is renewed once
 * for all parts (the lease is shared). On failure the other parts stop, what is on disk is
 * flushed and recorded (so a later call can continue), and the first error is thrown.
 *
 * @param sourcePath The URL path the record names (the one the partial file was chosen by).
 */
export async function saveInParts(
  file: PartialFile,
  path: string,
  sourcePath: string,
  context: SaveContext,
  start: PartsStart,
  budget: ResumeBudget,
): Promise<SavedSnapshot> {
  const { lease, dispatcher, options, meter } = context;
  const { layout } = start;
  const count = partCount(layout);
  const complete = new Set('complete' in start ? start.complete : []);
  // Bytes written of each part, from its start on: a part is always written in order.
  const written = Array.from({ length: count }, (_, i) => (complete.has(i) ? partBounds(layout, i).end - partBounds(layout, i).start + 1 : 0));
  const sum = (): number => written.reduce((a, b) => a + b, 0);
  budget.saved = () => Promise.resolve(sum());

  const record = (parts: readonly number[]): PartialValidators => ({
    sourcePath,
    etag: layout.etag,
    lastModified: layout.lastModified,
    total: layout.total,
    parts: { size: layout.size, complete: parts },
  });
  const completeNow = (): number[] => [...complete].sort((a, b) => a - b);

  let handle: FileHandle;
  try {
    if ('firstBody' in start) {
      // Sized first, then recorded: a crash in between leaves a record of no part, never old bytes under new validators.
      handle = await open(file.path, 'w', 0o600);
      await handle.truncate(layout.total);
      await writeValidators(file, record([]));
    } else {
      handle = await open(file.path, 'r+');
    }
  } catch (error) {
    if ('firstBody' in start) start.firstBody.destroy();
    throw new DestinationWriteFailure(error);
  }

  // The record is rewritten after each background flush, with the parts complete before it began;
  // best effort: a record that could not be written only costs a later call the parts it missed.
  let recording = Promise.resolve();
  const rerecord = (parts: readonly number[]): Promise<void> => {
    recording = recording.then(() => writeValidators(file, record(parts))).catch(() => undefined);
    return recording;
  };
  const flush = new BackgroundFlush(handle, () => {
    const parts = completeNow();
    return () => void rerecord(parts);
  });

  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    failure ??= { error };
    stop.abort(error);
  };

  const hasher = new PrefixHasher(file.path);
  let front = 0; // the first part not complete: everything before it is written
  const advanceHash = (): void => {
    while (front < count && complete.has(front)) front += 1;
    hasher.advanceTo(front === count ? layout.total : partBounds(layout, front).start + written[front]!);
  };
  advanceHash();

  const fetchPart = async (index: number, firstBody: Dispatcher.ResponseData['body'] | undefined): Promise<void> => {
    const { start: first, end } = partBounds(layout, index);
    let body = firstBody;
    while (first + written[index]! <= end) {
      const position = first + written[index]!;
      if (body === undefined) {
        stop.signal.throwIfAborted();
        await lease.ensureFresh(stop.signal, budget.saved);
        const url = lease.url;
        let response: SnapshotResponse;
        try {
          response = await requestSnapshot({ dispatcher, url, offset: position, end, validator: layout.validator, signal: stop.signal, bytesWritten: sum() });
        } catch (error) {
          if (stop.signal.aborted) throw error;
          if (isTransientHostError(error)) {
            await budget.pauseAfter(error, stop.signal);
            continue;
          }
          if (error instanceof ShimError) throw error;
          await budget.survive(error);
          continue;
        }
        if (response.kind === 'expired') {
          await lease.renewAfterRefusal(response.status, stop.signal, budget.saved, url);
          continue;
        }
        if (response.kind !== 'rest' || !answersPart(response, layout, position, end)) {
          if (response.kind === 'whole' || response.kind === 'rest') await discardBody(response.body);
          throw new ContentChanged(`the host's answer for bytes ${position}-${end} is not of the content the save began with`);
        }
        body = response.body;
      }
      try {
        await writePartBody(body, handle, position, end, (bytes) => {
          written[index]! += bytes;
          flush.written(bytes);
          meter.advance(bytes);
          if (index === front) advanceHash();
        });
      } catch (error) {
        if (stop.signal.aborted || error instanceof DestinationWriteFailure || error instanceof ProgressCallbackFailure || error instanceof ContentChanged) {
          throw error;
        }
        await budget.survive(error);
        continue;
      } finally {
        body = undefined;
      }
      if (first + written[index]! <= end) await budget.survive(new Error(`the answer for bytes ${position}-${end} ended at byte ${first + written[index]!}`));
    }
    complete.add(index);
    advanceHash();
  };

  const queue = Array.from({ length: count }, (_, i) => i).filter((i) => !complete.has(i));
  const worker = async (firstBody: Dispatcher.ResponseData['body'] | undefined): Promise<void> => {
    let body = firstBody;
    try {
      for (let index = queue.shift(); index !== undefined && failure === undefined; index = queue.shift()) {
        await fetchPart(index, body);
        body = undefined;
      }
    } catch (error) {
      body?.destroy();
      fail(error);
    }
  };
  const firstBody = 'firstBody' in start ? start.firstBody : undefined;
  const connections = Math.min(options.connections, queue.length);
  meter.startAt(sum(), layout.total, connections);
  const workers = Array.from({ length: connections }, (_, i) => worker(i === 0 ? firstBody : undefined));

  try {
    await Promise.all(workers);
    if (failure === undefined) {
      // The rename that follows must never publish a file whose data is still only in the page cache.
      const onDisk = (error: unknown): Promise<never> => Promise.reject(new DestinationWriteFailure(error));
      await flush.settle().then(() => handle.sync()).catch(onDisk);
      // Read back from the file: a read failure is the disk's.
      const sha256 = await hasher.digest(layout.total).catch(onDisk);
      // A record still being written would land beside the destination after the commit removed it.
      await recording;
      await handle.close();
      await commitPartial(file, path).catch(onDisk);
      meter.finish(layout.total);
      return { path, bytes: layout.total, sha256 };
    }
    // What is on disk is flushed before it is recorded, so the record never names a part a crash could lose.
    if (!(failure.error instanceof DestinationWriteFailure)) {
      await flush
        .settle()
        .then(() => handle.datasync())
        .then(() => rerecord(completeNow()))
        .catch(() => undefined);
    }
    throw failure.error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await hasher.close();
    await recording;
    await handle.close().catch(() => undefined);
  }
}

// An answer continues part [position, end] only when it is a 206 for exactly those bytes of the same content.
function answersPart(response: SnapshotResponse, layout: PartsLayout, position: number, end: number): boolean {
  if (response.kind !== 'rest' || response.start !== position || response.end !== end || response.total !== layout.total) return false;
  return isStrongEtag(layout.etag) ? response.etag === layout.etag : response.lastModified === layout.lastModified;
}
