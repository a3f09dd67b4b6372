import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { DestinationWriteFailure } from './destination-write-failure.js';
import { HashingFileSink } from './file-sink.js';
import type { PartialFile } from './partial-file.js';
import type { ProgressMeter } from './progress.js';

export { DestinationWriteFailure } from './destination-write-failure.js';

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
