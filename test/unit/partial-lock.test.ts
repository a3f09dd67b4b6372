import { spawn } from 'node:child_process';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotTransferError } from '../../src/errors/download-errors.js';
import { partialFileFor } from '../../src/download/partial-file.js';
import { LOCK_STALE_AFTER_MS, lockPartial } from '../../src/download/partial-lock.js';
import { deferCleanup, exists, rejectionOf, save, setupSave, SNAPSHOT_PATH, useSaveFixtures } from './helpers/save-fixture.js';

useSaveFixtures();
const setup = setupSave;

/** A real process that idles until killed; its pid is alive meanwhile, and gone once `stop` resolves. */
async function idleProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid as number,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

const lockOf = (destination: string) => `${partialFileFor(destination, SNAPSHOT_PATH).path}.lock`;
const writeLock = (path: string, owner: { pid: number; hostname: string }) => writeFile(path, `${JSON.stringify(owner)}\n`);

describe('one save at a time per destination and snapshot', () => {
  it('a second save of the same snapshot to the same path fails before any request; the first completes', async () => {
    const { host, dir, destination, base, source } = await setup();
    const [first, second] = await Promise.allSettled([save({ ...base, source: source() }), save({ ...base, source: source() })]);
    const outcomes = [first, second];
    const saved = outcomes.find((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(saved).toBeDefined();
    expect(refused).toBeDefined();
    const error = (refused as PromiseRejectedResult).reason as SnapshotTransferError;
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error.phase).toBe('destination');
    expect(error.message).toContain('is being saved by another save in this process');
    expect(host.requests).toHaveLength(1);
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    // The lock went with the save that held it.
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
    // And the path is free again.
    await expect(save({ ...base, source: source() })).resolves.toMatchObject({ bytes: host.size });
  });

  it('a save in another live process on this host holds the path; once that process is gone, its lock is taken over', async () => {
    const { host, destination, base, source } = await setup();
    const other = await idleProcess();
    deferCleanup(other.stop);
    await writeLock(lockOf(destination), { pid: other.pid, hostname: hostname() });

    const error = await rejectionOf(save({ ...base, source: source() }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect((error as Error).message).toContain(`process ${other.pid} on ${hostname()}`);
    expect((error as Error).message).toContain(JSON.stringify(lockOf(destination)));
    expect(host.requests).toHaveLength(0);

    await other.stop();
    await expect(save({ ...base, source: source() })).resolves.toMatchObject({ bytes: host.size });
    expect(await exists(lockOf(destination))).toBe(false);
  });

  it('a lock left under this process id (a restarted container reuses pids) is stale, since this process holds none', async () => {
    const { host, destination, base, source } = await setup();
    await writeLock(lockOf(destination), { pid: process.pid, hostname: hostname() });
    await expect(save({ ...base, source: source() })).resolves.toMatchObject({ bytes: host.size });
  });

  it.each([
    ['another host', () => ({ pid: process.pid, hostname: `${hostname()}-elsewhere` })],
    ['an owner it cannot read', () => 'half-written'],
  ])('a lock from %s counts as held, and the message says how to clear it', async (_what, owner) => {
    const { host, destination, base, source } = await setup();
    const value = owner();
    await writeFile(lockOf(destination), typeof value === 'string' ? value : JSON.stringify(value));
    const error = await rejectionOf(save({ ...base, source: source() }));
    expect(error).toMatchObject({ phase: 'destination' });
    expect((error as Error).message).toContain(`if no save is running you may delete ${JSON.stringify(lockOf(destination))}`);
    expect(host.requests).toHaveLength(0);
    expect(await exists(destination)).toBe(false);
  });

  it('a lock nobody renewed for a minute is taken over, even from another host (a replaced pod cannot release it)', async () => {
    const { host, destination, base, source } = await setup();
    await writeLock(lockOf(destination), { pid: 1, hostname: `${hostname()}-replaced-pod` });
    const past = new Date(Date.now() - LOCK_STALE_AFTER_MS - 5_000);
    await utimes(lockOf(destination), past, past);
    await expect(save({ ...base, source: source() })).resolves.toMatchObject({ bytes: host.size });
  });

  it('a held lock is renewed while its save runs, so it never looks left over', async () => {
    const { dir } = await setup();
    const destination = join(dir, 'x.tar.gz');
    const lock = await lockPartial(partialFileFor(destination, SNAPSHOT_PATH), destination, 20);
    deferCleanup(() => lock.release());
    const past = new Date(Date.now() - 3_600_000);
    await utimes(lock.path, past, past);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(Date.now() - (await stat(lock.path)).mtimeMs).toBeLessThan(10_000);
  });

  it('release is idempotent and frees the path for the next lock', async () => {
    const { dir } = await setup();
    const file = partialFileFor(join(dir, 'x.tar.gz'), SNAPSHOT_PATH);
    const lock = await lockPartial(file, join(dir, 'x.tar.gz'));
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toEqual({ pid: process.pid, hostname: hostname() });
    await lock.release();
    await lock.release();
    expect(await exists(lock.path)).toBe(false);
    const again = await lockPartial(file, join(dir, 'x.tar.gz'));
    await again.release();
  });
});

