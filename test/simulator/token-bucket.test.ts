import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES, startAtlasSimulator, type AtlasSimulatorOptions } from '../../src/simulator/index.js';
import { TOKEN_BUCKET_OPERATIONS } from '../../src/simulator/token-bucket.js';
import type { TestResponse } from './digest-test-client.js';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function start(options: AtlasSimulatorOptions): Promise<SimulatorFixture> {
  fx = await startFixture(options);
  return fx;
}

// A bucket that refills one token a minute: static for the length of a test, unless a test says otherwise.
const STATIC = { refillTokens: 1, refillIntervalMs: 60_000 } as const;
const OTHER_PROJECT = 'ab'.repeat(12);

const restoreJobs = (f: SimulatorFixture, groupId = f.sim.groupId): Promise<TestResponse> =>
  get(f.client, `/api/atlas/v2/groups/${groupId}/flexClusters/${f.sim.clusters.flex}/backup/restoreJobs`, FLEX_MEDIA_TYPE);

/** A 429 of the bucket: the ApiError, the rate-limit headers, and the request log. */
function expectThrottled(f: SimulatorFixture, response: TestResponse, capacity: number): void {
  expect(response.status, response.text).toBe(429);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.json).toMatchObject({ error: 429, errorCode: CODES.rateLimitedTokenBucket, reason: 'Too Many Requests' });
  expect(response.json.detail).toEqual(expect.stringContaining('rate limit'));
  expect(response.headers['ratelimit-limit']).toBe(String(capacity));
  expect(response.headers['ratelimit-remaining']).toBe('0');
  expect(f.sim.requests.at(-1)).toMatchObject({ status: 429, auth: 'digest' });
}

describe('the token bucket of the Flex snapshot and restore-job operations', () => {
  it('is off by default: no throttling, and the success headers of the counter as before', async () => {
    const f = await start({});
    expect(f.sim.rateLimit(f.sim.groupId)).toBeUndefined();
    const response = await restoreJobs(f);
    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-limit']).toBe('100');
    expect(() => f.sim.rateLimit(42 as unknown as string)).toThrow(TypeError);
  });

  it("{} turns it on with Atlas's figures", async () => {
    const f = await start({ rateLimit: {} });
    expect(f.sim.rateLimit(f.sim.groupId)).toEqual({ tokens: 1200, capacity: 1200 });
    const response = await restoreJobs(f);
    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-limit']).toBe('1200');
    expect(response.headers['ratelimit-remaining']).toBe('1199');
    expect(f.sim.rateLimit(f.sim.groupId)).toEqual({ tokens: 1199, capacity: 1200 });
  });

  it('of capacity 3 answers the 4th restore-job request in the same instant with 429, after an unauthenticated one cost nothing', async () => {
    const f = await start({ rateLimit: { capacity: 3, ...STATIC, retryAfter: 'always' } });
    const unauthenticated = await f.client.send('GET', `${f.group}/flexClusters/${f.sim.clusters.flex}/backup/restoreJobs`, { accept: FLEX_MEDIA_TYPE, auth: 'none' });
    expect(unauthenticated.status).toBe(401);
    expect(f.sim.rateLimit(f.sim.groupId)).toEqual({ tokens: 3, capacity: 3 });

    for (const remaining of ['2', '1', '0']) {
      const response = await restoreJobs(f);
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-limit']).toBe('3');
      expect(response.headers['ratelimit-remaining']).toBe(remaining);
    }
    const fourth = await restoreJobs(f);
    expectThrottled(f, fourth, 3);
    // One token a minute: the next one is (just under) 60 s away, rounded up.
    expect(fourth.headers['retry-after']).toBe('60');
    expect(f.sim.requests.at(-1)).toMatchObject({ operationId: 'listFlexRestoreJobs', path: `${f.group}/flexClusters/${f.sim.clusters.flex}/backup/restoreJobs` });
    expect(f.sim.rateLimit(f.sim.groupId)).toEqual({ tokens: 0, capacity: 3 });
  });

  it('is drawn by the five Flex backup operations only: the tenant operations and the cluster look-ups draw nothing', async () => {
    expect([...TOKEN_BUCKET_OPERATIONS].sort()).toEqual(
      ['downloadFlexBackup', 'getFlexBackupSnapshot', 'getFlexRestoreJob', 'listFlexBackupSnapshots', 'listFlexRestoreJobs'].sort(),
    );
    const f = await start({ rateLimit: { capacity: 5, ...STATIC }, jobDurationMs: 0 });
    const tokens = (): number | undefined => f.sim.rateLimit(f.sim.groupId)?.tokens;
    const { shared, flex, dedicated } = f.sim.clusters;
    const tenant = `${f.group}/clusters/${shared}/backup/tenant`;
    const free = [
      await get(f.client, `${f.group}/clusters/${dedicated}`, CLUSTER_MEDIA_TYPE),
      await get(f.client, `${f.group}/flexClusters/${flex}`, FLEX_MEDIA_TYPE),
      await get(f.client, `${tenant}/snapshots`, TENANT_MEDIA_TYPE),
      await get(f.client, `${tenant}/snapshots/${f.sim.snapshotIds(shared)[0]}`, TENANT_MEDIA_TYPE),
      await get(f.client, `${tenant}/restores`, TENANT_MEDIA_TYPE),
      await post(f.client, `${tenant}/download`, TENANT_MEDIA_TYPE, { snapshotId: f.sim.snapshotIds(shared)[0], targetDeploymentItemName: shared }),
    ];
    expect(free.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(tokens()).toBe(5);

    const backup = `${f.group}/flexClusters/${flex}/backup`;
    const snapshotId = f.sim.snapshotIds(flex)[0] as string;
    expect((await get(f.client, `${backup}/snapshots`, FLEX_MEDIA_TYPE)).status).toBe(200);
    expect(tokens()).toBe(4);
    expect((await get(f.client, `${backup}/snapshots/${snapshotId}`, FLEX_MEDIA_TYPE)).status).toBe(200);
    expect(tokens()).toBe(3);
    const job = await post(f.client, `${backup}/download`, FLEX_MEDIA_TYPE, { snapshotId });
    expect(job.status).toBe(200);
    expect(tokens()).toBe(2);
    expect((await get(f.client, `${backup}/restoreJobs/${job.json.id}`, FLEX_MEDIA_TYPE)).status).toBe(200);
    expect(tokens()).toBe(1);
    expect((await get(f.client, `${backup}/restoreJobs`, FLEX_MEDIA_TYPE)).status).toBe(200);
    expect(tokens()).toBe(0);

    // Empty: a download POST is refused before its body is read, so no job is created.
    const refused = await post(f.client, `${backup}/download`, FLEX_MEDIA_TYPE, { snapshotId });
    expectThrottled(f, refused, 5);
    expect(f.sim.requests.at(-1)).toMatchObject({ operationId: 'downloadFlexBackup', method: 'POST' });
    expect(f.sim.jobsFor(snapshotId)).toHaveLength(1);
    // The look-ups still answer.
    expect((await get(f.client, `${f.group}/flexClusters/${flex}`, FLEX_MEDIA_TYPE)).status).toBe(200);
  });

  it('keeps one bucket per project (the simulator seeds one project; another id is refused 404 after drawing from its own)', async () => {
    const f = await start({ rateLimit: { capacity: 1, ...STATIC } });
    expect((await restoreJobs(f)).status).toBe(200);
    expectThrottled(f, await restoreJobs(f), 1);

    const other = await restoreJobs(f, OTHER_PROJECT);
    expect(other.status).toBe(404);
    expect(other.json.errorCode).toBe(CODES.groupNotFound);
    expectThrottled(f, await restoreJobs(f, OTHER_PROJECT), 1);
    expect(f.sim.rateLimit(OTHER_PROJECT)).toEqual({ tokens: 0, capacity: 1 });
    expect(f.sim.rateLimit('cd'.repeat(12))).toEqual({ tokens: 1, capacity: 1 });
  });

  it("refills after the interval, and by default ('sometimes') sends Retry-After on every other 429 of a project", async () => {
    const f = await start({ rateLimit: { capacity: 1, refillTokens: 1, refillIntervalMs: 1000 } });
    expect((await restoreJobs(f)).status).toBe(200);
    const retryAfters: (string | string[] | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await restoreJobs(f);
      expectThrottled(f, response, 1);
      retryAfters.push(response.headers['retry-after']);
    }
    expect(retryAfters).toEqual(['1', undefined, '1']);
    await sleep(1100);
    const refilled = await restoreJobs(f);
    expect(refilled.status).toBe(200);
    expect(refilled.headers['ratelimit-remaining']).toBe('0');
  });

  it.each([
    ['always', ['60', '60', '60']],
    ['never', [undefined, undefined, undefined]],
  ] as const)("with retryAfter '%s'", async (retryAfter, expected) => {
    const f = await start({ rateLimit: { capacity: 1, ...STATIC, retryAfter } });
    expect((await restoreJobs(f)).status).toBe(200);
    const seen: (string | string[] | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await restoreJobs(f);
      expectThrottled(f, response, 1);
      seen.push(response.headers['retry-after']);
    }
    expect(seen).toEqual(expected);
  });
});

describe('the rateLimit option', () => {
  it.each<[string, unknown]>([
    ['rateLimit.capacity', { capacity: 0 }],
    ['rateLimit.capacity', { capacity: 1.5 }],
    ['rateLimit.capacity', { capacity: '1200' }],
    ['rateLimit.refillTokens', { refillTokens: 0 }],
    ['rateLimit.refillIntervalMs', { refillIntervalMs: 0 }],
    ['rateLimit.refillIntervalMs', { refillIntervalMs: Number.POSITIVE_INFINITY }],
    ['rateLimit.retryAfter', { retryAfter: 'often' }],
    ['rateLimit', true],
    ['rateLimit', null],
  ])('rejects %s in %o with a TypeError naming it', async (name, rateLimit) => {
    const options = { rateLimit } as AtlasSimulatorOptions;
    await expect(startAtlasSimulator(options)).rejects.toThrow(TypeError);
    await expect(startAtlasSimulator(options)).rejects.toThrow(`option "${name}" must be`);
  });

  it('rejects an unknown member, naming it', async () => {
    await expect(startAtlasSimulator({ rateLimit: { burst: 5 } as AtlasSimulatorOptions['rateLimit'] })).rejects.toThrow(/unknown member "burst" of option "rateLimit"/);
  });
});
