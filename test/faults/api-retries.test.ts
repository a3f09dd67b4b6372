import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasResponseError, type RoutedSnapshotDownload } from '../../src/index.js';
import type { AtlasSimulator } from '../../src/simulator/index.js';
import { failureOf, openShims, recordingTimer, requestsOf, shimFor, startSimulator } from './fault-fixture.js';

let sim: AtlasSimulator;
let job: RoutedSnapshotDownload;

beforeAll(async () => {
  sim = await startSimulator();
  const snapshotId = sim.snapshotIds(sim.clusters.flex)[0] as string;
  job = await shimFor(sim).downloadSnapshot({ groupId: sim.groupId, clusterName: sim.clusters.flex, snapshotId });
});
afterEach(async () => {
  await Promise.all(openShims.splice(0).map((shim) => shim.close()));
  sim.faults.clear();
  sim.clearRequests();
});
afterAll(async () => {
  await sim.stop();
});

const READ = 'getFlexRestoreJob';
const statuses = () => requestsOf(sim, READ).map((record) => record.status);

/** A shim whose waits are recorded and instant, warmed up so the digest challenge is behind it. */
async function warmShim(options: Parameters<typeof shimFor>[1] = {}) {
  const timer = recordingTimer();
  const shim = shimFor(sim, { ...options, retry: { timer, ...options.retry } });
  await shim.getDownload(job);
  sim.clearRequests();
  return { shim, timer };
}

describe('retried statuses', () => {
  it('503 twice, then the answer: exponential backoff with full jitter (draw 0.5: 250, then 500 ms)', async () => {
    const { shim, timer } = await warmShim();
    sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: 2 });
    await expect(shim.getDownload(job)).resolves.toMatchObject({ id: job.id });
    expect(statuses()).toEqual([503, 503, 200]);
    expect(timer.sleeps).toEqual([250, 500]);
  });

  it('502 and 504 from a gateway (HTML bodies) are retried too', async () => {
    const { shim } = await warmShim();
    sim.faults.inject({ kind: 'server-error', status: 502, operationId: READ });
    sim.faults.inject({ kind: 'server-error', status: 504, operationId: READ });
    await expect(shim.getDownload(job)).resolves.toMatchObject({ id: job.id });
    expect(statuses()).toEqual([502, 504, 200]);
  });

  it('429 with Retry-After in seconds waits exactly that long, beyond the backoff cap', async () => {
    const { shim, timer } = await warmShim({ retry: { maxDelayMs: 2000 } });
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 7, operationId: READ });
    await shim.getDownload(job);
    expect(statuses()).toEqual([429, 200]);
    expect(timer.sleeps).toEqual([7000]);
  });

  it('429 with Retry-After as an HTTP-date waits until that date, measured against the answer\'s Date', async () => {
    const { shim, timer } = await warmShim();
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 3, retryAfterForm: 'http-date', operationId: READ });
    await shim.getDownload(job);
    expect(statuses()).toEqual([429, 200]);
    expect(timer.sleeps).toEqual([3000]);
  });

  it('429 with RateLimit-Remaining: 0 and no Retry-After waits maxDelayMs', async () => {
    const { shim, timer } = await warmShim({ retry: { maxDelayMs: 8000 } });
    sim.faults.inject({ kind: 'rate-limit', retryAfterForm: 'omit', operationId: READ });
    await shim.getDownload(job);
    expect(timer.sleeps).toEqual([8000]);
  });

  it('really waits: with the real timer, the retry after Retry-After: 1 comes a second later', async () => {
    const shim = shimFor(sim);
    await shim.getDownload(job);
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1, operationId: READ });
    const started = performance.now();
    await shim.getDownload(job);
    // A timer never fires early; the small allowance covers rounding of performance.now.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(requestsOf(sim, READ).slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });
});

describe('never retried', () => {
  it('a 404 (or any other 4xx) is thrown after one request', async () => {
    const { shim, timer } = await warmShim();
    const missing = { ...job, id: 'f'.repeat(24) };
    const error = await failureOf(shim.getDownload(missing));
    expect(error).toBeInstanceOf(AtlasApiError);
    expect((error as AtlasApiError).status).toBe(404);
    expect(statuses()).toEqual([404]);
    expect(timer.sleeps).toEqual([]);
  });

  it('a 401 for a wrong key is answered once by the digest interceptor, never by the retry loop', async () => {
    const timer = recordingTimer();
    const shim = shimFor(sim, { credentials: { publicKey: sim.apiKey.publicKey, privateKey: 'not-the-key' }, retry: { timer } });
    const error = await failureOf(shim.getDownload(job));
    expect((error as AtlasApiError).status).toBe(401);
    // The unsigned first contact and the one signed answer to its challenge: nothing more.
    expect(sim.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(timer.sleeps).toEqual([]);
  });

  it('a 500 is thrown after one request: Atlas could not serve it, repeating is no remedy', async () => {
    const { shim } = await warmShim();
    sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 3 });
    const error = await failureOf(shim.getDownload(job));
    expect((error as AtlasApiError).status).toBe(500);
    expect(statuses()).toEqual([500]);
  });

  it('a success in another content type is an AtlasResponseError after one request', async () => {
    const { shim } = await warmShim();
    sim.faults.inject({ kind: 'wrong-content-type', operationId: READ, times: 3 });
    const error = await failureOf(shim.getDownload(job));
    expect(error).toBeInstanceOf(AtlasResponseError);
    expect((error as Error).message).toMatch(/content-type text\/html/);
    expect(statuses()).toEqual([200]);
  });
});

describe('bounds', () => {
  it('in count: limit 2 means three requests, then the last answer\'s AtlasApiError', async () => {
    const { shim, timer } = await warmShim({ retry: { limit: 2 } });
    sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: Infinity });
    const error = await failureOf(shim.getDownload(job));
    expect((error as AtlasApiError).status).toBe(503);
    expect(statuses()).toEqual([503, 503, 503]);
    expect(timer.sleeps).toHaveLength(2);
  });

  it('in total time: no retry starts past maxElapsedMs, whatever the limit', async () => {
    const { shim, timer } = await warmShim({ retry: { limit: 10, baseDelayMs: 1000, maxDelayMs: 4000, maxElapsedMs: 5000, random: () => 0.99 } });
    sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: Infinity });
    await failureOf(shim.getDownload(job));
    // 990 and 1980 fit in 5 s; the next wait (3960) would end past it, so the call stops.
    expect(timer.sleeps).toEqual([990, 1980]);
    expect(statuses()).toEqual([503, 503, 503]);
  });

  it('in total time: a Retry-After beyond the budget fails at once instead of retrying early', async () => {
    const { shim, timer } = await warmShim();
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 120, operationId: READ });
    const error = await failureOf(shim.getDownload(job));
    expect((error as AtlasApiError).status).toBe(429);
    expect(timer.sleeps).toEqual([]);
    expect(statuses()).toEqual([429]);
  });

  it('the deadline bounds the retry schedule too: a wait that would end past it is not started', async () => {
    const shim = shimFor(sim, { timeouts: { deadlineMs: 1500 } });
    await shim.getDownload(job);
    sim.clearRequests();
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1, operationId: READ, times: Infinity });
    const error = await failureOf(shim.getDownload(job));
    expect((error as AtlasApiError).status).toBe(429);
    expect(statuses()).toEqual([429, 429]);
  });
});
