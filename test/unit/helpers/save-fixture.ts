import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, expect, vi } from 'vitest';
import {
  resolveSaveOptions,
  saveSnapshotFile,
  type SavedSnapshot,
  type SaveSnapshotOptions,
  type SnapshotSource,
} from '../../../src/download/save-snapshot-file.js';
import { makeTempDir, startSnapshotHost } from './snapshot-host.js';

/** The path the test snapshot host serves the snapshot at. */
export const SNAPSHOT_PATH = '/backups/cluster0/snapshot-2025.tar.gz';

const cleanups: Array<() => Promise<void>> = [];

/** Registers the clean-up of every fixture a test file sets up; call once at the top of the file. */
export function useSaveFixtures(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

/** Runs `cleanup` after the current test, with the fixtures. */
export function deferCleanup(...cleanup: Array<() => Promise<void>>): void {
  cleanups.push(...cleanup);
}

/** A snapshot host of `size` bytes, a temp directory, an Agent, and a `renew` spy, all closed after the test. */
export async function setupSave(size = 256 * 1024) {
  const host = await startSnapshotHost(size);
  const dir = await makeTempDir();
  const agent = new Agent();
  cleanups.push(() => host.close(), () => dir.remove(), () => agent.close());
  const destination = join(dir.path, 'snapshot.tar.gz');
  const renew = vi.fn(async (): Promise<SnapshotSource> => ({ url: host.signedUrl(SNAPSHOT_PATH) }));
  const base = { destination, renew, dispatcher: agent };
  return { host, dir: dir.path, destination, renew, agent, base, source: (): SnapshotSource => ({ url: host.signedUrl(SNAPSHOT_PATH) }) };
}

/** What {@link save} takes: the user's options, and what the facade supplies (`dispatcher` and `now` optional). */
export interface SaveParams extends SaveSnapshotOptions {
  source: SnapshotSource;
  destination: string | NodeJS.WritableStream;
  renew: () => Promise<SnapshotSource>;
  dispatcher?: Dispatcher | undefined;
  now?: (() => Date) | undefined;
}

/**
 * Calls `saveSnapshotFile` as the facade does: the options checked and defaulted by
 * `resolveSaveOptions`, then the trusted, fully resolved params (the module's default
 * agent when `dispatcher` is undefined, the system clock when `now` is).
 */
export function save(params: SaveParams): Promise<SavedSnapshot> {
  const { source, destination, renew, dispatcher, now, ...options } = params;
  return saveSnapshotFile({ ...resolveSaveOptions(options), source, destination, renew, dispatcher, now: now ?? (() => new Date()) });
}

/** SHA-256 of bytes, in hex. */
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Whether a path exists. */
export const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/** What a function that must throw throws. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.fail('expected a throw');
}
