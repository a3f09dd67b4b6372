import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotShim, type SnapshotShim } from '../../src/index.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';

// Atlas's token bucket on the Flex snapshot and restore-job endpoints, shared by every call
// on the project. 200 downloads start at once against a bucket of 20; every one must complete,
// and the 429s must stay about one per download: no retry storm.
const DOWNLOADS = 200;
const BUCKET = { capacity: 20, refillTokens: 20, refillIntervalMs: 200, retryAfter: 'sometimes' } as const;

describe(`${DOWNLOADS} concurrent downloads on one project against a token bucket of ${BUCKET.capacity}`, () => {
  let sim: AtlasSimulator;
  let shim: SnapshotShim;
  let dir: string;

  beforeAll(async () => {
    sim = await startAtlasSimulator({ jobDurationMs: 100, snapshotSizeBytes: 4096, rateLimit: BUCKET });
    shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, retry: { baseDelayMs: 50, maxDelayMs: 1000, maxElapsedMs: 60_000 } });
    dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-bucket-'));
  });
  afterAll(async () => {
    await shim?.close();
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('all complete, each with one job, without a retry storm', { timeout: 120_000 }, async () => {
    const clusterName = sim.clusters.flex;
    const snapshotIds = sim.snapshotIds(clusterName);
    const jobsBefore = snapshotIds.reduce((total, id) => total + sim.jobsFor(id).length, 0);
    // Learn the cluster kind first: the look-ups draw no tokens, and 200 calls share one anyway.
    await shim.explainRoute({ groupId: sim.groupId, clusterName });
    sim.clearRequests();

    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: DOWNLOADS }, (_, index) =>
        shim.download({
          groupId: sim.groupId,
          clusterName,
          snapshotId: snapshotIds[index % snapshotIds.length] as string,
          destination: join(dir, `${String(index).padStart(3, '0')}.tar.gz`),
          pollIntervalMs: 200,
          maxPollIntervalMs: 1000,
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed.map((result) => String((result as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(await readdir(dir)).toHaveLength(DOWNLOADS);
    const jobs = snapshotIds.reduce((total, id) => total + sim.jobsFor(id).length, 0) - jobsBefore;
    expect(jobs).toBe(DOWNLOADS);

    const api = sim.requests.filter((r) => r.operationId !== undefined && r.status !== 401);
    const limited = api.filter((r) => r.status === 429).length;
    const perDownload = (n: number) => Number((n / DOWNLOADS).toFixed(2));
    const figures = {
      downloads: DOWNLOADS,
      seconds: Number(seconds.toFixed(1)),
      atlasRequestsPerDownload: perDownload(api.length),
      answered429PerDownload: perDownload(limited),
      jobPollsPerDownload: perDownload(api.filter((r) => r.operationId === 'getFlexRestoreJob' && r.status === 200).length),
    };
    console.info(`token bucket ${JSON.stringify(BUCKET)}: ${JSON.stringify(figures)}`);
    // Every download needs one POST and at least one poll; a storm would be many 429s each.
    expect(figures.answered429PerDownload).toBeLessThanOrEqual(2);
    expect(figures.atlasRequestsPerDownload).toBeLessThanOrEqual(6);
  });
});
