import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasResponseError } from '../../src/index.js';
import { failureOf, READ, recordingTimer, requestsOf, shimFor, useFlexJob } from './fault-fixture.js';

const fx = useFlexJob();
const { warmShim, statuses } = fx;

describe('retried statuses', () => {
  it('503 twice, then the answer: exponential backoff with full jitter (draw 0.5: 250, then 500 ms)', async () => {
    const { shim, timer } = await warmShim();
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: 2 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([503, 503, 200]);
    expect(timer.sleeps).toEqual([250, 500]);
  });

  it('502 and 504 from a gateway (HTML bodies) are retried too', async () => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind: 'server-error', status: 502, operationId: READ });
    fx.sim.faults.inject({ kind: 'server-error', status: 504, operationId: READ });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([502, 504, 200]);
  });

  it('429 with Retry-After in seconds waits exactly that long, beyond the backoff cap', async () => {
    const { shim, timer } = await warmShim({ retry: { maxDelayMs: 2000 } });
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 7, operationId: READ });
    await shim.getDownload(fx.job);
    expect(statuses()).toEqual([429, 200]);
    expect(timer.sleeps).toEqual([7000]);
  });

  it('429 with Retry-After as an HTTP-date waits until that date, measured against the answer\'s Date', async () => {
    const { shim, timer } = await warmShim();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 3, retryAfterForm: 'http-date', operationId: READ });
    await shim.getDownload(fx.job);
    expect(statuses()).toEqual([429, 200]);
    expect(timer.sleeps).toEqual([3000]);
  });

  it('429 with RateLimit-Remaining: 0 and no Retry-After waits maxDelayMs', async () => {
    const { shim, timer } = await warmShim({ retry: { maxDelayMs: 8000 } });
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterForm: 'omit', operationId: READ });
    await shim.getDownload(fx.job);
    expect(timer.sleeps).toEqual([8000]);
  });

  it('really waits: with the real timer, the retry after Retry-After: 1 comes a second later', async () => {
    const shim = shimFor(fx.sim);
    await shim.getDownload(fx.job);
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1, operationId: READ });
    const started = performance.now();
    await shim.getDownload(fx.job);
    // A timer never fires early; the small allowance covers rounding of performance.now.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(requestsOf(fx.sim, READ).slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });
});

describe('never retried', () => {
  it('a 404 (or any other 4xx) is thrown after one request', async () => {
    const { shim, timer } = await warmShim();
    const missing = { ...fx.job, id: 'f'.repeat(24) };
    const error = await failureOf(shim.getDownload(missing));
    expect(error).toBeInstanceOf(AtlasApiError);
    expect((error as AtlasApiError).status).toBe(404);
    expect(statuses()).toEqual([404]);
    expect(timer.sleeps).toEqual([]);
  });

  it('a 401 for a wrong key is answered once by the digest interceptor, never by the retry loop', async () => {
    const timer = recordingTimer();
    const shim = shimFor(fx.sim, { credentials: { publicKey: fx.sim.apiKey.publicKey, privateKey: 'not-the-key' }, retry: { timer } });
    const error = await failureOf(shim.getDownload(fx.job));
    expect((error as AtlasApiError).status).toBe(401);
    // The unsigned first contact and the one signed answer to its challenge: nothing more.
    expect(fx.sim.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(timer.sleeps).toEqual([]);
  });

});

describe('a safe read (GET) is retried on every transient failure', () => {
  it('500 twice, then the answer', async () => {
    const { shim, timer } = await warmShim();
    fx.sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 2 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([500, 500, 200]);
    expect(timer.sleeps).toHaveLength(2);
  });

  it("a 200 in another content type (a proxy's or a maintenance page) twice, then the answer", async () => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind: 'wrong-content-type', operationId: READ, times: 2 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([200, 200, 200]);
  });

  it('500 on every attempt: the AtlasApiError of the last, after limit + 1 requests', async () => {
    const { shim } = await warmShim({ retry: { limit: 2 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 10 });
    const error = await failureOf(shim.getDownload(fx.job));
    expect((error as AtlasApiError).status).toBe(500);
    expect(statuses()).toEqual([500, 500, 500]);
  });

  it('another content type on every attempt: an AtlasResponseError naming it, after limit + 1 requests', async () => {
    const { shim } = await warmShim({ retry: { limit: 1 } });
    fx.sim.faults.inject({ kind: 'wrong-content-type', operationId: READ, times: 10 });
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(AtlasResponseError);
    expect((error as Error).message).toMatch(/content-type text\/html/);
    expect(statuses()).toEqual([200, 200]);
  });
});

describe('bounds', () => {
  it('429s are not counted against the limit: limit 1, three 429s, then the answer', async () => {
    const { shim, timer } = await warmShim({ retry: { limit: 1 } });
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1, operationId: READ, times: 3 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([429, 429, 429, 200]);
    expect(timer.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('after a 429, another call to the same project is held until the wait is over (plus jitter), not sent to meet a 429 of its own', async () => {
    // Waits take 50 real ms and move the clock by what they wait when they end.
    const sleeps: number[] = [];
    let waited = 0;
    const timer = {
      now: () => performance.now() + waited,
      async sleep(ms: number, signal: AbortSignal) {
        sleeps.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 50));
        signal.throwIfAborted();
        waited += ms;
      },
    };
    const { shim } = await warmShim({ retry: { timer } });
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 4, operationId: READ, times: 1 });
    const first = shim.getDownload(fx.job);
    await expect.poll(() => sleeps.length).toBe(1);
    // Sent while the first call waits out its 429: held for what is left of 4 s, plus half of it (jitter 0.5).
    const second = shim.getDownload(fx.job);
    await Promise.all([first, second]);
    expect(sleeps[0]).toBe(4000);
    expect(sleeps[1]).toBeGreaterThan(5900);
    expect(sleeps[1]).toBeLessThanOrEqual(6000);
    expect(statuses()).toEqual([429, 200, 200]);
  });

  it('in count: limit 2 means three requests, then the last answer\'s AtlasApiError', async () => {
    const { shim, timer } = await warmShim({ retry: { limit: 2 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: Infinity });
    const error = await failureOf(shim.getDownload(fx.job));
    expect((error as AtlasApiError).status).toBe(503);
    expect(statuses()).toEqual([503, 503, 503]);
    expect(timer.sleeps).toHaveLength(2);
  });

  it('in total time: no retry starts past maxElapsedMs, whatever the limit', async () => {
    const { shim, timer } = await warmShim({ retry: { limit: 10, baseDelayMs: 1000, maxDelayMs: 4000, maxElapsedMs: 5000, random: () => 0.99 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: Infinity });
    await failureOf(shim.getDownload(fx.job));
    // 990 and 1980 fit in 5 s; the next wait (3960) would end past it, so the call stops.
    expect(timer.sleeps).toEqual([990, 1980]);
    expect(statuses()).toEqual([503, 503, 503]);
  });

  it('in total time: a Retry-After beyond the budget fails at once instead of retrying early', async () => {
    const { shim, timer } = await warmShim();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 120, operationId: READ });
    const error = await failureOf(shim.getDownload(fx.job));
    expect((error as AtlasApiError).status).toBe(429);
    expect(timer.sleeps).toEqual([]);
    expect(statuses()).toEqual([429]);
  });

  it('the deadline bounds the retry schedule too: a wait that would end past it is not started', async () => {
    const shim = shimFor(fx.sim, { timeouts: { deadlineMs: 1500 } });
    await shim.getDownload(fx.job);
    fx.sim.clearRequests();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1, operationId: READ, times: Infinity });
    const error = await failureOf(shim.getDownload(fx.job));
    expect((error as AtlasApiError).status).toBe(429);
    expect(statuses()).toEqual([429, 429]);
  });
});
