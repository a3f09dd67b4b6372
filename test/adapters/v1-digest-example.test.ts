import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setGlobalDispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupNewestSnapshot, type BackupInput } from '../../examples/v1-digest/nightly-backup.mjs';
import { AFTER, BEFORE, restoreGlobalDispatcher, shimDispatcher, useSimulator } from './adapter-fixture.js';

// The example's code is never changed here: only the dispatcher installed around it.

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 200, snapshotSizeBytes: 8192 });
restoreGlobalDispatcher();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'v1-digest-example-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function input(cluster: string): BackupInput {
  return { baseUrl: fx.sim.url, groupId: fx.sim.groupId, clusterName: cluster, ...fx.sim.apiKey, file: join(dir, 'backup.tar.gz'), pollIntervalMs: 20 };
}

/** The README's one line, with the test's clock and simulator. */
const installShim = (): void => setGlobalDispatcher(shimDispatcher(fx, { credentials: fx.sim.apiKey }));

/** The backup calls Atlas answered (not the 401 challenges): operation, API version, auth. */
const backupCalls = () =>
  fx.sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401).map((r) => [r.operationId, r.path.startsWith('/api/atlas/v1.0/') ? 'v1.0' : 'v2', r.auth, r.status]);

async function expectSaved(result: Awaited<ReturnType<typeof backupNewestSnapshot>>, cluster: string): Promise<void> {
  const newest = fx.sim.snapshotIds(cluster)[0] as string;
  expect(result.snapshotId).toBe(newest);
  expect(result.job).toMatchObject({ status: 'COMPLETED', clusterName: cluster, snapshotId: newest });
  expect(result.bytes).toBe(fx.sim.snapshotSize(newest));
  expect((await readFile(input(cluster).file)).length).toBe(fx.sim.snapshotSize(newest));
}

describe('the v1.0 digest example, unchanged', () => {
  it('works before the sunset without the shim (the baseline it was written for)', async () => {
    const cluster = fx.sim.clusters.shared;
    await expectSaved(await backupNewestSnapshot(input(cluster)), cluster);
    expect(backupCalls().slice(0, 2)).toEqual([
      ['listClusterBackupSnapshots', 'v1.0', 'digest', 200],
      ['downloadClusterBackupTenant', 'v1.0', 'digest', 200],
    ]);
  });

  it('breaks after the sunset without the shim: Atlas answers 410', async () => {
    fx.clock = AFTER;
    await expect(backupNewestSnapshot(input(fx.sim.clusters.shared))).rejects.toThrow(/answered HTTP 410/);
  });

  it('after the sunset, with the shim installed by setGlobalDispatcher: completes through Flex, signed by the shim', async () => {
    fx.clock = AFTER;
    installShim();
    const cluster = fx.sim.clusters.shared;
    await expectSaved(await backupNewestSnapshot(input(cluster)), cluster);
    const calls = backupCalls();
    expect(calls.slice(0, 2)).toEqual([
      ['listFlexBackupSnapshots', 'v2', 'digest', 200],
      ['downloadFlexBackup', 'v2', 'digest', 200],
    ]);
    expect(calls.slice(2).length).toBeGreaterThan(0);
    for (const call of calls.slice(2)) expect(call).toEqual(['getFlexRestoreJob', 'v2', 'digest', 200]);
    expect(fx.sim.requests.filter((r) => r.path.includes('/tenant/'))).toEqual([]);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toHaveLength(calls.length);
  });

  it('before the sunset, with the shim installed: still the v1.0 tenant paths, the code signing its own requests', async () => {
    installShim();
    const cluster = fx.sim.clusters.sharedM5;
    await expectSaved(await backupNewestSnapshot(input(cluster)), cluster);
    const calls = backupCalls();
    expect(calls.length).toBeGreaterThan(2);
    for (const [operationId, version, auth] of calls) expect([String(operationId).includes('Tenant') || operationId === 'listClusterBackupSnapshots', version, auth]).toEqual([true, 'v1.0', 'digest']);
    // The code's own digest: each request it sends first unsigned is challenged, then signed.
    expect(fx.sim.requests.some((r) => r.status === 401 && r.path.startsWith('/api/atlas/v1.0/'))).toBe(true);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });
});
