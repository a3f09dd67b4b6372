import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SnapshotTransferError } from '../errors/download-errors.js';
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

/** How often a held lock's modification time is renewed, to show its save is alive: 10 s. */
export const LOCK_HEARTBEAT_MS = 10_000;

/**
 * A lock not renewed for this long is left over, whoever wrote it: 60 s. This is what frees
 * a lock from a process on another host (a pod or container that was replaced), whose
 * process id cannot be checked from here.
 */
export const LOCK_STALE_AFTER_MS = 60_000;

// Locks this process holds: another save in this process must not take one over.
const held = new Set<string>();

function busyError(destination: string, lockPath: string, owner: LockOwner | undefined): SnapshotTransferError {
  const who = owner === undefined ? 'another save' : owner.pid === process.pid && owner.hostname === hostname() ? 'another save in this process' : `process ${owner.pid} on ${owner.hostname}`;
  return new SnapshotTransferError(
    `${JSON.stringify(destination)} is being saved by ${who}: two saves of one snapshot to one path would write into the same temporary file. ` +
      `Wait for it, or choose another path; a lock nobody renews is taken over after ${LOCK_STALE_AFTER_MS / 1000} s, and if no save is running you may delete ${JSON.stringify(lockPath)}.`,
    { phase: 'destination' },
  );
}

/** How long ago the lock was last renewed, in milliseconds; 0 when that cannot be read. */
async function lockAge(lockPath: string): Promise<number> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs;
  } catch {
    return 0;
  }
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
 * Whether a lock left on disk can be taken over: nobody renewed it for
 * {@link LOCK_STALE_AFTER_MS}, or its owner ran on this host and is gone. An owner with this
 * process's own pid is gone too (a restarted container reuses pids), since this process
 * holds no lock of that path.
 */
function isStale(owner: LockOwner | undefined, ageMs: number): boolean {
  if (ageMs > LOCK_STALE_AFTER_MS) return true;
  if (owner === undefined || owner.hostname !== hostname()) return false;
  return owner.pid === process.pid || !isAlive(owner.pid);
}

/**
 * Takes the lock of a partial file, so that two saves of one snapshot to one destination
 * (in one process, or in two, even on two hosts sharing the directory) never write into
 * the same temporary file: the second fails at once with a `SnapshotTransferError` (phase
 * `'destination'`) naming the holder. A lock left by a process that ended without releasing it is taken over: at once
 * when that process ran on this host, after {@link LOCK_STALE_AFTER_MS} otherwise.
 *
 * The lock file is created exclusively (`wx`) and renewed every `heartbeatMs` (default
 * {@link LOCK_HEARTBEAT_MS}); one whose owner cannot be read (being written this instant)
 * counts as held until it is {@link LOCK_STALE_AFTER_MS} old.
 */
export async function lockPartial(file: PartialFile, destination: string, heartbeatMs = LOCK_HEARTBEAT_MS): Promise<PartialLock> {
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
        if (attempt > 0 || !isStale(holder, await lockAge(path))) throw busyError(destination, path, holder);
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
  // Renewed while the save runs, so another host can tell a live lock from a left-over one.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      try {
        await rm(path, { force: true });
      } finally {
        held.delete(path);
      }
    },
  };
}
