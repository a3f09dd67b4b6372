import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSnapshotShim,
  DownloadFailedError,
  SnapshotTransferError,
  TimeoutError,
  ValidationError,
  type SnapshotShim,
} from '../../src/index.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const BEFORE = new Date('2026-01-10T12:00:00Z');
const SIZE = 3 * 1024 * 1024 + 17;
let sim: Simulator;
let shim: SnapshotShim;
let clock = BEFORE;
let dir: string;

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 300, snapshotSizeBytes: SIZE });
  shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => clock });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-e2e-'));
});
afterEach(async () => {
  clock = BEFORE;
  await rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await shim.close();
  await sim.stop();
});
afterEach(() => sim.clearRequests());

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const snapshotRequests = () => sim.requests.filter((r) => r.path.startsWith('/snapshot-files/'));

describe('waitForDownload', () => {
  it('follows a tenant job and a Flex job to COMPLETED through their own families', async () => {
    for (const cluster of [sim.clusters.shared, sim.clusters.flex]) {
      const statuses: string[] = [];
      const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });
      const done = await shim.waitForDownload(download, { pollIntervalMs: 40, onStatus: (job) => statuses.push(String(job.status)) });
      expect(done).toMatchObject({ status: 'COMPLETED', route: download.route, id: download.id, decision: download.decision });
      expect(done.snapshotUrl).toContain(`/${sim.snapshotIds(cluster)[0]}.tar.gz?`);
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

describe('saving the snapshot', () => {
  it('download(): requests, waits, and saves a file whose SHA-256 is what the simulator served', async () => {
    const cluster = sim.clusters.shared;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const destination = join(dir, 'shared.tar.gz');
    const progress: number[] = [];
    const result = await shim.download({
      groupId: sim.groupId,
      clusterName: cluster,
      snapshotId,
      destination,
      pollIntervalMs: 40,
      onProgress: (p) => progress.push(p.bytes),
    });
    expect(result).toMatchObject({ path: destination, bytes: SIZE, sha256: sim.snapshotSha256(snapshotId), job: { status: 'COMPLETED', route: 'tenant' } });
    expect(await sha256(destination)).toBe(sim.snapshotSha256(snapshotId));
    expect(progress.at(-1)).toBe(SIZE);
    expect(await readdir(dir)).toEqual(['shared.tar.gz']);
  });

  it('an interrupted transfer resumes with a Range request and completes', async () => {
    const cluster = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId }), { pollIntervalMs: 40 });
    sim.cutSnapshotTransfers(1024 * 1024, 2);
    const saved = await shim.saveSnapshot(job, join(dir, 'flex.tar.gz'));
    expect(saved.sha256).toBe(sim.snapshotSha256(snapshotId));
    expect(snapshotRequests().map((r) => r.status)).toEqual([206, 206, 206]);
    expect(await readdir(dir)).toEqual(['flex.tar.gz']);
  });

  it('an interruption past the resume budget fails, leaves no file at the destination, and a second call resumes', async () => {
    const cluster = sim.clusters.flexLegacy;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId }), { pollIntervalMs: 40 });
    const destination = join(dir, 'legacy.tar.gz');
    sim.cutSnapshotTransfers(512 * 1024, 5);
    const error = await shim.saveSnapshot(job, destination, { maxResumeAttempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotTransferError);
    await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
    sim.cutSnapshotTransfers(0, 0);
    sim.clearRequests();
    const saved = await shim.saveSnapshot(job, destination);
    expect(saved.sha256).toBe(sim.snapshotSha256(snapshotId));
    expect(snapshotRequests().map((r) => r.status)).toEqual([206]);
    expect(await readdir(dir)).toEqual(['legacy.tar.gz']);
  });

  it('a download() that fails past the resume budget leaves its bytes, and the next download() of that snapshot resumes from them', async () => {
    const cluster = sim.clusters.sharedM5;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const jobsBefore = sim.jobsFor(snapshotId).length;
    const destination = join(dir, 'again.tar.gz');
    const input = { groupId: sim.groupId, clusterName: cluster, snapshotId, destination, pollIntervalMs: 40 };
    sim.cutSnapshotTransfers(1024 * 1024, 5);
    const error = await shim.download({ ...input, maxResumeAttempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotTransferError);
    await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
    const firstPaths = new Set(snapshotRequests().map((r) => r.path));
    sim.cutSnapshotTransfers(0, 0);
    sim.clearRequests();

    const result = await shim.download(input);
    // A new job, signed anew, for the same object: the partial file beside the destination is found by its path.
    expect(sim.jobsFor(snapshotId)).toHaveLength(jobsBefore + 2);
    expect(sim.jobsFor(snapshotId).at(-1)?.id).toBe(result.job.id);
    expect([...firstPaths]).toEqual([new URL(result.job.snapshotUrl as string).pathname]);
    expect(result.sha256).toBe(sim.snapshotSha256(snapshotId));
    expect(snapshotRequests().map((r) => r.status)).toEqual([206]);
    expect(await readdir(dir)).toEqual(['again.tar.gz']);
  });

  it('an expired snapshot URL is renewed once with a fresh download of the same snapshot', async () => {
    const cluster = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(cluster)[1] as string;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId }), { pollIntervalMs: 40 });
    clock = new Date(BEFORE.getTime() + 5 * 3600_000);
    sim.setNow(clock);
    sim.clearRequests();
    try {
      const saved = await shim.saveSnapshot(job, join(dir, 'renewed.tar.gz'));
      expect(saved.sha256).toBe(sim.snapshotSha256(snapshotId));
      expect(sim.requests.filter((r) => r.method === 'POST' && r.status === 200)).toHaveLength(1);
    } finally {
      sim.setNow(undefined);
    }
  });

  it("download() and a renewal go through the shim's own methods: a wrapper of downloadSnapshot sees both job requests", async () => {
    const own = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => clock });
    const seen: Array<{ snapshotId: string; replaced: unknown }> = [];
    const original = own.downloadSnapshot;
    own.downloadSnapshot = (...args: Parameters<typeof original>) => {
      seen.push({ snapshotId: args[0].snapshotId, replaced: (args as unknown[])[1] });
      return original(...args);
    };
    const cluster = sim.clusters.flexLegacy;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    // The URL expires during the save: the renewal must ask again, naming the job it replaces.
    sim.faults.inject({ kind: 'expired-url' });
    try {
      const result = await own.download({ groupId: sim.groupId, clusterName: cluster, snapshotId, destination: join(dir, 'wrapped.tar.gz'), pollIntervalMs: 40 });
      expect(result.sha256).toBe(sim.snapshotSha256(snapshotId));
      expect(seen).toHaveLength(2);
      expect(seen[0]).toEqual({ snapshotId, replaced: undefined });
      expect(seen[1]).toEqual({ snapshotId, replaced: [result.job.id] });
    } finally {
      await own.close();
    }
  });

  it('a FAILED job ends download() with DownloadFailedError and no file', async () => {
    const cluster = sim.clusters.sharedM5;
    const snapshotId = sim.snapshotIds(cluster)[1] as string;
    sim.failJobsFor(snapshotId);
    const destination = join(dir, 'failed.tar.gz');
    const error = await shim.download({ groupId: sim.groupId, clusterName: cluster, snapshotId, destination, pollIntervalMs: 40 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an abort mid-stream rejects with the reason and leaves no file at the destination', async () => {
    const cluster = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId }), { pollIntervalMs: 40 });
    const controller = new AbortController();
    const destination = join(dir, 'aborted.tar.gz');
    const error = await shim
      .saveSnapshot(job, destination, {
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.bytes > 0) controller.abort(new Error('user abort'));
        },
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('user abort');
    await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a missing or unusable destination is refused before any download is requested', async () => {
    const cluster = sim.clusters.flex;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    for (const destination of [join(dir, 'missing', 'x.tar.gz'), dir, `${dir}/a\u0000b`]) {
      const error = await shim.download({ groupId: sim.groupId, clusterName: cluster, snapshotId, destination }).catch((e: unknown) => e);
      expect(error instanceof SnapshotTransferError || error instanceof ValidationError).toBe(true);
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('saveSnapshot refuses a job without a snapshotUrl', async () => {
    const cluster = sim.clusters.flex;
    const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });
    await expect(shim.saveSnapshot({ ...download, snapshotUrl: undefined }, join(dir, 'x'))).rejects.toThrow(/snapshotUrl/);
  });
});
