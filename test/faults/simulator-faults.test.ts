import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES, type SimulatorFault } from '../../src/simulator/index.js';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, get, post, startFixture, type SimulatorFixture } from '../simulator/simulator-fixture.js';

let fx: SimulatorFixture;
const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
  await fx?.close();
});

/** One plain request on a fresh connection, so a fault that breaks it cannot disturb another test request. */
async function rawGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const agent = new Agent();
  agents.push(agent);
  const response = await request(url, { dispatcher: agent });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}

const flexPath = (f: SimulatorFixture) => `${f.group}/flexClusters/${f.sim.clusters.flex}`;
const downloadPath = (f: SimulatorFixture) => `${flexPath(f)}/backup/download`;
const snapshotOf = (f: SimulatorFixture) => f.sim.snapshotIds(f.sim.clusters.flex)[0] as string;

/** A digest-signed GET of the Flex cluster (after the first challenge, every request is signed). */
function getFlex(f: SimulatorFixture) {
  return get(f.client, flexPath(f), FLEX_MEDIA_TYPE);
}

async function completedJob(f: SimulatorFixture): Promise<{ snapshotUrl: string; snapshotId: string }> {
  const response = await post(f.client, downloadPath(f), FLEX_MEDIA_TYPE, { snapshotId: snapshotOf(f) });
  expect(response.json.status).toBe('COMPLETED');
  return response.json;
}

describe('fault controls', () => {
  it('change nothing by default: no fault in the log, nothing pending', async () => {
    fx = await startFixture();
    expect((await getFlex(fx)).status).toBe(200);
    expect(fx.sim.faults.pending).toBe(0);
    expect(fx.sim.requests.length).toBeGreaterThan(0);
    expect(fx.sim.requests.every((record) => !('fault' in record))).toBe(true);
  });

  it('refuse malformed faults with a TypeError naming the member', () => {
    return startFixture().then((started) => {
      fx = started;
      const inject = (fault: unknown) => () => fx.sim.faults.inject(fault as SimulatorFault);
      expect(inject({ kind: 'meteor' })).toThrow(/"kind"/);
      expect(inject({ kind: 'latency', delay: 5 })).toThrow(/unknown member "delay"/);
      expect(inject({ kind: 'latency', times: 0 })).toThrow(/"times"/);
      expect(inject({ kind: 'server-error', status: 501 })).toThrow(/"status"/);
      expect(inject({ kind: 'rate-limit', retryAfterForm: 'date' })).toThrow(/"retryAfterForm"/);
      expect(inject({ kind: 'slow-drip', pieces: 0 })).toThrow(/"pieces"/);
      expect(() => fx.sim.faults.random({ rate: 2 })).toThrow(/"rate"/);
      expect(() => fx.sim.faults.random({ rate: 0.1, kinds: ['nope' as never] })).toThrow(/"kinds"/);
      expect(fx.sim.faults.pending).toBe(0);
    });
  });

  it('hit only matching requests, as many times as asked, and record the fault', async () => {
    fx = await startFixture();
    await getFlex(fx); // the first contact's challenge, out of the way
    fx.sim.clearRequests();
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: 'getFlexCluster', times: 2 });
    expect(fx.sim.faults.pending).toBe(2);
    expect((await get(fx.client, `${fx.group}/clusters/${fx.sim.clusters.shared}`, CLUSTER_MEDIA_TYPE)).status).toBe(200);
    expect((await getFlex(fx)).status).toBe(503);
    expect((await getFlex(fx)).status).toBe(503);
    expect((await getFlex(fx)).status).toBe(200);
    expect(fx.sim.faults.pending).toBe(0);
    expect(fx.sim.requests.map((r) => [r.operationId, r.status, r.fault])).toEqual([
      ['getCluster', 200, undefined],
      ['getFlexCluster', 503, 'server-error'],
      ['getFlexCluster', 503, 'server-error'],
      ['getFlexCluster', 200, undefined],
    ]);
  });

  it('clear() disarms every injected fault, even an unbounded one', async () => {
    fx = await startFixture();
    fx.sim.faults.inject({ kind: 'server-error', pathPrefix: '/api/atlas/', times: Infinity });
    expect(fx.sim.faults.pending).toBe(Infinity);
    fx.sim.faults.clear();
    expect(fx.sim.faults.pending).toBe(0);
    expect((await getFlex(fx)).status).toBe(200);
  });
});

describe('each fault on the wire', () => {
  it('rate-limit: 429 RATE_LIMITED with RateLimit headers and Retry-After in seconds', async () => {
    fx = await startFixture();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const response = await getFlex(fx);
    expect(response.status).toBe(429);
    expect(response.json).toMatchObject({ error: 429, errorCode: SIMULATOR_ERROR_CODES.rateLimited });
    expect(response.headers).toMatchObject({ 'retry-after': '2', 'ratelimit-limit': '100', 'ratelimit-remaining': '0' });
  });

  it('rate-limit: Retry-After as an HTTP-date exactly the asked seconds after the Date header, or none at all', async () => {
    fx = await startFixture();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 3, retryAfterForm: 'http-date' });
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterForm: 'omit' });
    const dated = await getFlex(fx);
    const retryAt = Date.parse(dated.headers['retry-after'] as string);
    expect(retryAt - Date.parse(dated.headers.date as string)).toBe(3000);
    const bare = await getFlex(fx);
    expect(bare.status).toBe(429);
    expect(bare.headers['retry-after']).toBeUndefined();
  });

  it('server-error: ApiError for 500 and 503, a gateway page for 502 and 504, Retry-After when asked', async () => {
    fx = await startFixture();
    for (const status of [500, 503, 502, 504] as const) fx.sim.faults.inject({ kind: 'server-error', status, retryAfterSeconds: 1 });
    const [a, b, c, d] = [await getFlex(fx), await getFlex(fx), await getFlex(fx), await getFlex(fx)];
    expect(a.json).toMatchObject({ error: 500, errorCode: SIMULATOR_ERROR_CODES.unexpectedError });
    expect(b.json).toMatchObject({ error: 503, errorCode: SIMULATOR_ERROR_CODES.serviceUnavailable });
    expect([c.status, c.headers['content-type']]).toEqual([502, 'text/html; charset=utf-8']);
    expect(d.status).toBe(504);
    expect([a, b, c, d].map((r) => r.headers['retry-after'])).toEqual(['1', '1', '1', '1']);
  });

  it('server-error: a processed POST creates its job and still answers 503; an unprocessed one creates nothing', async () => {
    fx = await startFixture();
    const snapshotId = snapshotOf(fx);
    await getFlex(fx); // signed from here on: an unsigned POST would be refused before it ran
    fx.sim.faults.inject({ kind: 'server-error', operationId: 'downloadFlexBackup' });
    expect((await post(fx.client, downloadPath(fx), FLEX_MEDIA_TYPE, { snapshotId })).status).toBe(503);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(0);
    fx.sim.faults.inject({ kind: 'server-error', operationId: 'downloadFlexBackup', processed: true });
    expect((await post(fx.client, downloadPath(fx), FLEX_MEDIA_TYPE, { snapshotId })).status).toBe(503);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
  });

  it('reset-after-request: the connection is reset with no answer; processed (the default) runs the POST first', async () => {
    fx = await startFixture();
    const snapshotId = snapshotOf(fx);
    await getFlex(fx);
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: 'downloadFlexBackup' });
    const failed = await post(fx.client, downloadPath(fx), FLEX_MEDIA_TYPE, { snapshotId }).catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('ECONNRESET');
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(fx.sim.requests.at(-1)).toMatchObject({ operationId: 'downloadFlexBackup', status: 0, fault: 'reset-after-request' });
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: 'downloadFlexBackup', processed: false });
    await post(fx.client, downloadPath(fx), FLEX_MEDIA_TYPE, { snapshotId }).catch(() => undefined);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
  });

  it('reset-mid-body and truncated-body: the head promises more than arrives, then a reset or a clean close', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    fx.sim.faults.inject({ kind: 'reset-mid-body', pathPrefix: '/snapshot-files/', afterBytes: 1000 });
    fx.sim.faults.inject({ kind: 'truncated-body', pathPrefix: '/snapshot-files/', afterBytes: 1000 });
    const reset = await rawGet(job.snapshotUrl).catch((error: unknown) => error);
    expect((reset as { code?: string }).code).toBe('ECONNRESET');
    const truncated = await rawGet(job.snapshotUrl).catch((error: unknown) => error);
    expect((truncated as { code?: string }).code).toBe('UND_ERR_SOCKET');
    expect(fx.sim.requests.slice(-2).map((r) => [r.status, r.fault])).toEqual([
      [200, 'reset-mid-body'],
      [200, 'truncated-body'],
    ]);
    expect((await rawGet(job.snapshotUrl)).body.length).toBe(fx.sim.snapshotSize(job.snapshotId));
  });

  it('malformed-json: a JSON answer cut in half, its Content-Length matching', async () => {
    fx = await startFixture();
    await getFlex(fx); // past the first challenge, which is a JSON answer too
    fx.sim.faults.inject({ kind: 'malformed-json' });
    const response = await getFlex(fx);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(FLEX_MEDIA_TYPE);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
    expect(response.json).toBeUndefined();
  });

  it('wrong-content-type: an HTML page instead of the JSON answer; never on a snapshot file', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    fx.sim.faults.inject({ kind: 'wrong-content-type', contentType: 'text/plain' });
    // The snapshot file does not take the fault: it stays armed for the next JSON answer.
    expect((await rawGet(job.snapshotUrl)).headers['content-type']).toBe('application/gzip');
    const response = await getFlex(fx);
    expect([response.status, response.headers['content-type']]).toEqual([200, 'text/plain']);
    expect(response.text).toMatch(/<html>/);
  });

  it('slow-drip: the whole body, in pieces spread over time', async () => {
    fx = await startFixture();
    await getFlex(fx);
    fx.sim.faults.inject({ kind: 'slow-drip', pieces: 5, intervalMs: 60 });
    const started = performance.now();
    const response = await getFlex(fx);
    // Four gaps of 60 ms at least between five pieces.
    expect(performance.now() - started).toBeGreaterThanOrEqual(235);
    expect(response.json).toMatchObject({ name: fx.sim.clusters.flex });
  });

  it('expired-url: 403 AccessDenied from the snapshot host only', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    fx.sim.faults.inject({ kind: 'expired-url' });
    expect((await getFlex(fx)).status).toBe(200);
    const refused = await rawGet(job.snapshotUrl);
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toMatch(/<Code>AccessDenied<\/Code>/);
  });

  it('stale-nonce: 401 with a fresh challenge and stale=true, only to a digest-signed request', async () => {
    fx = await startFixture();
    await getFlex(fx);
    fx.sim.faults.inject({ kind: 'stale-nonce' });
    // An unsigned request gets the ordinary challenge, and the fault waits.
    const unsigned = await fx.client.raw('GET', flexPath(fx), { accept: FLEX_MEDIA_TYPE });
    expect([unsigned.status, unsigned.headers['www-authenticate']]).toEqual([401, expect.stringMatching(/stale=false/)]);
    expect(fx.sim.faults.pending).toBe(1);
    const stale = await fx.client.raw('GET', flexPath(fx), { accept: FLEX_MEDIA_TYPE }, fx.client.authorization('GET', flexPath(fx)));
    expect(stale.status).toBe(401);
    expect(stale.headers['www-authenticate']).toMatch(/stale=true/);
    expect(stale.json).toMatchObject({ errorCode: SIMULATOR_ERROR_CODES.unauthorized });
  });

  it('latency: the answer comes late; a client that gave up is never served', async () => {
    fx = await startFixture();
    const snapshotId = snapshotOf(fx);
    await getFlex(fx);
    fx.sim.faults.inject({ kind: 'latency', delayMs: 200 });
    const started = performance.now();
    expect((await getFlex(fx)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);

    fx.sim.faults.inject({ kind: 'latency', delayMs: 5000, operationId: 'downloadFlexBackup' });
    const gaveUp = request(`${fx.sim.url}${downloadPath(fx)}`, {
      method: 'POST',
      headers: { accept: FLEX_MEDIA_TYPE, 'content-type': FLEX_MEDIA_TYPE, authorization: fx.client.authorization('POST', downloadPath(fx)) },
      body: JSON.stringify({ snapshotId }),
      signal: AbortSignal.timeout(100),
    });
    await expect(gaveUp).rejects.toThrow();
    await expect.poll(() => fx.sim.requests.at(-1)).toMatchObject({ operationId: 'downloadFlexBackup', status: 0, fault: 'latency' });
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(0);
  });
});

describe('random faults', () => {
  async function faultsSeen(seed: number): Promise<Array<[number, string | undefined]>> {
    const started = await startFixture({ faults: { rate: 0.5, seed, kinds: ['server-error', 'malformed-json', 'wrong-content-type'] } });
    try {
      for (let i = 0; i < 24; i += 1) await get(started.client, `${started.group}/flexClusters/${started.sim.clusters.flex}`, FLEX_MEDIA_TYPE);
      return started.sim.requests.map((r) => [r.status, r.fault]);
    } finally {
      await started.close();
    }
  }

  it('are the same for the same seed and request sequence, and differ for another seed', async () => {
    const first = await faultsSeen(42);
    expect(await faultsSeen(42)).toEqual(first);
    expect(await faultsSeen(43)).not.toEqual(first);
    const hit = first.filter(([, fault]) => fault !== undefined).length;
    // About half of 24+ requests; the bounds only guard against "none" or "all".
    expect(hit).toBeGreaterThan(3);
    expect(hit).toBeLessThan(first.length - 3);
  });

  it('can be switched on and off on a running simulator, and leave the token endpoint alone', async () => {
    fx = await startFixture();
    fx.sim.faults.random({ rate: 1, seed: 1, kinds: ['server-error'] });
    expect((await getFlex(fx)).status).toBeGreaterThanOrEqual(500);
    const token = await fx.client.raw('POST', '/api/oauth/token', { contentType: 'application/x-www-form-urlencoded', body: 'grant_type=client_credentials' });
    expect(token.status).toBe(401);
    fx.sim.faults.random(undefined);
    expect((await getFlex(fx)).status).toBe(200);
  });
});
