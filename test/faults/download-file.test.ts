import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotTransferError, type SnapshotShim } from '../../src/index.js';
import type { SimulatorFault } from '../../src/simulator/index.js';
import { failureOf, recordingTimer, requestsOf, shimFor, useFreshSimulator, warmUp } from './fault-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-faults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
// Registered after the directory's hooks, so its clean-up (shims, simulator) runs before the directory goes.
const fx = useFreshSimulator();

const FILES = '/snapshot-files/';
// Large enough that a cut after CUT bytes leaves some on disk: bytes still in flight when a
// connection breaks are lost, and a save that kept none starts over rather than resuming.
const SIZE = 2 * 1024 * 1024;
const CUT = 1024 * 1024;
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
// The snapshot host's answers. A save's first request asks for the first part (8 MiB); these
// snapshots are smaller, so a 206 brings each whole, and a resume after a cut is a 206 too.
const fileRequests = () => fx.sim.requests.filter((record) => record.path.startsWith(FILES));
// What a failed save may leave: only the resumable temporary file and its sidecar, beside the destination.
const PARTIAL = /^\.snap\.tar\.gz\.[0-9a-f]{8}\.part(\.json)?$/;

async function setUp(): Promise<{ shim: SnapshotShim; snapshotId: string; destination: string }> {
  await fx.start({ snapshotSizeBytes: SIZE });
  const shim = shimFor(fx.sim, { retry: { timer: recordingTimer() } });
  await warmUp(shim, fx.sim);
  return { shim, snapshotId: fx.sim.snapshotIds(fx.sim.clusters.flex)[0] as string, destination: join(dir, 'snap.tar.gz') };
}

async function downloadWith(faults: readonly SimulatorFault[]) {
  const { shim, snapshotId, destination } = await setUp();
  for (const fault of faults) fx.sim.faults.inject(fault);
  const request = shim.download({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId, destination, pollIntervalMs: 20, maxPollIntervalMs: 50 });
  return { request, snapshotId, destination };
}

describe('faults of the snapshot host, survived', () => {
  it('truncated-body: the save resumes from the bytes it has, and the file is whole', async () => {
    const { request, snapshotId, destination } = await downloadWith([{ kind: 'truncated-body', pathPrefix: FILES, afterBytes: CUT }]);
    const result = await request;
    expect(result).toMatchObject({ path: destination, bytes: fx.sim.snapshotSize(snapshotId), sha256: fx.sim.snapshotSha256(snapshotId) });
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(fileRequests().map((r) => r.status)).toEqual([206, 206]);
    expect(await readdir(dir)).toEqual(['snap.tar.gz']);
  });

  it('reset-mid-body: the save goes on after the reset, and the file is whole', async () => {
    const { request, snapshotId, destination } = await downloadWith([{ kind: 'reset-mid-body', pathPrefix: FILES, afterBytes: CUT }]);
    await request;
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    // A reset discards what the client had not read yet: it resumes from what reached the disk, possibly nothing.
    expect(fileRequests().map((r) => r.status)).toEqual([206, expect.toSatisfy((status: number) => status === 200 || status === 206)]);
    expect(await readdir(dir)).toEqual(['snap.tar.gz']);
  });

  it.each([
    ['slow-drip', { kind: 'slow-drip', pathPrefix: FILES, pieces: 8, intervalMs: 30 }],
    ['latency', { kind: 'latency', pathPrefix: FILES, delayMs: 300 }],
  ] as const)('%s: slow, but whole', async (_, fault) => {
    const { request, snapshotId, destination } = await downloadWith([fault]);
    await request;
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(await readdir(dir)).toEqual(['snap.tar.gz']);
  });

  it.each([500, 502, 503, 504])('a %i from the snapshot host once: tried again after a pause, and the file is whole', async (status) => {
    const { request, snapshotId, destination } = await downloadWith([{ kind: 'server-error', status: status as 500, pathPrefix: FILES }]);
    await request;
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(fileRequests().map((r) => r.status)).toEqual([status, 206]);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['snap.tar.gz']);
  });

  it('expired-url: the URL is renewed once by asking Atlas for the snapshot again', async () => {
    const { request, snapshotId, destination } = await downloadWith([{ kind: 'expired-url' }]);
    const result = await request;
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(fileRequests().map((r) => r.status)).toEqual([403, 206]);
    // The renewal is the one deliberate second job: the first one's URL was refused.
    const jobs = fx.sim.jobsFor(snapshotId);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]?.id).toBe(result.job.id);
  });
});

describe('a renewal that meets an ambiguous failure', () => {
  it('asks for a fresh job again instead of adopting the job whose URL expired', async () => {
    const { shim, snapshotId, destination } = await setUp();
    const requested = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
    const done = await shim.waitForDownload(requested, { pollIntervalMs: 20, maxPollIntervalMs: 50 });
    // The URL is refused; the renewal's POST then fails before Atlas runs it, so the look-up finds only the refused job.
    fx.sim.faults.inject({ kind: 'expired-url' });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: 'downloadFlexBackup', processed: false });
    const saved = await shim.saveSnapshot(done, destination);
    expect(saved.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
    const jobs = fx.sim.jobsFor(snapshotId);
    expect(jobs).toHaveLength(2);
    expect(fileRequests().map((r) => r.status)).toEqual([403, 206]);
    expect(requestsOf(fx.sim, 'downloadFlexBackup').map((r) => r.status)).toEqual([200, 503, 200]);
  });
});

describe('faults of the snapshot host, not survived: no file at the destination', () => {
  it('a 503 on every request: SnapshotTransferError with the status, and nothing left behind', async () => {
    const { request, destination } = await downloadWith([{ kind: 'server-error', status: 503, pathPrefix: FILES, times: Infinity }]);
    const error = await failureOf(request);
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status: 503 });
    expect(await readdir(dir)).toEqual([]);
    await expect(readFile(destination)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('cuts beyond the resume budget: the destination never appears; the partial beside it finishes the job later', async () => {
    const { shim, snapshotId, destination } = await setUp();
    const requested = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
    const job = await shim.waitForDownload(requested, { pollIntervalMs: 20, maxPollIntervalMs: 50 });
    // Every response is cut after 512 KiB: three requests (one and two resumes) leave 1.5 of the 2 MiB.
    fx.sim.faults.inject({ kind: 'truncated-body', pathPrefix: FILES, afterBytes: CUT / 2, times: Infinity });
    const error = await failureOf(shim.saveSnapshot(job, destination, { maxResumeAttempts: 2 }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    const left = await readdir(dir);
    expect(left).not.toContain('snap.tar.gz');
    expect(left.length).toBeGreaterThan(0);
    for (const name of left) expect(name).toMatch(PARTIAL);

    fx.sim.faults.clear();
    fx.sim.clearRequests();
    const saved = await shim.saveSnapshot(job, destination);
    expect(saved.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    // It continued where the cuts left it rather than starting over.
    expect(fileRequests().map((r) => r.status)).toEqual([206]);
    expect(await readdir(dir)).toEqual(['snap.tar.gz']);
  });

  it('cuts with resume off: nothing at all is left', async () => {
    const { shim, snapshotId, destination } = await setUp();
    const requested = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
    const job = await shim.waitForDownload(requested, { pollIntervalMs: 20, maxPollIntervalMs: 50 });
    fx.sim.faults.inject({ kind: 'truncated-body', pathPrefix: FILES, afterBytes: CUT, times: Infinity });
    await failureOf(shim.saveSnapshot(job, destination, { resume: false, maxResumeAttempts: 1 }));
    expect(await readdir(dir)).toEqual([]);
  });

  it('an abort during a slow transfer: the caller\'s reason, no destination file, and the connections released', async () => {
    const { shim, snapshotId, destination } = await setUp();
    const requested = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
    const job = await shim.waitForDownload(requested, { pollIntervalMs: 20, maxPollIntervalMs: 50 });
    fx.sim.faults.inject({ kind: 'slow-drip', pathPrefix: FILES, pieces: 64, intervalMs: 200 });
    const controller = new AbortController();
    const reason = new Error('stop the save');
    setTimeout(() => controller.abort(reason), 300);
    const error = await failureOf(shim.saveSnapshot(job, destination, { signal: controller.signal }));
    expect(error).toBe(reason);
    for (const name of await readdir(dir)) expect(name).toMatch(PARTIAL);
    const started = performance.now();
    await shim.close();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('faults of the Atlas API during a whole download', () => {
  it('a reset after the POST, 503s and a malformed body while polling: one job, a whole file', async () => {
    const { request, snapshotId, destination } = await downloadWith([
      { kind: 'reset-after-request', operationId: 'downloadFlexBackup' },
      { kind: 'server-error', status: 503, operationId: 'getFlexRestoreJob', times: 2 },
      { kind: 'malformed-json', operationId: 'getFlexRestoreJob' },
      { kind: 'rate-limit', retryAfterSeconds: 1, operationId: 'listFlexRestoreJobs' },
    ]);
    const result = await request;
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([result.job.id]);
    expect(result.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotId));
    expect(requestsOf(fx.sim, 'downloadFlexBackup').map((r) => r.status)).toEqual([0]);
    expect(requestsOf(fx.sim, 'listFlexRestoreJobs').map((r) => r.status)).toEqual([429, 200]);
    expect(fx.sim.faults.pending).toBe(0);
  });
});
