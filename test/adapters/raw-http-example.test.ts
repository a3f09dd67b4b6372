import { request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportSnapshot, type ExportSnapshotInput } from '../../examples/raw-http/snapshot-export.mjs';
import { AFTER, BEFORE, restoreGlobalDispatcher, serviceAccountToken, shimDispatcher, useSimulator } from './adapter-fixture.js';

// The example's code is never changed here: only the dispatcher installed around it.

// Jobs take a few polls to complete, so the example's polling loop runs for real.
const fx = useSimulator({ clock: BEFORE, jobDurationMs: 200 });
restoreGlobalDispatcher();
let token: string;
beforeAll(async () => {
  token = await serviceAccountToken(fx.sim);
});

/** The README's one line, with the test's clock and simulator. */
const readmeDispatcher = (): Dispatcher => shimDispatcher(fx, { credentials: fx.sim.serviceAccount });

function input(cluster: string, extra: Partial<ExportSnapshotInput> = {}): ExportSnapshotInput {
  return { baseUrl: fx.sim.url, groupId: fx.sim.groupId, clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0] as string, token, pollIntervalMs: 20, timeoutMs: 10_000, ...extra };
}

const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/')).map((r) => [r.operationId, r.auth, r.status]);

async function expectDownloadable(job: Record<string, unknown>, snapshotId: string): Promise<void> {
  const response = await request(String(job.snapshotUrl));
  const bytes = Buffer.from(await response.body.arrayBuffer());
  expect(response.statusCode).toBe(200);
  expect(bytes.length).toBe(fx.sim.snapshotSize(snapshotId));
}

describe('the raw-http example, unchanged', () => {
  it('works before the sunset without the shim (the baseline it was written for)', async () => {
    const job = await exportSnapshot(input(fx.sim.clusters.shared));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: fx.sim.clusters.shared });
    expect(backupCalls()[0]).toEqual(['downloadClusterBackupTenant', 'bearer', 200]);
  });

  it('breaks after the sunset without the shim: Atlas answers 410', async () => {
    fx.clock = AFTER;
    await expect(exportSnapshot(input(fx.sim.clusters.shared))).rejects.toThrow(/answered HTTP 410/);
  });

  it('after the sunset, with the shim installed by setGlobalDispatcher: completes through Flex', async () => {
    fx.clock = AFTER;
    setGlobalDispatcher(readmeDispatcher());
    const cluster = fx.sim.clusters.shared;
    const job = await exportSnapshot(input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0], targetDeploymentItemName: cluster });
    await expectDownloadable(job, fx.sim.snapshotIds(cluster)[0] as string);

    const calls = backupCalls();
    expect(calls[0]).toEqual(['downloadFlexBackup', 'bearer', 200]);
    // The example polled more than once, each poll served by getFlexRestoreJob with the caller's token.
    expect(calls.slice(1).length).toBeGreaterThan(1);
    expect(calls.slice(1).every(([operationId, auth]) => operationId === 'getFlexRestoreJob' && auth === 'bearer')).toBe(true);
    expect(calls.some(([operationId]) => String(operationId).includes('Tenant'))).toBe(false);
    const rewrites = fx.events.filter((e) => e.type === 'legacy-rewrite');
    expect(rewrites).toHaveLength(calls.length);
    expect(rewrites[0]).toMatchObject({ operationId: 'downloadClusterBackupTenant', method: 'POST' });
  });

  it('before the sunset, with the shim installed: still the tenant endpoint, untouched', async () => {
    setGlobalDispatcher(readmeDispatcher());
    const cluster = fx.sim.clusters.sharedM5;
    const job = await exportSnapshot(input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    const calls = backupCalls();
    expect(calls[0]).toEqual(['downloadClusterBackupTenant', 'bearer', 200]);
    expect(calls.every(([operationId]) => String(operationId).includes('Tenant'))).toBe(true);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });

  it('after the sunset, with the shim passed as the dispatcher instead', async () => {
    fx.clock = AFTER;
    const cluster = fx.sim.clusters.sharedM5;
    const job = await exportSnapshot(input(cluster, { dispatcher: readmeDispatcher() }));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    expect(backupCalls()[0]).toEqual(['downloadFlexBackup', 'bearer', 200]);
  });
});
