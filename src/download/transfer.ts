import type { Hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { toError } from '../errors/shim-error.js';
import type { PartialFile } from './partial-file.js';
import type { ProgressMeter } from './progress.js';
import { describeSnapshotUrl } from './snapshot-source.js';

/**
 * Moving a response body to its destination: into the partial file through a hashing,
 * batching, flushing sink, or into a caller's stream through a hashing tap; and the
 * errors a transfer ends with.
 */

/**
 * Writing to the destination failed (disk full, permission, a caller's stream erroring).
 * Wrapping it is how a failed pipeline tells a disk error from a network one, since
 * pipeline destroys every stream with the first error whichever stream raised it.
 */
export class DestinationWriteFailure extends Error {
  constructor(cause: unknown) {
    super(toError(cause).message, { cause });
  }
}

/**
 * Bytes the sink buffers while a write is on the thread pool. With Node's default 16 KiB
 * every 64 KiB chunk from the socket waited for the previous write; with 1 MiB the socket
 * keeps filling meanwhile, and what piled up goes to disk in one `writev` call. Memory
 * stays bounded by this, whatever the snapshot's size.
 */
export const SINK_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Bytes written between two background `fdatasync` calls. The final fsync is needed before
 * the rename, but flushing 1 GiB of page cache at the end took as long as receiving it;
 * flushing as the bytes arrive overlaps disk and network, so the last fsync has only the
 * tail to write.
 */
export const BACKGROUND_FLUSH_BYTES = 64 * 1024 * 1024;

/** The chunks after the first `skip` bytes: what a short write left to write. */
function remainder(chunks: readonly Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  let left = skip;
  for (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    rest.push(left > 0 ? chunk.subarray(left) : chunk);
    left = 0;
  }
  return rest;
}

/**
 * Writes every byte of `chunks` (`bytes` in all) with `writev`, at `position` or, when it is
 * undefined, at the handle's current offset. A write may take fewer bytes than given (a
 * nearly full disk); the rest follows.
 */
export async function writeAll(handle: FileHandle, chunks: readonly Buffer[], bytes: number, position?: number): Promise<void> {
  let pending = chunks;
  let at = position;
  for (let left = bytes; left > 0; ) {
    const { bytesWritten } = await handle.writev(pending as Buffer[], at);
    if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
    left -= bytesWritten;
    if (at !== undefined) at += bytesWritten;
    if (left > 0) pending = remainder(pending, bytesWritten);
  }
}

/**
 * Flushes a file to disk in the background every {@link BACKGROUND_FLUSH_BYTES} written,
 * one `fdatasync` at a time. A flush's error is kept and given by {@link BackgroundFlush.settle}
 * (and {@link BackgroundFlush.error}), so the final fsync never hides it.
 */
export class BackgroundFlush {
  readonly #handle: FileHandle;
  readonly #checkpoint: (() => () => void) | undefined;
  #unflushed = 0;
  #flushing: Promise<void> | undefined;
  #error: unknown;

  /**
   * @param checkpoint Called as a flush starts; what it returns runs once that flush has
   * succeeded (what was written before the start is then on disk).
   */
  constructor(handle: FileHandle, checkpoint?: () => () => void) {
    this.#handle = handle;
    this.#checkpoint = checkpoint;
  }

  /** The first flush error, if any. */
  get error(): unknown {
    return this.#error;
  }

  /** Counts written bytes; starts a flush when enough have piled up and none is running. */
  written(bytes: number): void {
    this.#unflushed += bytes;
    if (this.#unflushed < BACKGROUND_FLUSH_BYTES || this.#flushing !== undefined) return;
    this.#unflushed = 0;
    const durable = this.#checkpoint?.();
    this.#flushing = this.#handle.datasync().then(
      () => {
        this.#flushing = undefined;
        durable?.();
      },
      (error: unknown) => {
        this.#flushing = undefined;
        this.#error ??= error;
      },
    );
  }

  /** Waits for the flush in flight; rejects with the first flush error. */
  async settle(): Promise<void> {
    await this.#flushing;
    if (this.#error !== undefined) throw this.#error;
  }
}

/**
 * The end of a file save's pipeline: hashes every chunk, writes it into an open file handle
 * (batched with `writev`), counts it for progress once it is written, flushes to disk in
 * the background as it goes, and fsyncs on end. The owner closes the handle.
 *
 * Hashing here rather than in a separate Transform saves one stream stage per chunk, and
 * runs on this thread while the write of the same bytes runs on the thread pool. The digest
 * is of exactly the bytes handed to the file, in order.
 *
 * Errors: a disk error is a {@link DestinationWriteFailure}; what `onProgress` throws
 * (a `ProgressCallbackFailure`) passes through as it is.
 */
export class HashingFileSink extends Writable {
  readonly #handle: FileHandle;
  readonly #hash: Hash;
  readonly #meter: ProgressMeter;
  readonly #flush: BackgroundFlush;

  constructor(handle: FileHandle, hash: Hash, meter: ProgressMeter) {
    super({ highWaterMark: SINK_HIGH_WATER_MARK });
    this.#handle = handle;
    this.#hash = hash;
    this.#meter = meter;
    this.#flush = new BackgroundFlush(handle);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#writeChunks([chunk], chunk.length, callback);
  }

  override _writev(entries: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const chunks = entries.map((entry) => entry.chunk);
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    this.#writeChunks(chunks, bytes, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The rename that follows must never publish a file whose data is still only in the page cache.
    this.#flush
      .settle()
      .then(() => this.#handle.sync())
      .then(
        () => callback(),
        (error: unknown) => callback(new DestinationWriteFailure(error)),
      );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The owner closes the handle once the pipeline settles: no flush may still be using it then.
    this.#flush.settle().then(
      () => callback(error),
      () => callback(error),
    );
  }

  #writeChunks(chunks: readonly Buffer[], bytes: number, callback: (error?: Error | null) => void): void {
    if (this.#flush.error !== undefined) {
      callback(new DestinationWriteFailure(this.#flush.error));
      return;
    }
    const written = writeAll(this.#handle, chunks, bytes);
    for (const chunk of chunks) this.#hash.update(chunk);
    written.then(
      () => {
        try {
          this.#flush.written(bytes);
          this.#meter.advance(bytes);
        } catch (error) {
          callback(error as Error);
          return;
        }
        callback();
      },
      (error: unknown) => callback(new DestinationWriteFailure(error)),
    );
  }
}

type Body = Dispatcher.ResponseData['body'];

/**
 * Hashes and counts every chunk on its way to a caller's stream, so the digest is of
 * exactly what was written. (A file save hashes inside its sink instead: one stage less.)
 */
function hashingTap(hash: Hash, meter: ProgressMeter): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      try {
        meter.advance(chunk.length);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}

/** How {@link writeBodyToFile} writes. */
export interface FileWrite {
  /** Append to the partial file (a resume), or truncate it and start from byte 0. */
  readonly append: boolean;
  /** Hash to feed: fresh, or already holding the partial file's bytes when appending. */
  readonly hash: Hash;
  readonly meter: ProgressMeter;
  readonly signal: AbortSignal | undefined;
  /** Runs once the file is open (truncated) and before any byte is written: records the validators. */
  readonly beforeWrite?: (() => Promise<void>) | undefined;
}

/**
 * Streams a response body into the partial file through a {@link HashingFileSink}, with
 * backpressure (at most the sink's high-water mark is held), then fsyncs it. Rejects with a
 * {@link DestinationWriteFailure} for disk errors, with the network error otherwise; the
 * handle is closed (after pending writes and flushes) either way.
 */
export async function writeBodyToFile(body: Body, file: PartialFile, write: FileWrite): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, write.append ? 'a' : 'w', 0o600);
  } catch (error) {
    body.destroy();
    throw new DestinationWriteFailure(error);
  }
  try {
    if (write.beforeWrite !== undefined) await write.beforeWrite().catch((error: unknown) => Promise.reject(new DestinationWriteFailure(error)));
    await pipeline(body, new HashingFileSink(handle, write.hash, write.meter), write.signal ? { signal: write.signal } : {});
  } finally {
    if (!body.destroyed) body.destroy();
    await handle.close().catch(() => undefined);
  }
}

/**
 * A pipeline end that writes into the caller's stream without ending it, respecting its
 * backpressure, and settles once the stream has accepted the last chunk.
 */
function writeInto(destination: NodeJS.WritableStream, outcome: { failure?: DestinationWriteFailure }) {
  // pipeline passes a signal that aborts when another stream of it fails (its types omit it).
  return async function (source: AsyncIterable<Buffer>, options?: { signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal ?? new AbortController().signal;
    let failure: DestinationWriteFailure | undefined;
    let needsDrain = false;
    let pending = 0;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    const sleep = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
    const fail = (error: unknown): void => {
      failure ??= new DestinationWriteFailure(error);
      outcome.failure = failure;
      notify();
    };
    const onClose = (): void => fail(new Error('the destination stream closed before the snapshot was written'));
    const onDrain = (): void => {
      needsDrain = false;
      notify();
    };
    const written = (error?: Error | null): void => {
      pending -= 1;
      if (error) fail(error);
      else notify();
    };
    const check = (): void => {
      signal.throwIfAborted();
      if (failure !== undefined) throw failure;
    };
    // Without a listener, an 'error' from the caller's stream would crash the process.
    destination.on('error', fail);
    destination.on('close', onClose);
    destination.on('drain', onDrain);
    signal.addEventListener('abort', notify);
    try {
      for await (const chunk of source) {
        check();
        pending += 1;
        needsDrain = !destination.write(chunk, written);
        while (needsDrain && failure === undefined && !signal.aborted) await sleep();
      }
      // Write callbacks run in order: when none is pending, the stream has taken every byte.
      while (pending > 0 && failure === undefined && !signal.aborted) await sleep();
      check();
    } finally {
      destination.off('error', fail);
      destination.off('close', onClose);
      destination.off('drain', onDrain);
      signal.removeEventListener('abort', notify);
    }
  };
}

/** Streams a response body through the hash into the caller's stream, which stays open. */
export async function writeBodyToStream(
  body: Body,
  destination: NodeJS.WritableStream,
  write: Omit<FileWrite, 'append' | 'beforeWrite'>,
): Promise<void> {
  // Leaving the loop early destroys the source with an AbortError that pipeline reports
  // first; the stream's own failure is the one that explains it.
  const outcome: { failure?: DestinationWriteFailure } = {};
  try {
    await pipeline(body, hashingTap(write.hash, write.meter), writeInto(destination, outcome), write.signal ? { signal: write.signal } : {});
  } catch (error) {
    throw outcome.failure ?? error;
  } finally {
    if (!body.destroyed) body.destroy();
  }
}

// The cause's own words help, but only with the signature scrubbed should one ever carry the URL.
function causeText(error: unknown, url: URL): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = toError(error).message;
  const scrubbed = url.search ? message.split(url.search).join('') : message;
  return typeof code === 'string' ? `${code}: ${scrubbed}` : scrubbed;
}

/** The connection broke (or the body came short) more often than `maxResumeAttempts` allows. */
export function connectionLostError(error: unknown, url: URL, cuts: number, limit: number, bytesWritten: number): SnapshotTransferError {
  return new SnapshotTransferError(
    `Downloading ${describeSnapshotUrl(url)} failed: the transfer was interrupted ${cuts} time(s), more than maxResumeAttempts (${limit}) allows; ` +
      `${bytesWritten} bytes were saved. Last problem: ${causeText(error, url)}`,
    { phase: 'transfer', bytesWritten, cause: error },
  );
}

/** The destination could not be written. */
export function writeFailedError(error: unknown, where: string, url: URL, bytesWritten: number): SnapshotTransferError {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return new SnapshotTransferError(`Writing the snapshot to ${where} failed: ${causeText(cause, url)}`, {
    phase: 'write',
    bytesWritten,
    cause,
  });
}

/** The host sent more bytes, or fewer, than it said the snapshot has. */
export function sizeMismatchError(url: URL, bytes: number, total: number): SnapshotTransferError {
  return new SnapshotTransferError(
    `Downloading ${describeSnapshotUrl(url)} failed: ${bytes} bytes were received but the host announced ${total}; the file was discarded.`,
    { phase: 'transfer', bytesWritten: bytes },
  );
}

// The pause before the n-th attempt after a transient host error is n times this.
const HOST_RETRY_PAUSE_MS = 250;

/** A snapshot host answer worth trying again: a server error or a throttle, not a refusal. */
export function isTransientHostError(error: unknown): boolean {
  return error instanceof SnapshotTransferError && error.phase === 'transfer' && [429, 500, 502, 503, 504].includes(error.status ?? 0);
}

/**
 * The attempts one save may spend on trouble it can get past: connection cuts, short
 * bodies, transient host errors, content that changed under it. `maxResumeAttempts` of
 * them are survived in one call, whichever kind; the next one ends the save.
 */
export class ResumeBudget {
  readonly #limit: number;
  readonly #url: () => URL;
  #spent = 0;
  /** Bytes saved so far, for the error that ends the save. */
  saved: () => Promise<number>;

  constructor(limit: number, url: () => URL, saved: () => Promise<number>) {
    this.#limit = limit;
    this.#url = url;
    this.saved = saved;
  }

  /** Spends an attempt on a cut (or a short body, or changed content); out of attempts, fails with {@link connectionLostError}. */
  async survive(error: unknown): Promise<void> {
    this.#spent += 1;
    if (this.#spent > this.#limit) throw connectionLostError(error, this.#url(), this.#spent, this.#limit, await this.saved());
  }

  /**
   * Spends an attempt on a transient host error and pauses a little longer each time:
   * object stores answer 500/503 when they throttle and expect the client to try again.
   * Out of attempts, rethrows the host's own answer (its status says the most).
   */
  async pauseAfter(error: unknown, signal: AbortSignal | undefined): Promise<void> {
    if (this.#spent >= this.#limit) throw error;
    this.#spent += 1;
    await sleep(HOST_RETRY_PAUSE_MS * this.#spent, undefined, { signal });
  }
}
