import { describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasConnectionError, UnconfirmedJobError, type SnapshotShimOptions } from '../../src/index.js';
import type { SimulatorFault } from '../../src/simulator/index.js';
import { failureOf, recordingTimer, requestsOf, shimFor, useFreshSimulator, warmUp } from './fault-fixture.js';

// A fresh simulator per test: with the Atlas clock pinned, every job is "recent", so jobs of
// an earlier test for the same snapshot would be adopted.
const fx = useFreshSimulator();

const FLEX_POST = 'downloadFlexBackup';
const FLEX_LIST = 'listFlexRestoreJobs';

/** Starts a simulator, arms the faults, and requests a Flex download with recorded, instant waits. */
async function requestWith(faults: readonly SimulatorFault[], options: Partial<SnapshotShimOptions> = {}) {
  await fx.start();
  const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0] as string;
  const shim = shimFor(fx.sim, { ...options, retry: { timer: recordingTimer(), ...options.retry } });
  await warmUp(shim, fx.sim);
  for (const fault of faults) fx.sim.faults.inject(fault);
  const request = shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
  return { snapshotId, request };
}

const posts = (operationId = FLEX_POST) => requestsOf(fx.sim, operationId).map((r) => r.status);
const lookups = (operationId = FLEX_LIST) => requestsOf(fx.sim, operationId).length;

describe('an ambiguous failure of the download POST adopts the job it created', () => {
  it('a reset after Atlas created the job: the job is found and adopted, never posted again', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'reset-after-request', operationId: FLEX_POST }]);
    const download = await request;
    const jobs = fx.sim.jobsFor(snapshotId);
    expect(jobs).toHaveLength(1);
    expect(download).toMatchObject({ id: jobs[0]?.id, snapshotId, route: 'flex', clusterName: fx.sim.clusters.flex });
    expect(posts()).toEqual([0]);
    expect(lookups()).toBe(1);
  });

  it('a reset before Atlas ran it: nothing is found, so it is posted again, once', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'reset-after-request', operationId: FLEX_POST, processed: false }]);
    const download = await request;
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    expect(posts()).toEqual([0, 200]);
    expect(lookups()).toBe(1);
  });

  it('a 503 after the job was created: adopted; a 503 before: posted again', async () => {
    const adopted = await requestWith([{ kind: 'server-error', status: 503, operationId: FLEX_POST, processed: true }]);
    await adopted.request;
    expect(fx.sim.jobsFor(adopted.snapshotId)).toHaveLength(1);
    expect(posts()).toEqual([503]);
    await fx.sim.stop();

    const reposted = await requestWith([{ kind: 'server-error', status: 503, operationId: FLEX_POST }]);
    await reposted.request;
    expect(fx.sim.jobsFor(reposted.snapshotId)).toHaveLength(1);
    expect(posts()).toEqual([503, 200]);
  });

  it('a 500 after the job was created: adopted although a 500 is never retried', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'server-error', status: 500, operationId: FLEX_POST, processed: true }]);
    await request;
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(posts()).toEqual([500]);
  });

  it('a 500 with no job behind it: one look-up finds nothing, so it is posted again, once', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'server-error', status: 500, operationId: FLEX_POST }]);
    const download = await request;
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    expect(posts()).toEqual([500, 200]);
    expect(lookups()).toBe(1);
  });

  it('a 500 on every POST with no job behind any: the AtlasApiError after limit + 1 POSTs, each looked up, and no job', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'server-error', status: 500, operationId: FLEX_POST, times: 10 }], { retry: { limit: 2 } });
    const error = await failureOf(request);
    expect((error as AtlasApiError).status).toBe(500);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(0);
    expect(posts()).toEqual([500, 500, 500]);
    expect(lookups()).toBe(3);
  });

  it.each([['malformed-json' as const], ['wrong-content-type' as const], ['truncated-body' as const], ['reset-mid-body' as const]])(
    'a success answer spoilt on the way (%s): the job it announced is adopted',
    async (kind) => {
      const { snapshotId, request } = await requestWith([{ kind, operationId: FLEX_POST }]);
      const download = await request;
      expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
      expect(posts()).toEqual([200]);
    },
  );

  it('latency past the headers timeout: Atlas never ran it, the look-up finds nothing, one more POST', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'latency', operationId: FLEX_POST, delayMs: 4000 }], { timeouts: { headersMs: 200 } });
    const download = await request;
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    await expect.poll(() => posts().sort()).toEqual([0, 200]);
  });

  it('the tenant route looks in listBackupTenantRestores', async () => {
    await fx.start();
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const shim = shimFor(fx.sim, { route: 'tenant', retry: { timer: recordingTimer() } });
    await warmUp(shim, fx.sim);
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: 'downloadClusterBackupTenant' });
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId });
    expect(download.route).toBe('tenant');
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    expect(posts('downloadClusterBackupTenant')).toEqual([0]);
    expect(lookups('listBackupTenantRestores')).toBe(1);
  });
});

describe('the download POST is retried only where no job can exist', () => {
  it('429: nothing was created, so it is sent again after Retry-After, without a look-up', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'rate-limit', retryAfterSeconds: 2, operationId: FLEX_POST }]);
    await request;
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(posts()).toEqual([429, 200]);
    expect(lookups()).toBe(0);
  });

  it('a look-up that fails leaves the POST unconfirmed: UnconfirmedJobError, and no second POST', async () => {
    const { snapshotId, request } = await requestWith([
      { kind: 'reset-after-request', operationId: FLEX_POST },
      { kind: 'server-error', status: 500, operationId: FLEX_LIST, times: Infinity },
    ]);
    const error = await failureOf(request);
    expect(error).toBeInstanceOf(UnconfirmedJobError);
    expect(error).toMatchObject({ failure: 'ECONNRESET', request: { method: 'POST' } });
    expect((error as Error).message).toMatch(/no second job was requested/);
    expect(((error as Error).cause as AtlasApiError).status).toBe(500);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(posts()).toEqual([0]);
  });

  it('the look-up is itself retried: a list answered 500, then an HTML page, then the list: the job is adopted', async () => {
    const { snapshotId, request } = await requestWith([
      { kind: 'reset-after-request', operationId: FLEX_POST },
      { kind: 'server-error', status: 500, operationId: FLEX_LIST },
      { kind: 'wrong-content-type', operationId: FLEX_LIST },
    ]);
    const download = await request;
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    expect(posts()).toEqual([0]);
    expect(requestsOf(fx.sim, FLEX_LIST).map((r) => r.status)).toEqual([500, 200, 200]);
  });

  it('a look-up that fails on every attempt is given up after limit + 1 lists', async () => {
    const { request } = await requestWith(
      [
        { kind: 'reset-after-request', operationId: FLEX_POST },
        { kind: 'server-error', status: 503, operationId: FLEX_LIST, times: Infinity },
      ],
      { retry: { limit: 3 } },
    );
    expect(await failureOf(request)).toBeInstanceOf(UnconfirmedJobError);
    expect(lookups()).toBe(4);
    expect(posts()).toEqual([0]);
  });

  it('resets before Atlas runs it, every time: bounded, one look-up per failure, no job', async () => {
    const { snapshotId, request } = await requestWith([{ kind: 'reset-after-request', operationId: FLEX_POST, processed: false, times: Infinity }], {
      retry: { limit: 2 },
    });
    const error = await failureOf(request);
    expect(error).toBeInstanceOf(AtlasConnectionError);
    expect(error).toMatchObject({ attempts: 3, causeCode: 'ECONNRESET' });
    expect(posts()).toEqual([0, 0, 0]);
    expect(lookups()).toBe(3);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(0);
  });
});

describe('no path creates a second job', () => {
  it('under random faults on the POST and the look-up, 12 seeds: at most one job, and the one returned', async () => {
    const kinds = ['reset-after-request', 'server-error', 'rate-limit', 'malformed-json', 'truncated-body', 'reset-mid-body', 'latency'] as const;
    const seeds: Array<{ seed: number; succeeded: boolean; faultedPosts: number; faultedLookups: number; lookups: number }> = [];
    for (let seed = 1; seed <= 12; seed += 1) {
      await fx.start({ faults: { rate: 0.6, seed, kinds: [...kinds] } });
      const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0] as string;
      const shim = shimFor(fx.sim, { retry: { timer: recordingTimer(), limit: 6 } });
      const outcome = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId }).then(
        (download) => ({ id: download.id }),
        (error: unknown) => ({ error }),
      );
      const jobs = fx.sim.jobsFor(snapshotId);
      expect(jobs.length, `seed ${seed}`).toBeLessThanOrEqual(1);
      if ('id' in outcome) expect(jobs.map((job) => job.id), `seed ${seed}`).toEqual([outcome.id]);
      const faulted = (operationId: string) => fx.sim.requests.filter((r) => r.operationId === operationId && r.fault !== undefined).length;
      seeds.push({ seed, succeeded: 'id' in outcome, faultedPosts: faulted(FLEX_POST), faultedLookups: faulted(FLEX_LIST), lookups: lookups() });
      await shim.close();
      await fx.sim.stop();
    }
    // The property above holds trivially when no fault fires or no download completes: the
    // seeds must have hit both operations with faults, and downloads must have completed,
    // some of them after an ambiguous POST made the shim look for its job (the path where a
    // second job could appear).
    expect(seeds).toHaveLength(12);
    expect(seeds.reduce((sum, s) => sum + s.faultedPosts, 0)).toBeGreaterThan(0);
    expect(seeds.reduce((sum, s) => sum + s.faultedLookups, 0)).toBeGreaterThan(0);
    expect(seeds.filter((s) => s.succeeded).length).toBeGreaterThan(0);
    expect(seeds.filter((s) => s.succeeded && s.lookups > 0).length).toBeGreaterThan(0);
  });
});
