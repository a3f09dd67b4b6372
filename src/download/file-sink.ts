import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { DestinationWriteFailure } from './destination-write-failure.js';
import type { ProgressMeter } from './progress.js';

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

async function writeAll(handle: FileHandle, chunks: readonly Buffer[], bytes: number): Promise<void> {
  // A write may take fewer bytes than given (a nearly full disk); the rest must follow.
  let pending = chunks;
  for (let left = bytes; left > 0; ) {
    const { bytesWritten } = await handle.writev(pending as Buffer[]);
    if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
    left -= bytesWritten;
    if (left > 0) pending = remainder(pending, bytesWritten);
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
  #unflushed = 0;
  #flushing: Promise<void> | undefined;
  #flushError: unknown;

  constructor(handle: FileHandle, hash: Hash, meter: ProgressMeter) {
    super({ highWaterMark: SINK_HIGH_WATER_MARK });
    this.#handle = handle;
    this.#hash = hash;
    this.#meter = meter;
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
    Promise.resolve(this.#flushing)
      .then(() => {
        if (this.#flushError !== undefined) throw this.#flushError;
        return this.#handle.sync();
      })
      .then(
        () => callback(),
        (error: unknown) => callback(new DestinationWriteFailure(error)),
      );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The owner closes the handle once the pipeline settles: no flush may still be using it then.
    Promise.resolve(this.#flushing).then(() => callback(error));
  }

  #writeChunks(chunks: readonly Buffer[], bytes: number, callback: (error?: Error | null) => void): void {
    if (this.#flushError !== undefined) {
      callback(new DestinationWriteFailure(this.#flushError));
      return;
    }
    const written = writeAll(this.#handle, chunks, bytes);
    for (const chunk of chunks) this.#hash.update(chunk);
    written.then(
      () => {
        try {
          this.#flushInBackground(bytes);
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

  #flushInBackground(bytes: number): void {
    this.#unflushed += bytes;
    if (this.#unflushed < BACKGROUND_FLUSH_BYTES || this.#flushing !== undefined) return;
    this.#unflushed = 0;
    this.#flushing = this.#handle.datasync().then(
      () => {
        this.#flushing = undefined;
      },
      (error: unknown) => {
        // Reported by the next write or by the final fsync, whichever comes first.
        this.#flushing = undefined;
        this.#flushError ??= error;
      },
    );
  }
}
