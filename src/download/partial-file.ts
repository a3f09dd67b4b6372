import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The temporary file a save writes into, beside the destination, and its sidecar of validators. */
export interface PartialFile {
  /** `.<basename>.<8 hex>.part` in the destination's directory. */
  readonly path: string;
  /** `<path>.json`: the validators the partial bytes came with. */
  readonly sidecarPath: string;
}

/** What the bytes of a partial file came with; a resume must match them. */
export interface PartialValidators {
  /** The URL path (no query) the bytes were fetched from. */
  readonly sourcePath: string;
  /** The host's ETag of the content, when it sent one. */
  readonly etag: string | undefined;
  /** The snapshot's full size, when the host gave one. */
  readonly total: number | undefined;
  /** The host's Last-Modified date, recorded by a save in parts (its validator when there is no strong ETag). */
  readonly lastModified?: string | undefined;
  /** Present for a save in parts: the partial file has the full size and these parts are on disk. */
  readonly parts?: PartsRecord | undefined;
}

/** Which parts of a save in parts are on disk (written and flushed). */
export interface PartsRecord {
  /** Bytes per part; the last part may be shorter. */
  readonly size: number;
  /** Indexes of the complete parts, ascending. */
  readonly complete: readonly number[];
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function readPartsRecord(value: unknown): PartsRecord | undefined | 'invalid' {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return 'invalid';
  const { size, complete } = value as Record<string, unknown>;
  if (!isCount(size) || size === 0 || !Array.isArray(complete) || !complete.every(isCount)) return 'invalid';
  return { size, complete };
}

// File names are limited to 255 bytes; the basename is cut to leave room for the decorations.
const MAX_BASENAME_BYTES = 200;

function shortBasename(name: string): string {
  let cut = name;
  while (Buffer.byteLength(cut) > MAX_BASENAME_BYTES) cut = cut.slice(0, -1);
  return cut;
}

/**
 * The partial file of one destination and one snapshot path. Deterministic, so a later
 * call for the same destination and snapshot finds what an interrupted one left; the
 * URL path (not its query, which changes with every signature) picks the snapshot.
 */
export function partialFileFor(destination: string, sourcePath: string): PartialFile {
  const tag = createHash('sha256').update(sourcePath).digest('hex').slice(0, 8);
  const path = join(dirname(destination), `.${shortBasename(basename(destination))}.${tag}.part`);
  return { path, sidecarPath: `${path}.json` };
}

/** The partial file's size in bytes; 0 when there is none. */
export async function partialSize(file: PartialFile): Promise<number> {
  try {
    return (await stat(file.path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * The validators recorded beside the partial file, or undefined when missing, unreadable or
 * not of the expected shape (whether they fit the partial file is the caller's judgement).
 */
export async function readValidators(file: PartialFile): Promise<PartialValidators | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file.sidecarPath, 'utf8'));
  } catch {
    // Missing, or half-written by a crash: either way the partial bytes cannot be trusted.
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { sourcePath, etag, total, lastModified, parts: partsValue } = parsed as Record<string, unknown>;
  if (typeof sourcePath !== 'string') return undefined;
  if (etag !== undefined && typeof etag !== 'string') return undefined;
  if (lastModified !== undefined && typeof lastModified !== 'string') return undefined;
  if (total !== undefined && !isCount(total)) return undefined;
  const parts = readPartsRecord(partsValue);
  if (parts === 'invalid') return undefined;
  return { sourcePath, etag, total, lastModified, parts };
}

/**
 * Records the validators; called after truncating the partial file and before writing into
 * it, and by a save in parts whenever more of its parts are on disk.
 */
export async function writeValidators(file: PartialFile, validators: PartialValidators): Promise<void> {
  await writeFile(file.sidecarPath, `${JSON.stringify(validators)}\n`, { mode: 0o600 });
}

/** Removes the partial file and its sidecar, ignoring what is already gone. */
export async function removePartial(file: PartialFile): Promise<void> {
  await Promise.all([rm(file.path, { force: true }), rm(file.sidecarPath, { force: true })]);
}

// Reading the partial file back in 1 MiB chunks instead of the default 64 KiB: 16 times fewer reads and hash calls.
const REHASH_CHUNK_BYTES = 1024 * 1024;

/** A SHA-256 over the first `length` bytes of the partial file, read as a stream. */
export async function hashPartial(file: PartialFile, length: number, signal: AbortSignal | undefined): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  const stream = createReadStream(file.path, { start: 0, end: length - 1, highWaterMark: REHASH_CHUNK_BYTES, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash;
}

/**
 * Moves the completed partial file to the destination: rename (atomic within one
 * directory, so the destination is either the old file or the whole new one), fsync the
 * directory so the rename survives a crash, then drop the sidecar. The file itself was
 * fsynced when writing finished.
 */
export async function commitPartial(file: PartialFile, destination: string): Promise<void> {
  await rename(file.path, destination);
  await syncDirectory(dirname(destination));
  await rm(file.sidecarPath, { force: true });
}

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms and file systems cannot open or fsync a directory; the rename is done either way.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
