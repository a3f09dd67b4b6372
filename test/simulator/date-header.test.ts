import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, get, post, serviceAccountToken, startFixture, type SimulatorFixture } from './simulator-fixture.js';
import type { TestResponse } from './digest-test-client.js';

const DAY_MS = 86_400_000;
// IMF-fixdate (RFC 9110 §5.6.7), as `toUTCString()` writes it.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

type Headers = TestResponse['headers'];

/**
 * Sends `send` and checks that its answer carries exactly one `Date`, in IMF-fixdate, stating
 * the simulated instant (read just before and just after the request) to the second.
 */
async function expectDatedBy(clock: () => number, send: () => Promise<{ status: number; headers: Headers }>): Promise<number> {
  const before = Math.floor(clock() / 1000) * 1000;
  const response = await send();
  const after = clock();
  const date = response.headers.date;
  // undici joins nothing: a repeated header would arrive as an array.
  expect(typeof date, `one Date header, got ${JSON.stringify(date)}`).toBe('string');
  expect(date).toMatch(IMF_FIXDATE);
  const stated = Date.parse(date as string);
  expect(stated).toBeGreaterThanOrEqual(before);
  expect(stated).toBeLessThanOrEqual(after);
  return response.status;
}

describe.each([
  ['400 days ahead of real time', 400],
  ['400 days behind real time', -400],
])('the Date header of a simulator whose clock is %s', (_title, days) => {
  const offsetMs = days * DAY_MS;
  const atlasNow = (): number => Date.now() + offsetMs;
  let fx: SimulatorFixture;

  beforeAll(async () => {
    fx = await startFixture({ now: () => new Date(atlasNow()), jobDurationMs: 0 });
  });
  afterAll(async () => fx?.close());

  it('follows the simulated clock on getCluster, an error answer, the token endpoint and a snapshot file', async () => {
    const { clusters } = fx.sim;
    // The dedicated cluster: getCluster describes it on either side of the sunset.
    const clusterPath = `${fx.group}/clusters/${clusters.dedicated}`;
    expect(await expectDatedBy(atlasNow, () => get(fx.client, clusterPath, CLUSTER_MEDIA_TYPE))).toBe(200);
    expect(await expectDatedBy(atlasNow, () => get(fx.client, `${fx.group}/clusters/no-such-cluster`, CLUSTER_MEDIA_TYPE))).toBe(404);
    expect(await expectDatedBy(atlasNow, () => get(fx.client, `${fx.group}/nothing-here`, CLUSTER_MEDIA_TYPE))).toBe(404);
    expect(await expectDatedBy(atlasNow, () => fx.client.send('GET', clusterPath, { accept: CLUSTER_MEDIA_TYPE, auth: 'none' }))).toBe(401);

    const tokenAnswer = async (authorization: string) => {
      const response = await request(`${fx.sim.url}/api/oauth/token`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      await response.body.dump();
      return { status: response.statusCode, headers: response.headers };
    };
    const { clientId, clientSecret } = fx.sim.serviceAccount;
    expect(await expectDatedBy(atlasNow, () => tokenAnswer(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`))).toBe(200);
    expect(await expectDatedBy(atlasNow, () => tokenAnswer(`Basic ${Buffer.from('who:knows').toString('base64')}`))).toBe(401);

    const job = await post(fx.client, `${fx.group}/flexClusters/${clusters.flex}/backup/download`, FLEX_MEDIA_TYPE, {
      snapshotId: fx.sim.snapshotIds(clusters.flex)[0],
    });
    expect(job.json.status).toBe('COMPLETED');
    const file = async (method: 'GET' | 'HEAD', url: string) => {
      const response = await request(url, { method });
      await response.body.dump();
      return { status: response.statusCode, headers: response.headers };
    };
    expect(await expectDatedBy(atlasNow, () => file('GET', job.json.snapshotUrl))).toBe(200);
    expect(await expectDatedBy(atlasNow, () => file('HEAD', job.json.snapshotUrl))).toBe(200);
    expect(await expectDatedBy(atlasNow, () => file('GET', `${fx.sim.url}/snapshot-files/nope.tar.gz`))).toBe(404);
  });

  it('follows it on fault answers, and a rate-limit fault dates its Retry-After from the same instant', async () => {
    const path = `${fx.group}/flexClusters/${fx.sim.clusters.flex}`;
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: 'getFlexCluster' });
    expect(await expectDatedBy(atlasNow, () => get(fx.client, path, FLEX_MEDIA_TYPE))).toBe(503);
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterForm: 'delta-seconds', operationId: 'getFlexCluster' });
    expect(await expectDatedBy(atlasNow, () => get(fx.client, path, FLEX_MEDIA_TYPE))).toBe(429);

    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterForm: 'http-date', retryAfterSeconds: 7, operationId: 'getFlexCluster' });
    let limited: TestResponse | undefined;
    expect(
      await expectDatedBy(atlasNow, async () => {
        limited = await get(fx.client, path, FLEX_MEDIA_TYPE);
        return limited;
      }),
    ).toBe(429);
    const retryAt = Date.parse(limited?.headers['retry-after'] as string);
    expect(retryAt - Date.parse(limited?.headers.date as string)).toBe(7000);
  });

  it('follows setNow, to the second', async () => {
    const pinned = new Date(atlasNow() + 3 * DAY_MS);
    fx.sim.setNow(pinned);
    try {
      const response = await get(fx.client, `${fx.group}/flexClusters/${fx.sim.clusters.flex}`, FLEX_MEDIA_TYPE);
      expect(response.status).toBe(200);
      expect(response.headers.date).toBe(pinned.toUTCString());
    } finally {
      fx.sim.setNow(undefined);
    }
  });
});

describe('the Date header when the now option fails', () => {
  it('falls back to real time on the 500 that reports it, rather than failing the answer', async () => {
    let broken = false;
    const fx = await startFixture({ now: () => (broken ? new Date(Number.NaN) : new Date('2025-10-01T12:00:00Z')) });
    try {
      broken = true;
      const real = (): number => Date.now();
      const status = await expectDatedBy(real, () => get(fx.client, `${fx.group}/clusters/${fx.sim.clusters.shared}`, CLUSTER_MEDIA_TYPE));
      expect(status).toBe(500);
      expect(fx.sim.requests.at(-1)).toMatchObject({ status: 500 });
      // The token endpoint does not read the Atlas clock: it answers as usual, dated in real time.
      expect(await serviceAccountToken(fx.sim)).toEqual(expect.any(String));
    } finally {
      await fx.close();
    }
  });
});
