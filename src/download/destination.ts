import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { SnapshotTransferError } from '../errors/snapshot-transfer-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';

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
  if (destination.endsWith('/') || destination.endsWith(sep)) {
    throw refuse(`The destination path ${JSON.stringify(destination)} ends with a separator: name a file, not a directory.`);
  }
  const path = resolve(destination);
  const directory = dirname(path);
  const cannot = `Cannot save the snapshot to ${JSON.stringify(path)}`;
  let target: Stats | undefined;
  try {
    target = await statOrUndefined(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw refuse(`${cannot}: a part of ${JSON.stringify(directory)} is a file, not a directory.`);
    throw refuse(`${cannot}: the path cannot be examined (${code ?? String(error)}).`);
  }
  if (target?.isDirectory()) throw refuse(`${cannot}: it is an existing directory; name a file inside it instead.`);

  const parent = await statOrUndefined(directory).catch(() => undefined);
  if (parent === undefined) throw refuse(`${cannot}: the directory ${JSON.stringify(directory)} does not exist.`);
  if (!parent.isDirectory()) throw refuse(`${cannot}: ${JSON.stringify(directory)} is not a directory.`);
  try {
    // Creating the temporary file and renaming it needs write and search permission on the directory.
    await access(directory, constants.W_OK | constants.X_OK);
  } catch {
    throw refuse(`${cannot}: the directory ${JSON.stringify(directory)} is not writable by this process.`);
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
 * A path must be a non-empty string without NUL that does not end with a separator and is
 * not an existing directory, and its parent directory must exist and be writable; it is
 * resolved against the working directory. An existing file at the path is replaced by a
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
