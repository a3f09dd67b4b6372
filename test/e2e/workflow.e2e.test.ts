import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotShim, DownloadFailedError, TimeoutError, type SnapshotShim } from '../../src/index.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const BEFORE = new Date('2026-01-10T12:00:00Z');
let sim: Simulator;
let shim: SnapshotShim;

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => BEFORE, jobDurationMs: 300 });
  shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => BEFORE });
});
afterAll(async () => {
  await shim.close();
  await sim.stop();
});
afterEach(() => sim.clearRequests());

describe('waitForDownload', () => {
  it('follows a tenant job and a Flex job to COMPLETED through their own families', async () => {
    for (const cluster of [sim.clusters.shared, sim.clusters.flex]) {
      const statuses: string[] = [];
      const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });
      const done = await shim.waitForDownload(download, { pollIntervalMs: 40, onStatus: (job) => statuses.push(String(job.status)) });
      expect(done).toMatchObject({ status: 'COMPLETED', route: download.route, id: download.id, decision: download.decision });
      expect(done.snapshotUrl).toBeDefined();
      expect(statuses.at(-1)).toBe('COMPLETED');
      const family = download.route === 'tenant' ? '/backup/tenant/restores/' : '/backup/restoreJobs/';
      expect(sim.requests.filter((r) => r.method === 'GET' && r.path.includes(family)).length).toBeGreaterThan(0);
      sim.clearRequests();
    }
  });

  it('rejects with DownloadFailedError carrying the job when Atlas fails it', async () => {
    const cluster = sim.clusters.flexLegacy;
    const snapshotId = sim.snapshotIds(cluster)[1] as string;
    sim.failJobsFor(snapshotId);
    const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId });
    const error = await shim.waitForDownload(download, { pollIntervalMs: 40 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect((error as DownloadFailedError).job).toMatchObject({ id: download.id, status: 'FAILED' });
  });

  it('times out with a TimeoutError naming the last status', async () => {
    const cluster = sim.clusters.flex;
    const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[1] as string });
    const error = await shim.waitForDownload(download, { pollIntervalMs: 10, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(['PENDING', 'QUEUED', 'RUNNING']).toContain((error as TimeoutError).lastStatus);
  });
});
