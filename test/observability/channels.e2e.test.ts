import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotShim, type SaveProgress, type SnapshotShim, type SnapshotShimOptions } from '../../src/index.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';
import { recordChannels, type ChannelRecorder } from './channel-recorder.js';
import { recordingDispatcher, secretsOf } from './secrets.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

// Before the default sunset (2026-01-22), pinned: the real date may be past it.
const BEFORE = new Date('2026-01-10T12:00:00Z');
const SIZE = 300_000;

let sim: Simulator;
let dir: string;
let recorder: ChannelRecorder;
const shims: SnapshotShim[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => BEFORE, jobDurationMs: 100, snapshotSizeBytes: SIZE });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-observability-'));
  recorder = recordChannels();
});
afterEach(async () => {
  recorder.stop();
  await Promise.all(shims.splice(0).map((shim) => shim.close()));
  await rm(dir, { recursive: true, force: true });
});

function shimWith(options: Partial<SnapshotShimOptions> = {}): SnapshotShim {
  const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => BEFORE, ...options });
  shims.push(shim);
  return shim;
}

const target = (cluster: string) => ({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });
const ended = () => recorder.of('request', 'asyncEnd');
const operationsOf = (messages: Record<string, unknown>[]) => messages.map((m) => `${m.operation} ${m.status}`);

describe('the route channel', () => {
  it('a tenant download before the sunset: one call decision to the tenant route', async () => {
    const shim = shimWith();
    const cluster = sim.clusters.shared;
    await shim.downloadSnapshot(target(cluster));
    expect(recorder.of('route')).toEqual([
      {
        purpose: 'call',
        route: 'tenant',
        reason: expect.stringMatching(/\S/),
        clusterKind: 'shared',
        flag: 'auto',
        groupId: sim.groupId,
        clusterName: cluster,
        afterSunset: false,
      },
    ]);
    expect(recorder.of('fallback')).toEqual([]);
  });

  it('a Flex download decides the Flex route; explainRoute publishes with purpose explain', async () => {
    const shim = shimWith();
    const cluster = sim.clusters.flex;
    await shim.explainRoute({ groupId: sim.groupId, clusterName: cluster });
    await shim.downloadSnapshot(target(cluster));
    expect(recorder.of('route').map((m) => [m.purpose, m.route, m.clusterKind, m.flag])).toEqual([
      ['explain', 'flex', 'flex', 'auto'],
      ['call', 'flex', 'flex', 'auto'],
    ]);
  });
});

describe('the request tracing channel', () => {
  it('a tenant download: one trace per Atlas call, with operation, status, duration and attempt', async () => {
    const shim = shimWith();
    const cluster = sim.clusters.shared;
    const download = await shim.downloadSnapshot(target(cluster));
    expect(operationsOf(ended())).toEqual(['getCluster 200', 'downloadClusterBackupTenant 200']);
    const post = ended()[1];
    expect(post).toEqual({
      method: 'POST',
      path: download.decision.endpoint.path,
      operation: 'downloadClusterBackupTenant',
      attempt: 1,
      status: 200,
      durationMs: expect.any(Number),
      errorCode: undefined,
      result: undefined,
    });
    expect(post?.durationMs as number).toBeGreaterThanOrEqual(0);
    // Each trace starts before it ends, and its start knows nothing of the outcome yet.
    expect(recorder.records.filter((r) => r.channel === 'request').map((r) => r.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd', 'start', 'end', 'asyncStart', 'asyncEnd']);
    expect(recorder.of('request', 'start').map((m) => [m.operation, m.status, m.durationMs])).toEqual([
      ['getCluster', undefined, undefined],
      ['downloadClusterBackupTenant', undefined, undefined],
    ]);
  });

  it('a Flex download: the refused getCluster is an error event with its status and errorCode, then the Flex calls', async () => {
    const shim = shimWith();
    const cluster = sim.clusters.flex;
    const download = await shim.downloadSnapshot(target(cluster));
    await shim.getDownload(download);
    const errors = recorder.of('request', 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ operation: 'getCluster', status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', attempt: 1 });
    expect((errors[0]?.error as Error).name).toBe('AtlasApiError');
    expect(operationsOf(ended())).toEqual(['getCluster 400', 'downloadFlexBackup 200', 'getFlexRestoreJob 200']);
    expect(ended().every((m) => typeof m.path === 'string' && !m.path.includes('?'))).toBe(true);
  });
});

describe('the fallback channel', () => {
  it("route 'tenant' on a native Flex cluster: one fallback message, tenant to Flex", async () => {
    const shim = shimWith({ route: 'tenant' });
    const cluster = sim.clusters.flex;
    const download = await shim.downloadSnapshot(target(cluster));
    expect(recorder.of('fallback')).toEqual([
      {
        from: 'tenant',
        to: 'flex',
        reason: download.decision.fallback?.reason,
        status: 400,
        errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
        groupId: sim.groupId,
        clusterName: cluster,
        clusterKind: download.decision.clusterKind,
        flag: 'tenant',
      },
    ]);
    const posts = ended().filter((m) => m.method === 'POST');
    // asyncEnd closes every trace, failed ones included; error marks the refused POST.
    expect(operationsOf(posts)).toEqual(['downloadClusterBackupTenant 400', 'downloadFlexBackup 200']);
    expect(operationsOf(recorder.of('request', 'error').filter((m) => m.method === 'POST'))).toEqual(['downloadClusterBackupTenant 400']);
  });
});

describe('the progress channel', () => {
  async function completedFlexJob(shim: SnapshotShim) {
    const download = await shim.downloadSnapshot(target(sim.clusters.flex));
    return shim.waitForDownload(download, { pollIntervalMs: 30 });
  }

  it('saveSnapshot publishes progress up to the full size, with no onProgress of the caller', async () => {
    const shim = shimWith();
    const job = await completedFlexJob(shim);
    await shim.saveSnapshot(job, join(dir, 'snapshot.tar.gz'), { progressIntervalMs: 0 });
    const progress = recorder.of('progress');
    expect(progress.length).toBeGreaterThan(1);
    const bytes = progress.map((m) => m.bytes as number);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({
      groupId: sim.groupId,
      clusterName: sim.clusters.flex,
      snapshotId: job.snapshotId,
      downloadId: job.id,
      route: 'flex',
      bytes: SIZE,
      total: SIZE,
      bytesPerSecond: expect.any(Number),
      connections: 1,
    });
  });

  it("the caller's onProgress gets every report the channel gets, and what it throws still stops the save", async () => {
    const shim = shimWith();
    const job = await completedFlexJob(shim);
    const seen: SaveProgress[] = [];
    await shim.saveSnapshot(job, join(dir, 'a.tar.gz'), { progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(recorder.of('progress').map((m) => m.bytes)).toEqual(seen.map((p) => p.bytes));
    await expect(
      shim.saveSnapshot(job, join(dir, 'b.tar.gz'), {
        onProgress: () => {
          throw new Error('caller bug');
        },
      }),
    ).rejects.toThrow();
  });

  it('a save started with no subscriber publishes nothing, even to a subscriber arriving during it', async () => {
    const shim = shimWith();
    const job = await completedFlexJob(shim);
    recorder.stop();
    let late: ChannelRecorder | undefined;
    const seen: number[] = [];
    try {
      await shim.saveSnapshot(job, join(dir, 'c.tar.gz'), {
        progressIntervalMs: 0,
        onProgress: (p) => {
          seen.push(p.bytes);
          late ??= recordChannels();
        },
      });
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.at(-1)).toBe(SIZE);
      expect(late?.of('progress')).toEqual([]);
    } finally {
      late?.stop();
    }
  });
});

describe('no message carries a secret', () => {
  it('API key and service account, tenant, Flex, fallback and save: no credential, token, digest response or snapshotUrl secret', async () => {
    const recording = recordingDispatcher();
    const snapshotUrls: string[] = [];
    try {
      for (const credentials of [sim.apiKey, sim.serviceAccount]) {
        for (const [cluster, route] of [
          [sim.clusters.shared, 'auto'],
          [sim.clusters.flex, 'auto'],
          [sim.clusters.flex, 'tenant'],
        ] as const) {
          const shim = shimWith({ credentials, route, dispatcher: recording.dispatcher });
          const job = await shim.waitForDownload(await shim.downloadSnapshot(target(cluster)), { pollIntervalMs: 30 });
          snapshotUrls.push(job.snapshotUrl as string);
          await shim.saveSnapshot(job, join(dir, `${cluster}-${route}-${snapshotUrls.length}.tar.gz`), { progressIntervalMs: 0 });
        }
      }
    } finally {
      await Promise.all(shims.splice(0).map((shim) => shim.close()));
      await recording.close();
    }
    const secrets = secretsOf({
      credentials: [sim.apiKey.privateKey, sim.serviceAccount.clientSecret],
      authorizations: recording.authorizations,
      snapshotUrls,
    });
    // The search must have something to find: bearer tokens and digest responses did go over the wire.
    expect([...recording.authorizations].some((a) => a.startsWith('Bearer '))).toBe(true);
    expect([...recording.authorizations].some((a) => a.startsWith('Digest '))).toBe(true);
    expect(snapshotUrls).toHaveLength(6);
    for (const channel of ['route', 'request', 'fallback', 'progress'] as const) expect(recorder.of(channel).length).toBeGreaterThan(0);
    const text = recorder.text();
    for (const secret of secrets) expect(text.includes(secret), `a message carries ${secret.slice(0, 4)}…`).toBe(false);
    expect(text).not.toMatch(/authorization|bearer|digest /i);
  });
});
