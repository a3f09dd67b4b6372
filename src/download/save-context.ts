import type { Dispatcher } from 'undici';
import { SnapshotTransferError } from '../errors/snapshot-transfer-error.js';
import type { ProgressMeter } from './progress.js';
import type { ResolvedSaveOptions } from './save-options.js';
import type { SnapshotSourceLease } from './snapshot-source.js';
import { describeSnapshotUrl } from './snapshot-url.js';

/** What a finished save produced. */
export interface SavedSnapshot {
  /** The absolute path saved to; undefined when the destination was a stream. */
  path: string | undefined;
  /** Size of the snapshot in bytes. */
  bytes: number;
  /** SHA-256 of the whole snapshot (resumed bytes included), lowercase hex. */
  sha256: string;
}

/** Everything one save works with, checked and defaulted. */
export interface SaveContext {
  readonly lease: SnapshotSourceLease;
  readonly dispatcher: Dispatcher;
  readonly options: ResolvedSaveOptions;
  readonly meter: ProgressMeter;
}

// The cause's own words help, but only with the signature scrubbed should one ever carry the URL.
function causeText(error: unknown, url: URL): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
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
