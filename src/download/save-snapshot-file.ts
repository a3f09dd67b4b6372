import type { Dispatcher } from 'undici';
import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';
import { checkDestination } from './destination.js';
import { ProgressMeter } from './progress.js';
import type { SavedSnapshot } from './save-context.js';
import { resolveSaveOptions, type SaveSnapshotOptions } from './save-options.js';
import { saveToFile } from './save-to-file.js';
import { saveToStream } from './save-to-stream.js';
import { snapshotDispatcher } from './snapshot-dispatcher.js';
import { SnapshotSourceLease, type SnapshotSource } from './snapshot-source.js';

export { checkDestination, type ResolvedDestination } from './destination.js';
export type { SaveProgress } from './progress.js';
export type { SavedSnapshot } from './save-context.js';
export type { SaveSnapshotOptions } from './save-options.js';
export type { SnapshotSource } from './snapshot-source.js';

/** What {@link saveSnapshotFile} is given. */
export interface SaveSnapshotParams extends SaveSnapshotOptions {
  /** The COMPLETED job's `snapshotUrl`, and its `expirationDate` when known. */
  source: SnapshotSource;
  /** A file path, or a writable stream that receives the bytes and is left open. */
  destination: string | NodeJS.WritableStream;
  /** Asks Atlas for a fresh download of the same snapshot. Called at most once per save. */
  renew: () => Promise<SnapshotSource>;
  /**
   * The undici dispatcher for the snapshot host. Default: a module-level keep-alive Agent
   * without any authentication (connect timeout 10 s, headers and body timeouts 30 s; a
   * body timeout counts as a connection cut). Never pass one that signs requests for the
   * storage host: `Authorization` is stripped before your dispatcher sees the request,
   * but interceptors inside it run after that.
   */
  dispatcher?: Dispatcher;
  /** The clock `expiresAt` is compared with. Default `() => new Date()`. */
  now?: () => Date;
}

/**
 * Saves the snapshot behind a pre-signed `snapshotUrl`, streaming it (never whole in
 * memory) through a SHA-256 into the destination.
 *
 * **A file path** is written through a temporary file beside it,
 * `.<basename>.<8 hex>.part` (the hex from the URL path, so a later call for the same
 * destination and snapshot finds it), with a `…part.json` sidecar of validators (ETag,
 * size, URL path). When complete and of the announced size, the file is fsynced, renamed
 * over the destination, the directory fsynced and the sidecar removed. A failure never
 * leaves a file at the destination path (an existing file there is untouched until the
 * rename). The temporary file is created with mode 0600: snapshots are database contents.
 * While a save runs, `…part.lock` holds the temporary file: a second save of the same
 * snapshot to the same path, in this process or another one, fails at once
 * (phase `'destination'`) instead of writing into it; a lock whose process is gone is
 * taken over (at once on this host; from another host once it has gone unrenewed for a
 * minute).
 *
 * **Resuming** (`resume`, default true): a partial file left by an earlier call is
 * continued with `Range: bytes=<size>-` and `If-Range: <ETag>`; within a call, up to
 * `maxResumeAttempts` (default 3) connection cuts or short bodies are survived the same
 * way. A 206 starting at the right byte with the recorded size and ETag is appended to
 * (the digest still covers the whole file); a 200 or a 416 starts over from byte 0.
 * When a save fails for a reason a later call could overcome (aborted, interrupted too
 * often, URL expired twice, a 5xx, `renew` or `onProgress` throwing) and some bytes were
 * saved, the partial file and its sidecar are kept for that later call; otherwise (a 4xx
 * such as 404, a size mismatch, a disk error, or `resume: false`) they are removed.
 *
 * **Expiry**: when `now() >= expiresAt` before a request, or the host answers 403 or
 * 410, `renew()` is called once and the save continues with the new source (resuming when
 * the content's ETag still matches). A second expiry fails.
 *
 * **A stream** receives the bytes directly: no temporary file, no resume once a byte has
 * been written, and the stream is *not* ended, so the caller can write more or end it;
 * errors it emits during the save fail the save (phase `'write'`). `path` is undefined.
 *
 * Requests carry no `Authorization` or `Cookie` header and follow no redirect. Messages
 * and errors show the URL's origin and path only, never its query (the signature).
 *
 * @returns the absolute path (undefined for a stream), the size and the SHA-256 in hex.
 * @throws {ValidationError} for a URL that is not https (http only to a loopback host), or a bad option, before any I/O.
 * @throws {SnapshotTransferError} phase `'destination'` before any request when the destination is unusable or being saved to;
 *   `'transfer'` for host errors (with `status`), repeated cuts, a second expiry or a size mismatch;
 *   `'write'` for disk or stream errors.
 * @throws the signal's reason (an `AbortError` DOMException by default) when `signal` aborts.
 */
export async function saveSnapshotFile(params: SaveSnapshotParams): Promise<SavedSnapshot> {
  if (typeof params !== 'object' || params === null) throw new ValidationError('params', 'an object { source, destination, renew }', describeValue(params));
  const options = resolveSaveOptions(params);
  if (typeof params.renew !== 'function') throw new ValidationError('renew', 'a function () => Promise<SnapshotSource>', describeValue(params.renew));
  const now = params.now ?? (() => new Date());
  if (typeof now !== 'function') throw new ValidationError('now', 'a function returning a Date', describeValue(now));
  const lease = new SnapshotSourceLease(params.source, params.renew, now);
  options.signal?.throwIfAborted();
  const destination = await checkDestination(params.destination);
  const context = {
    lease,
    dispatcher: snapshotDispatcher(params.dispatcher),
    options,
    meter: new ProgressMeter(options.onProgress, options.progressIntervalMs),
  };
  return destination.kind === 'file' ? saveToFile(destination.path, context) : saveToStream(destination.stream, context);
}
