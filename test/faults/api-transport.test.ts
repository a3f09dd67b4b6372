import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  AtlasConnectionError,
  createSnapshotShim,
  TimeoutError,
  type SnapshotShim,
} from '../../src/index.js';
import { failureOf, openShims, READ, recordingTimer, requestsOf, shimFor, useFlexJob } from './fault-fixture.js';

const fx = useFlexJob();
const { warmShim, statuses } = fx;

describe('broken connections and bodies', () => {
  it('a reset after the request: retried, and signed afresh (the used nonce count is never replayed)', async () => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: READ });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([0, 200]);
    expect(fx.sim.requests.some((record) => record.status === 401)).toBe(false);
  });

  it.each([
    ['reset-mid-body' as const, 'a reset in the middle of the body'],
    ['truncated-body' as const, 'a body shorter than its Content-Length'],
    ['malformed-json' as const, 'a JSON body that does not parse'],
  ])('%s (%s): the request is sent again and the answer read whole', async (kind, _what) => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind, operationId: READ });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id, status: expect.any(String) });
    expect(statuses()).toEqual([200, 200]);
  });

  it('a slow-drip body within the body timeout is simply read, without a retry', async () => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind: 'slow-drip', operationId: READ, pieces: 4, intervalMs: 50 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([200]);
  });

  it('a slow-drip body past the body timeout is abandoned and read again', async () => {
    const { shim } = await warmShim({ timeouts: { bodyMs: 150 } });
    // undici runs headers and body timeouts on timers of about one second's resolution: pieces far apart leave no race.
    fx.sim.faults.inject({ kind: 'slow-drip', operationId: READ, pieces: 4, intervalMs: 4000 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(statuses()).toEqual([200, 200]);
  });

  it('latency past the headers timeout is abandoned and sent again', async () => {
    const { shim } = await warmShim({ timeouts: { headersMs: 200 } });
    fx.sim.faults.inject({ kind: 'latency', operationId: READ, delayMs: 3000 });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    await expect.poll(() => statuses().sort()).toEqual([0, 200]);
  });

  it('resets on every attempt end in an AtlasConnectionError with the code and the attempts', async () => {
    const { shim } = await warmShim({ retry: { limit: 2 } });
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: READ, times: Infinity });
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(AtlasConnectionError);
    expect(error).toMatchObject({ causeCode: 'ECONNRESET', attempts: 3, request: { method: 'GET' } });
    expect((error as Error).message).toMatch(/ECONNRESET\) after 3 attempts/);
  });

  it('headers timeouts on every attempt end in a TimeoutError naming the wait and its length', async () => {
    const { shim } = await warmShim({ timeouts: { headersMs: 150 }, retry: { limit: 1 } });
    fx.sim.faults.inject({ kind: 'latency', operationId: READ, delayMs: 3000, times: Infinity });
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).waitedMs).toBe(150);
    expect((error as Error).message).toMatch(/GET \/api\/atlas\/v2\/groups\/.*: waiting for the response headers \(the last of 2 attempts\) timed out after 150 ms/);
  });

  it('a stale digest nonce is answered by the digest interceptor: no retry wait, no error', async () => {
    const { shim, timer } = await warmShim();
    fx.sim.faults.inject({ kind: 'stale-nonce', operationId: READ });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(requestsOf(fx.sim, READ).map((r) => [r.status, r.fault])).toEqual([
      [401, 'stale-nonce'],
      [200, undefined],
    ]);
    expect(timer.sleeps).toEqual([]);
  });

  it('a service account\'s retries carry its token: 503 then the answer', async () => {
    const shim = shimFor(fx.sim, { credentials: fx.sim.serviceAccount, retry: { timer: recordingTimer() } });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ });
    await expect(shim.getDownload(fx.job)).resolves.toMatchObject({ id: fx.job.id });
    expect(requestsOf(fx.sim, READ).map((r) => [r.status, r.auth])).toEqual([
      [503, 'bearer'],
      [200, 'bearer'],
    ]);
  });
});

describe('a refused connection', () => {
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it('is retried, then reported as an AtlasConnectionError with its code', async () => {
    const timer = recordingTimer();
    const shim = createSnapshotShim({ baseUrl: `http://127.0.0.1:${await closedPort()}`, credentials: fx.sim.apiKey, route: 'flex', retry: { timer, limit: 2, random: () => 0.5 } });
    openShims.push(shim);
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(AtlasConnectionError);
    expect(error).toMatchObject({ causeCode: 'ECONNREFUSED', attempts: 3 });
    expect(timer.sleeps).toEqual([250, 500]);
  });

  it('is retried for the download POST too (nothing can have been created), with no look-up', async () => {
    const timer = recordingTimer();
    const shim = createSnapshotShim({ baseUrl: `http://127.0.0.1:${await closedPort()}`, credentials: fx.sim.apiKey, route: 'flex', retry: { timer, limit: 1 } });
    openShims.push(shim);
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0] as string;
    const error = await failureOf(shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId }));
    expect(error).toMatchObject({ causeCode: 'ECONNREFUSED', attempts: 2, request: { method: 'POST' } });
    // A look-up would have been a GET to the same closed port, failing into an UnconfirmedJobError.
    expect(error).toBeInstanceOf(AtlasConnectionError);
    expect(timer.sleeps).toHaveLength(1);
  });
});

describe('deadline and abort', () => {
  async function closesWithin(shim: SnapshotShim, ms: number): Promise<void> {
    const started = performance.now();
    await shim.close();
    expect(performance.now() - started).toBeLessThan(ms);
  }

  it('the deadline aborts the request in flight with a TimeoutError saying what and how long', async () => {
    const { shim } = await warmShim({ timeouts: { deadlineMs: 300 } });
    fx.sim.faults.inject({ kind: 'latency', operationId: READ, delayMs: 10_000 });
    const started = performance.now();
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/^Atlas call GET \/api\/atlas\/v2\/groups\/[0-9a-f]{24}\/flexClusters\/.* \(retries included\) timed out after \d+ ms/);
    expect((error as TimeoutError).waitedMs).toBeGreaterThanOrEqual(295);
    // Far below the 10 s the server would have taken: the request was cut, not waited for.
    expect(performance.now() - started).toBeLessThan(5000);
    // Agent.close() waits for requests in flight: closing at once shows none is left.
    await closesWithin(shim, 2000);
  });

  it('the deadline names the last failure it cut short: a retry after a 503 that does not answer in time', async () => {
    const { shim, timer } = await warmShim({ timeouts: { deadlineMs: 400 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ });
    fx.sim.faults.inject({ kind: 'latency', operationId: READ, delayMs: 10_000 });
    const error = await failureOf(shim.getDownload(fx.job));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastStatus).toBe('HTTP 503');
    expect((error as Error).message).toMatch(/timed out after \d+ ms; the last status seen was HTTP 503\.$/);
    expect(timer.sleeps).toHaveLength(1);
    await closesWithin(shim, 2000);
    await expect.poll(() => requestsOf(fx.sim, READ).map((r) => [r.status, r.fault])).toEqual([
      [503, 'server-error'],
      [0, 'latency'],
    ]);
  });

  it('a signal aborted before the call ends it with its reason, and nothing is sent', async () => {
    const { shim } = await warmShim();
    const reason = new Error('given up before it began');
    expect(await failureOf(shim.getDownload(fx.job, { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(statuses()).toEqual([]);
  });

  it('an abort cancels the request in flight with the caller\'s reason, and leaves no socket behind', async () => {
    const { shim } = await warmShim();
    fx.sim.faults.inject({ kind: 'latency', operationId: READ, delayMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 100);
    const error = await failureOf(shim.getDownload(fx.job, { signal: controller.signal }));
    expect(error).toBe(reason);
    await closesWithin(shim, 2000);
    // The simulator saw the client go away during its delay, and never served the request.
    await expect.poll(() => requestsOf(fx.sim, READ).map((r) => [r.status, r.fault])).toEqual([[0, 'latency']]);
  });

  it('an abort during a retry wait ends the wait at once', async () => {
    const shim = shimFor(fx.sim);
    await shim.getDownload(fx.job);
    fx.sim.clearRequests();
    fx.sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 30, operationId: READ });
    const controller = new AbortController();
    const reason = new Error('no more waiting');
    setTimeout(() => controller.abort(reason), 100);
    const started = performance.now();
    const error = await failureOf(shim.getDownload(fx.job, { signal: controller.signal }));
    expect(error).toBe(reason);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(statuses()).toEqual([429]);
    await closesWithin(shim, 2000);
  });
});
