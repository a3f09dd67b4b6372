import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotShim, type SnapshotShim } from '../../src/index.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';

// The machine's clock is not Atlas's: a resumed VM, a container without time sync. Atlas's
// clock here is 400 days off this process's, both ways; the shims are given no `now`, so they
// run on the machine's clock and learn Atlas's from the `Date` header of its answers. Every
// download must complete on the route Atlas's date calls for, with no renewal.
const DAY_MS = 86_400_000;
const FAST = { pollIntervalMs: 20, maxPollIntervalMs: 50 };

describe.each([
  // Atlas ahead: on Atlas's clock the sunset is long past; the client thinks it is 400 days earlier.
  ['400 days ahead of the client (after the sunset on its clock)', 400, 'flex'],
  // Atlas behind: before the sunset on Atlas's clock; the client thinks it is long past, and that every URL has expired.
  ['400 days behind the client (before the sunset on its clock)', -400, 'tenant'],
] as const)('Atlas %s', (_title, days, sharedRoute) => {
  let sim: AtlasSimulator;
  let dir: string;
  const shims: SnapshotShim[] = [];
  const newShim = (): SnapshotShim => {
    const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
    shims.push(shim);
    return shim;
  };
  const posts = () => sim.requests.filter((r) => r.method === 'POST' && r.operationId !== undefined);

  beforeAll(async () => {
    sim = await startAtlasSimulator({ now: () => new Date(Date.now() + days * DAY_MS), jobDurationMs: 40, snapshotSizeBytes: 64 * 1024 });
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-skew-'));
    sim.clearRequests();
  });
  afterEach(async () => {
    sim.faults.clear();
    await Promise.all(shims.splice(0).map((shim) => shim.close()));
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => sim?.stop());

  it.each([['shared'], ['sharedM5'], ['flexLegacy'], ['flex']] as const)('download() of a %s cluster completes, with one job and no renewal', async (role) => {
    const shim = newShim();
    const clusterName = sim.clusters[role];
    const snapshotId = sim.snapshotIds(clusterName)[0] as string;
    const jobsBefore = sim.jobsFor(snapshotId).length;
    const destination = join(dir, `${role}.tar.gz`);
    const result = await shim.download({ groupId: sim.groupId, clusterName, snapshotId, destination, ...FAST });
    expect(result.sha256).toBe(sim.snapshotSha256(snapshotId));
    expect(sim.jobsFor(snapshotId)).toHaveLength(jobsBefore + 1);
    expect(posts()).toHaveLength(1);
    if (role === 'shared' || role === 'sharedM5') expect(result.job.decision.route).toBe(sharedRoute);
    expect(result.job.decision.afterSunset).toBe(days > 0);
    // One answer: a snapshot no larger than a part comes whole in the 206 to the first ranged request.
    expect(sim.requests.filter((r) => r.path.startsWith('/snapshot-files/')).map((r) => r.status)).toEqual([206]);
    expect(await readdir(dir)).toEqual([`${role}.tar.gz`]);
  });

  it('an ambiguous download POST finds its job on Atlas\'s clock: adopted, never a second job', async () => {
    const shim = newShim();
    const clusterName = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(clusterName)[1] as string;
    const jobsBefore = sim.jobsFor(snapshotId).length;
    // Learn Atlas's clock first, as any earlier call would: then the POST that Atlas ran is reset.
    await shim.explainRoute({ groupId: sim.groupId, clusterName });
    sim.faults.inject({ kind: 'reset-after-request', operationId: 'downloadFlexBackup' });
    const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName, snapshotId });
    expect(sim.jobsFor(snapshotId)).toHaveLength(jobsBefore + 1);
    expect(sim.jobsFor(snapshotId).at(-1)?.id).toBe(download.id);
    expect(posts().map((r) => r.status)).toEqual([0]);
  });

  it('a COMPLETED job saved by a shim that has not heard from Atlas yet: at most one renewal', async () => {
    const clusterName = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(clusterName)[0] as string;
    const job = await newShim().waitForDownload(await newShim().downloadSnapshot({ groupId: sim.groupId, clusterName, snapshotId }), FAST);
    sim.clearRequests();
    const saved = await newShim().saveSnapshot(job, join(dir, 'handed-over.tar.gz'));
    expect(saved.sha256).toBe(sim.snapshotSha256(snapshotId));
    expect(posts().length).toBeLessThanOrEqual(1);
  });
});
