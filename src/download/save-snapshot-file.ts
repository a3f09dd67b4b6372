import { Agent, type Dispatcher } from 'undici';
import { editHeaders } from '../http/headers.js';
import { ABORT_SIGNAL, BOOLEAN, checkOptional, func, integer, milliseconds } from '../validation.js';
import { checkDestination } from './destination.js';
import { ProgressMeter, type SaveProgress } from './progress.js';
import { MAX_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES } from './save-in-parts.js';
import { saveToFile } from './save-to-file.js';
import { saveToStream } from './save-to-stream.js';
import { SnapshotSourceLease, type SnapshotSource } from './snapshot-source.js';

export { checkDestination, type ResolvedDestination } from './destination.js';
export type { SaveProgress } from './progress.js';
export type { SnapshotSource } from './snapshot-source.js';

/** What a finished save produced. */
export interface SavedSnapshot {
  /** The absolute path saved to; undefined when the destination was a stream. */
  path: string | undefined;
  /** Size of the snapshot in bytes. */
  bytes: number;
  /** SHA-256 of the whole snapshot (resumed bytes included), lowercase hex. */
  sha256: string;
}

/** Options of a save. Every one is optional. */
export interface SaveSnapshotOptions {
  /** Aborts the request and the write; the save rejects with the signal's reason. Default none. */
  signal?: AbortSignal;
  /** Called at most once per `progressIntervalMs`, plus once at the end with the final size. Default none. */
  onProgress?: (progress: SaveProgress) => void;
  /** Resume from a partial temporary file with a Range request, and keep it when interrupted. Default `true`. */
  resume?: boolean;
  /** Least time between two `onProgress` calls, in milliseconds (0: on every chunk). Default 250. */
  progressIntervalMs?: number;
  /**
   * Troubles survived within one call, whichever part they hit: connection cuts and short
   * bodies (resumed), transient host errors (retried), content changed mid-save (started
   * over). Default 3.
   */
  maxResumeAttempts?: number;
  /**
   * Connections a save to a file path may use at once. When the host answers a ranged
   * request with `206`, the total size and a validator (a strong ETag, or Last-Modified),
   * the file is fetched in parts of `partSizeBytes` over this many connections; otherwise,
   * and always for a stream destination, over one. `1`: one stream. Integer 1–16. Default 4.
   */
  connections?: number;
  /**
   * Bytes per ranged request of a save in parts. Integer from 65 536 (64 KiB) to
   * 1 073 741 824 (1 GiB). Default 8 388 608 (8 MiB, the AWS CLI's multipart chunk size).
   */
  partSizeBytes?: number;
}

/** {@link SaveSnapshotOptions} checked, with the defaults applied. */
export interface ResolvedSaveOptions {
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: SaveProgress) => void) | undefined;
  readonly resume: boolean;
  readonly progressIntervalMs: number;
  readonly maxResumeAttempts: number;
  readonly connections: number;
  readonly partSizeBytes: number;
}

/** Most connections one save may use: object stores gain little past a handful per client, and each holds a socket. */
export const MAX_CONNECTIONS = 16;
/** Default {@link SaveSnapshotOptions.partSizeBytes}. */
export const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;

const ON_PROGRESS = func<(progress: SaveProgress) => void>('a function (progress) => void');

/**
 * Checks the save options and applies the defaults. `fieldPrefix` (default `'options.'`)
 * is how errors name a field: `shim.download` takes these options as top-level fields of
 * its one argument, and passes `''`.
 *
 * @throws {ValidationError} naming the first wrong option.
 */
export function resolveSaveOptions(options: SaveSnapshotOptions, fieldPrefix = 'options.'): ResolvedSaveOptions {
  const at = (name: string): string => `${fieldPrefix}${name}`;
  return {
    signal: checkOptional(at('signal'), options.signal, ABORT_SIGNAL),
    onProgress: checkOptional(at('onProgress'), options.onProgress, ON_PROGRESS),
    resume: checkOptional(at('resume'), options.resume, BOOLEAN) ?? true,
    progressIntervalMs: checkOptional(at('progressIntervalMs'), options.progressIntervalMs, milliseconds(0)) ?? 250,
    maxResumeAttempts: checkOptional(at('maxResumeAttempts'), options.maxResumeAttempts, integer(0, 1_000)) ?? 3,
    connections: checkOptional(at('connections'), options.connections, integer(1, MAX_CONNECTIONS)) ?? 4,
    partSizeBytes: checkOptional(at('partSizeBytes'), options.partSizeBytes, integer(MIN_PART_SIZE_BYTES, MAX_PART_SIZE_BYTES)) ?? DEFAULT_PART_SIZE_BYTES,
  };
}

/** What {@link saveSnapshotFile} is given, checked by the facade. */
export interface SaveSnapshotParams extends ResolvedSaveOptions {
  /** The COMPLETED job's `snapshotUrl`, and its `expirationDate` when known. */
  source: SnapshotSource;
  /** A file path, or a writable stream that receives the bytes and is left open. */
  destination: string | NodeJS.WritableStream;
  /** Asks Atlas for a fresh download of the same snapshot. Called at most once per save. */
  renew: () => Promise<SnapshotSource>;
  /**
   * The undici dispatcher for the snapshot host; undefined for a module-level keep-alive
   * Agent without any authentication (connect timeout 10 s, headers and body timeouts
   * 30 s; a body timeout counts as a connection cut). Never one that signs requests for
   * the storage host: `Authorization` is stripped before it sees the request, but
   * interceptors inside it run after that.
   */
  dispatcher: Dispatcher | undefined;
  /** The clock `expiresAt` is compared with. */
  now: () => Date;
}

/** Everything one save works with. */
export interface SaveContext {
  readonly lease: SnapshotSourceLease;
  readonly dispatcher: Dispatcher;
  readonly options: ResolvedSaveOptions;
  readonly meter: ProgressMeter;
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
 * **In parts** (`connections` > 1, the default): a fresh save asks for the first
 * `partSizeBytes` only (`Range: bytes=0-…`). When the host answers `206` with the total size
 * and a validator (a strong ETag, or else Last-Modified) and the file is larger than a part,
 * the other parts are fetched over up to `connections` connections, in order, each with
 * `Range: bytes=<start>-<end>` and `If-Range: <validator>`, and written at their offsets in
 * the temporary file (sized to the total first). The SHA-256 follows the contiguous written
 * prefix on a worker thread that reads the file back, so hashing overlaps the transfer. A
 * part cut mid-body is asked for again from the byte where it stopped. An answer of other
 * content (another validator, a `200` to `If-Range`, a `416`, other bytes than asked) makes
 * the save start over from the first request. The sidecar then also records the part size
 * and which parts are on disk (flushed before being recorded, every 64 MiB and when the save
 * stops); a later call continues with the missing parts, and refuses (starts over) a record
 * that does not fit the partial file. A host that ignores `Range`, or gives no total or no
 * validator, gets one stream, as does a file no larger than a part.
 *
 * **Resuming** (`resume`; {@link resolveSaveOptions} gives the defaults): a partial file left by an earlier call is
 * continued with `Range: bytes=<size>-` and `If-Range: <ETag>`; within a call, up to
 * `maxResumeAttempts` connection cuts or short bodies are survived the same
 * way. A 206 starting at the right byte with the recorded size and ETag is appended to
 * (the digest still covers the whole file); a 200 or a 416 starts over from byte 0.
 * When a save fails for a reason a later call could overcome (aborted, interrupted too
 * often, URL expired twice, a 5xx, `renew` or `onProgress` throwing) and some bytes were
 * saved, the partial file and its sidecar are kept for that later call; otherwise (a 4xx
 * such as 404, a size mismatch, a disk error, or `resume: false`) they are removed.
 *
 * **Expiry**: when `now() >= expiresAt` before a request, or the host answers 403 or
 * 410, `renew()` is called once and the save continues with the new source (resuming when
 * the content's ETag still matches); the parts of a save in parts share that one renewal.
 * A second expiry fails.
 *
 * **A stream** receives the bytes directly: no temporary file, no resume once a byte has
 * been written, and the stream is *not* ended, so the caller can write more or end it;
 * errors it emits during the save fail the save (phase `'write'`). `path` is undefined.
 *
 * Requests carry no `Authorization` or `Cookie` header and follow no redirect. Messages
 * and errors show the URL's origin and path only, never its query (the signature).
 *
 * @returns the absolute path (undefined for a stream), the size and the SHA-256 in hex.
 * @throws {ValidationError} for a URL that is not https (http only to a loopback host), before any I/O.
 * @throws {SnapshotTransferError} phase `'destination'` before any request when the destination is unusable or being saved to;
 *   `'transfer'` for host errors (with `status`), repeated cuts, a second expiry or a size mismatch;
 *   `'write'` for disk or stream errors.
 * @throws the signal's reason (an `AbortError` DOMException by default) when `signal` aborts.
 */
export async function saveSnapshotFile(params: SaveSnapshotParams): Promise<SavedSnapshot> {
  const { source, destination: given, renew, now, dispatcher, ...options } = params;
  const lease = new SnapshotSourceLease(source, renew, now);
  options.signal?.throwIfAborted();
  const destination = await checkDestination(given);
  const context: SaveContext = {
    lease,
    dispatcher: snapshotDispatcher(dispatcher),
    options,
    meter: new ProgressMeter(options.onProgress, options.progressIntervalMs),
  };
  return destination.kind === 'file' ? saveToFile(destination.path, context) : saveToStream(destination.stream, context);
}

// The storage host authenticates with the URL's signature alone; Atlas credentials must
// never reach it, and a cookie for it is never needed either.
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];

/**
 * An undici interceptor that removes `Authorization` and `Cookie` from every request it
 * dispatches. Composed outermost, so it sees what this library (or a caller's wrapper
 * around it) would add; interceptors already inside a caller's dispatcher run after it and
 * are trusted to limit credentials to their own origin, as the shim's Atlas interceptors do.
 */
export function createCredentialStripInterceptor(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => dispatch({ ...opts, headers: editHeaders(opts.headers, CREDENTIAL_HEADERS) }, handler);
}

let sharedDispatcher: Dispatcher | undefined;

/**
 * The dispatcher snapshot requests go through: the caller's, or by default a module-level
 * keep-alive Agent without any authentication (connect timeout 10 s, headers and body
 * timeouts 30 s each), with credential headers stripped in either case. The default Agent
 * lives as long as the process; its idle sockets do not keep the process alive.
 */
function snapshotDispatcher(given: Dispatcher | undefined): Dispatcher {
  if (given !== undefined) return given.compose(createCredentialStripInterceptor());
  sharedDispatcher ??= new Agent({ connect: { timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 30_000 }).compose(createCredentialStripInterceptor());
  return sharedDispatcher;
}
