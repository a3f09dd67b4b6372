import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SnapshotTransferError } from '../errors/snapshot-transfer-error.js';
import type { PartialFile } from './partial-file.js';

/** The partial file of one save, held until {@link PartialLock.release}. */
export interface PartialLock {
  /** `<partial file>.lock`. */
  readonly path: string;
  /** Removes the lock; call it once the save has settled (and cleaned up after itself). */
  release(): Promise<void>;
}

/** Who holds a lock, as written in its file. */
interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
}

// Locks this process holds: another save in this process must not take one over.
const held = new Set<string>();

function busyError(destination: string, lockPath: string, owner: LockOwner | undefined): SnapshotTransferError {
  const who = owner === undefined ? 'another save' : owner.pid === process.pid && owner.hostname === hostname() ? 'another save in this process' : `process ${owner.pid} on ${owner.hostname}`;
  return new SnapshotTransferError(
    `${JSON.stringify(destination)} is being saved by ${who}: two saves of one snapshot to one path would write into the same temporary file. ` +
      `Wait for it, or choose another path; if no save is running, delete ${JSON.stringify(lockPath)}.`,
    { phase: 'destination' },
  );
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    if (Number.isSafeInteger(parsed.pid) && (parsed.pid as number) > 0 && typeof parsed.hostname === 'string') {
      return { pid: parsed.pid as number, hostname: parsed.hostname };
    }
  } catch {
    // Gone meanwhile, or not ours to read: decided by the caller.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a lock left on disk can be taken over: its owner ran on this host and is gone.
 * An owner with this process's own pid is gone too (a restarted container reuses pids),
 * since this process holds no lock of that path.
 */
function isStale(owner: LockOwner | undefined): boolean {
  if (owner === undefined || owner.hostname !== hostname()) return false;
  return owner.pid === process.pid || !isAlive(owner.pid);
}

/**
 * Takes the lock of a partial file, so that two saves of one snapshot to one destination
 * (in this process or in two on this host) never write into the same temporary file: the
 * second fails at once with a `SnapshotTransferError` (phase `'destination'`) naming the
 * holder. A lock left by a process that ended without releasing it is taken over.
 *
 * The lock file is created exclusively (`wx`); one whose owner cannot be read (being
 * written this instant, or from elsewhere) counts as held: the safe answer.
 */
export async function lockPartial(file: PartialFile, destination: string): Promise<PartialLock> {
  const path = `${file.path}.lock`;
  if (held.has(path)) throw busyError(destination, path, { pid: process.pid, hostname: hostname() });
  held.add(path);
  const owner = `${JSON.stringify({ pid: process.pid, hostname: hostname() })}\n`;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await writeFile(path, owner, { mode: 0o600, flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = await readOwner(path);
        if (attempt > 0 || !isStale(holder)) throw busyError(destination, path, holder);
        await rm(path, { force: true });
      }
    }
  } catch (error) {
    held.delete(path);
    if (error instanceof SnapshotTransferError) throw error;
    throw new SnapshotTransferError(`cannot lock the temporary file beside ${JSON.stringify(destination)}: ${(error as Error).message}`, {
      phase: 'destination',
      cause: error,
    });
  }
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      try {
        await rm(path, { force: true });
      } finally {
        held.delete(path);
      }
    },
  };
}
