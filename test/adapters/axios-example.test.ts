import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { axiosSnapshotShim } from '../../adapters/axios.js';
import { createAtlasApi } from '../../examples/axios-codebase/atlas-api.mjs';
import { exportSnapshot, type ExportSnapshotInput } from '../../examples/axios-codebase/snapshot-export.mjs';
import { AFTER, BEFORE, useSimulator } from './adapter-fixture.js';

// The example's code is never changed here: only the one line that installs the shim on its axios instance.

// Jobs take a few polls to complete, so the example's polling loop runs for real.
const fx = useSimulator({ clock: BEFORE, jobDurationMs: 200 });

/** The codebase's own client: its axios instance, signing with the simulator's API key through its digest interceptor. */
const codebaseApi = () => createAtlasApi({ baseUrl: fx.sim.url, ...fx.sim.apiKey, timeoutMs: 10_000 });

/**
 * The README's one line, with the test's clock and simulator. The shim signs with the
 * service account, so every digest signature the simulator sees is the codebase's own.
 */
const installShim = (api: ReturnType<typeof codebaseApi>): void => {
  fx.closeAfterTest(axiosSnapshotShim(api, { ...fx.clientOptions(), credentials: fx.sim.serviceAccount, onEvent: fx.onEvent }));
};

function input(cluster: string): ExportSnapshotInput {
  return { groupId: fx.sim.groupId, clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0] as string, pollIntervalMs: 20, timeoutMs: 10_000 };
}

const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401).map((r) => [r.operationId, r.auth, r.status]);
/** The requests Atlas challenged (the simulator checks credentials before it names the operation): method, the path from `/backup/`, auth. */
const challenged = () => fx.sim.requests.filter((r) => r.status === 401).map((r) => [r.method, r.path.slice(r.path.indexOf('/backup/')), r.auth]);

async function expectDownloadable(job: Record<string, unknown>, snapshotId: string): Promise<void> {
  const response = await request(String(job.snapshotUrl));
  const bytes = Buffer.from(await response.body.arrayBuffer());
  expect(response.statusCode).toBe(200);
  expect(bytes.length).toBe(fx.sim.snapshotSize(snapshotId));
}

describe('the axios codebase example, unchanged', () => {
  it('works before the sunset without the shim: its digest interceptor answers each challenge', async () => {
    const cluster = fx.sim.clusters.shared;
    const job = await exportSnapshot(codebaseApi(), input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    await expectDownloadable(job, fx.sim.snapshotIds(cluster)[0] as string);
    expect(backupCalls().slice(0, 2)).toEqual([
      ['downloadClusterBackupTenant', 'digest', 200],
      ['getBackupTenantRestore', 'digest', 200],
    ]);
    expect(challenged().slice(0, 2)).toEqual([
      ['POST', '/backup/tenant/download', 'none'],
      ['GET', `/backup/tenant/restores/${job.id as string}`, 'none'],
    ]);
  });

  it('breaks after the sunset without the shim: Atlas answers 410', async () => {
    fx.clock = AFTER;
    await expect(exportSnapshot(codebaseApi(), input(fx.sim.clusters.shared))).rejects.toMatchObject({
      name: 'AxiosError',
      response: { status: 410, data: { errorCode: 'VERSION_GONE' } },
    });
  });

  it('after the sunset, with the one line axiosSnapshotShim(api, options): completes through Flex', async () => {
    fx.clock = AFTER;
    const api = codebaseApi();
    installShim(api);
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const job = await exportSnapshot(api, input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster, snapshotId, targetDeploymentItemName: cluster });
    expect(job).not.toHaveProperty('instanceName');
    await expectDownloadable(job, snapshotId);

    const calls = backupCalls();
    // Rewritten, and signed by the shim's own credentials: the codebase never saw a challenge.
    expect(calls[0]).toEqual(['downloadFlexBackup', 'bearer', 200]);
    const polls = calls.slice(1);
    expect(polls.length).toBeGreaterThan(1);
    expect(polls).toEqual(polls.map(() => ['getFlexRestoreJob', 'bearer', 200]));
    expect(challenged()).toEqual([]);
    const rewrites = fx.events.filter((e) => e.type === 'legacy-rewrite');
    expect(rewrites).toHaveLength(calls.length);
    expect(rewrites[0]).toMatchObject({ operationId: 'downloadClusterBackupTenant', method: 'POST' });
  });

  it('before the sunset, with the shim installed: still the tenant endpoint, signed by the codebase', async () => {
    const api = codebaseApi();
    installShim(api);
    const cluster = fx.sim.clusters.sharedM5;
    const job = await exportSnapshot(api, input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    // Every answer the codebase read came from the tenant endpoint, signed by its own interceptor after a challenge: the download, then more than one poll.
    const calls = backupCalls();
    expect(calls.length).toBeGreaterThan(2);
    expect(calls).toEqual([['downloadClusterBackupTenant', 'digest', 200], ...calls.slice(1).map(() => ['getBackupTenantRestore', 'digest', 200])]);
    expect(challenged()).toHaveLength(calls.length);
    expect(challenged()[0]).toEqual(['POST', '/backup/tenant/download', 'none']);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });
});
