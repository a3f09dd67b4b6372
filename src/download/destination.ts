import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { ValidationError } from '../errors/shim-error.js';
import { describeValue } from '../validation.js';

/** Where a snapshot will be saved, once checked. */
export type ResolvedDestination =
  | {
      readonly kind: 'file';
      /** The absolute path of the file to create or replace. */
      readonly path: string;
      /** Its directory, which exists and is writable. */
      readonly directory: string;
    }
  | { readonly kind: 'stream'; readonly stream: NodeJS.WritableStream };

function refuse(message: string): SnapshotTransferError {
  return new SnapshotTransferError(message, { phase: 'destination' });
}

/**
 * Longest destination path accepted, in characters: Linux's PATH_MAX (4096 bytes). A
 * longer string cannot name a file there (and on most other systems), so it is refused
 * before the file system is asked.
 */
export const MAX_DESTINATION_LENGTH = 4096;
const SHOWN_PATH = 200;

// A path as a message shows it: quoted and escaped, and cut in the middle when long, so a
// hostile 1 MB string makes a one-line error, and both the directory and the name stay visible.
function shown(path: string): string {
  if (path.length <= SHOWN_PATH) return JSON.stringify(path);
  const half = SHOWN_PATH / 2;
  return `${JSON.stringify(`${path.slice(0, half)}…${path.slice(-half)}`)} (${path.length} characters)`;
}

function isWritableStream(value: unknown): value is NodeJS.WritableStream {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<NodeJS.WritableStream>;
  return typeof candidate.write === 'function' && typeof candidate.once === 'function' && typeof candidate.on === 'function';
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function checkPath(destination: string): Promise<ResolvedDestination> {
  // NUL would be cut off by the OS (or refused deep inside fs): reject it before it means another path.
  if (destination.includes('\0')) throw refuse(`The destination path ${describeValue(destination)} contains a NUL character.`);
  if (destination.trim() === '') throw refuse('The destination path is empty: name the file to save the snapshot to.');
  if (destination.length > MAX_DESTINATION_LENGTH) {
    throw refuse(`The destination path ${shown(destination)} is longer than ${MAX_DESTINATION_LENGTH} characters, more than a file path can be.`);
  }
  if (destination.endsWith('/') || destination.endsWith(sep)) {
    throw refuse(`The destination path ${shown(destination)} ends with a separator: name a file, not a directory.`);
  }
  const path = resolve(destination);
  const directory = dirname(path);
  const cannot = `Cannot save the snapshot to ${shown(path)}`;
  let target: Stats | undefined;
  try {
    target = await statOrUndefined(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw refuse(`${cannot}: a part of ${shown(directory)} is a file, not a directory.`);
    throw refuse(`${cannot}: the path cannot be examined (${code ?? String(error)}).`);
  }
  if (target?.isDirectory()) throw refuse(`${cannot}: it is an existing directory; name a file inside it instead.`);

  const parent = await statOrUndefined(directory).catch(() => undefined);
  if (parent === undefined) throw refuse(`${cannot}: the directory ${shown(directory)} does not exist.`);
  if (!parent.isDirectory()) throw refuse(`${cannot}: ${shown(directory)} is not a directory.`);
  try {
    // Creating the temporary file and renaming it needs write and search permission on the directory.
    await access(directory, constants.W_OK | constants.X_OK);
  } catch {
    throw refuse(`${cannot}: the directory ${shown(directory)} is not writable by this process.`);
  }
  return { kind: 'file', path, directory };
}

function checkStream(stream: NodeJS.WritableStream): ResolvedDestination {
  const state = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean; writableFinished?: boolean };
  if (state.writable === false || state.destroyed === true || state.writableEnded === true || state.writableFinished === true) {
    throw refuse('The destination stream is not writable: it has already ended or been destroyed.');
  }
  return { kind: 'stream', stream };
}

/**
 * Checks where a snapshot is to be saved, before anything is requested: call it before
 * asking Atlas for a download, so a bad destination costs no download job.
 *
 * A path must be a non-empty string of at most {@link MAX_DESTINATION_LENGTH} characters
 * without NUL that does not end with a separator and is not an existing directory, and its
 * parent directory must exist and be writable; it is resolved against the working
 * directory. It is the caller's own path: `..` segments are resolved like any other, not
 * refused (names that come from Atlas or the caller's arguments never become paths
 * unchecked: cluster names and ids are validated against the contract's patterns first). An existing file at the path is replaced by a
 * successful save. A stream must still be writable (not ended, not destroyed).
 *
 * @throws {SnapshotTransferError} phase `'destination'`, saying what is wrong and with which directory.
 * @throws {ValidationError} when `destination` is neither a string nor a writable stream.
 */
export async function checkDestination(destination: string | NodeJS.WritableStream): Promise<ResolvedDestination> {
  if (typeof destination === 'string') return checkPath(destination);
  if (isWritableStream(destination)) return checkStream(destination);
  throw new ValidationError('destination', 'a file path (string) or a writable stream', describeValue(destination));
}
