// What the soak finds on disk: the digest of a saved file re-read from disk (never the one
// the shim returned), whether anything sits at a failed call's destination, and, at the end,
// every file of the temporary directory sorted into what it is.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** SHA-256 (hex) and size of a file, read from disk. */
export async function hashFile(path) {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Size of what is at `path`, or undefined when nothing is. */
export async function sizeAt(path) {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

// The shim's temporary file beside a destination, and its sidecar: `.<basename>.<8 hex>.part[.json]`.
const PARTIAL = /^\.(.+)\.[0-9a-f]{8}\.part(\.json)?$/;

/**
 * Sorts every file of `dir`:
 * - `completed`: a completed call's destination (its content is checked elsewhere);
 * - `partsForResume`: a temporary file or sidecar beside a failed call's destination, kept
 *   on purpose so a later call can resume (the shim documents when it keeps them);
 * - `partsBesideCompleted`: a temporary file beside a destination that was completed: a
 *   leftover the successful call should have renamed or removed;
 * - `atFailedDestination`: a file at the path of a call that failed: a half file a reader
 *   would take for a whole snapshot (`looksWhole` when its size equals the snapshot's);
 * - `stray`: anything else.
 *
 * @param {string} dir
 * @param {Map<string, { outcome: 'completed' | 'failed', expectedBytes: number, index: number }>} destinations by basename
 */
export async function auditDirectory(dir, destinations) {
  const found = { completed: 0, partsForResume: [], partsBesideCompleted: [], atFailedDestination: [], stray: [] };
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const size = (await stat(path)).size;
    const owner = destinations.get(name);
    if (owner !== undefined) {
      if (owner.outcome === 'completed') found.completed += 1;
      else found.atFailedDestination.push({ file: name, download: owner.index, bytes: size, looksWhole: size === owner.expectedBytes });
      continue;
    }
    const partial = PARTIAL.exec(name);
    const partOwner = partial === null ? undefined : destinations.get(partial[1]);
    const entry = { file: name, download: partOwner?.index, bytes: size, sidecar: partial?.[2] !== undefined };
    if (partOwner?.outcome === 'failed') found.partsForResume.push(entry);
    else if (partOwner?.outcome === 'completed') found.partsBesideCompleted.push(entry);
    else found.stray.push({ file: name, bytes: size });
  }
  return found;
}

/** The basename of a destination, the key of {@link auditDirectory}'s map. */
export const destinationKey = (path) => basename(path);
