import { createHook } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSimulatorOptions } from '../../src/simulator/options.js';
import { SnapshotContent } from '../../src/simulator/snapshot-content.js';
import { startAtlasSimulator, type AtlasSimulatorOptions } from '../../src/simulator/index.js';
import { FLEX_MEDIA_TYPE, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

/**
 * The snapshot host's `snapshotBytesPerSecondPerConnection`: each body is paced to the cap, so
 * each connection is, and nothing else about the answers changes. Timing assertions are lower
 * bounds from the cap itself, or compare against what a shared (global) cap would need, with
 * room for a slow, busy machine.
 */

const MiB = 1024 * 1024;
const KiB = 1024;

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((closeable) => closeable.close()));
});

async function simulator(options: AtlasSimulatorOptions): Promise<SimulatorFixture> {
  const fx = await startFixture({ jobDurationMs: 0, ...options });
  open.push(fx);
  return fx;
}

function agent(connections: number): Agent {
  const dispatcher = new Agent({ connections });
  open.push(dispatcher);
  return dispatcher;
}

/** A completed job's `snapshotUrl` and snapshot id on the Flex cluster. */
async function snapshotUrl(fx: SimulatorFixture): Promise<{ url: string; snapshotId: string }> {
  const name = fx.sim.clusters.flex;
  const response = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: fx.sim.snapshotIds(name)[0] });
  expect(response.json.status).toBe('COMPLETED');
  return { url: response.json.snapshotUrl as string, snapshotId: response.json.snapshotId as string };
}

async function fetchFile(url: string, headers: Record<string, string> = {}, options: { method?: 'GET' | 'HEAD'; dispatcher?: Agent } = {}) {
  const started = performance.now();
  const response = await request(url, { method: options.method ?? 'GET', headers, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body, seconds: (performance.now() - started) / 1000 };
}

/** Bytes `[start, end]` of a snapshot file of `size` bytes, from the generator the simulator serves. */
function expected(snapshotId: string, size: number, start: number, end: number): Buffer {
  return Buffer.concat([...new SnapshotContent(size).chunks(snapshotId, start, end + 1)]);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A timer as short as a pacing step at 1 KiB/s (51-byte pieces: ~50 ms), with room for drift. */
const isPacingStep = (delayMs: number): boolean => delayMs <= 100;

/** The delays (ms) of the timers anything in this process creates in the next `ms` milliseconds. */
async function timersCreatedWithin(ms: number): Promise<number[]> {
  const delays: number[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout') delays.push((resource as { _idleTimeout?: number })._idleTimeout ?? Number.NaN);
    },
  });
  const window = sleep(ms); // created before the hook: not counted
  hook.enable();
  try {
    await window;
  } finally {
    hook.disable();
  }
  return delays;
}

describe('snapshotBytesPerSecondPerConnection', () => {
  it('paces a ranged GET to the cap and sends the exact bytes', async () => {
    const size = 2 * MiB;
    const fx = await simulator({ snapshotSizeBytes: size, snapshotBytesPerSecondPerConnection: MiB });
    const { url, snapshotId } = await snapshotUrl(fx);
    const start = 300_000;
    const end = start + 512 * KiB - 1;
    const part = await fetchFile(url, { range: `bytes=${start}-${end}` });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
    expect(part.body.length).toBe(512 * KiB);
    expect(sha256(part.body)).toBe(sha256(expected(snapshotId, size, start, end)));
    // 512 KiB at 1 MiB/s: half a second, whatever the machine (the pacing only ever waits).
    expect(part.seconds).toBeGreaterThanOrEqual(0.45);
  });

  it('caps each connection, not the host: two connections at once take about the time of one', async () => {
    const size = 4 * MiB;
    const fx = await simulator({ snapshotSizeBytes: size, snapshotBytesPerSecondPerConnection: MiB });
    const { url, snapshotId } = await snapshotUrl(fx);
    const dispatcher = agent(2);
    const ranges: [number, number][] = [
      [0, MiB - 1],
      [2 * MiB, 3 * MiB - 1],
    ];
    const started = performance.now();
    const parts = await Promise.all(ranges.map(([start, end]) => fetchFile(url, { range: `bytes=${start}-${end}` }, { dispatcher })));
    const seconds = (performance.now() - started) / 1000;
    parts.forEach((part, i) => {
      const [start, end] = ranges[i] as [number, number];
      expect(part.status).toBe(206);
      expect(part.body.equals(expected(snapshotId, size, start, end))).toBe(true);
      // Each one is still held to the cap: 1 MiB at 1 MiB/s.
      expect(part.seconds).toBeGreaterThanOrEqual(0.95);
    });
    // Per connection, 2 MiB take ~1 s (2 MiB/s in all); one cap shared by the host would need ≥ 2 s.
    expect(seconds).toBeLessThan(1.6);
  });

  it('keeps the Range semantics: 206 with Content-Range, If-Range mismatch → 200, 416, HEAD, 304', async () => {
    const size = 64 * KiB;
    const fx = await simulator({ snapshotSizeBytes: size, snapshotBytesPerSecondPerConnection: 256 * KiB });
    const { url, snapshotId } = await snapshotUrl(fx);
    const head = await fetchFile(url, {}, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(size);
    const etag = head.headers.etag as string;

    const ranged = await fetchFile(url, { range: 'bytes=1000-1999', 'if-range': etag });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 1000-1999/${size}`);
    expect(Number(ranged.headers['content-length'])).toBe(1000);
    expect(ranged.body.equals(expected(snapshotId, size, 1000, 1999))).toBe(true);

    const suffix = await fetchFile(url, { range: 'bytes=-17' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes ${size - 17}-${size - 1}/${size}`);

    const outdated = await fetchFile(url, { range: 'bytes=1000-1999', 'if-range': '"another"' });
    expect(outdated.status).toBe(200);
    expect(outdated.headers['content-range']).toBeUndefined();
    expect(sha256(outdated.body)).toBe(fx.sim.snapshotSha256(snapshotId));
    // The whole 64 KiB at 256 KiB/s: a quarter of a second.
    expect(outdated.seconds).toBeGreaterThanOrEqual(0.22);

    const unsatisfiable = await fetchFile(url, { range: `bytes=${size}-` });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers['content-range']).toBe(`bytes */${size}`);
    expect((await fetchFile(url, { 'if-none-match': etag })).status).toBe(304);
  });

  it('still cuts a transfer where cutSnapshotTransfers says, after pacing up to the cut', async () => {
    const size = 256 * KiB;
    const fx = await simulator({ snapshotSizeBytes: size, snapshotBytesPerSecondPerConnection: 256 * KiB });
    const { url, snapshotId } = await snapshotUrl(fx);
    fx.sim.cutSnapshotTransfers(100 * KiB, 1);
    const started = performance.now();
    const response = await request(url, { headers: { range: `bytes=1000-${size - 1}` } });
    expect(response.statusCode).toBe(206);
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of response.body) received.push(chunk as Buffer);
      })(),
    ).rejects.toThrow();
    const seconds = (performance.now() - started) / 1000;
    const body = Buffer.concat(received);
    expect(body.length).toBe(100 * KiB);
    expect(body.equals(expected(snapshotId, size, 1000, 1000 + 100 * KiB - 1))).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(0.35);
    // The next transfer is whole again.
    expect((await fetchFile(url, { range: 'bytes=0-9' })).body.length).toBe(10);
  });

  it('stops pacing when the client goes away mid-body: no timer left, the host still answers', async () => {
    // 1 KiB/s: the 256 KiB body would take over four minutes, a pacing step every 50 ms.
    const fx = await simulator({ snapshotBytesPerSecondPerConnection: 1024 });
    const { url } = await snapshotUrl(fx);
    const controller = new AbortController();
    const response = await request(url, { signal: controller.signal });
    expect(response.statusCode).toBe(200);
    const first = await new Promise<Buffer>((resolve) => response.body.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    // While the body flows, the host keeps setting pacing timers (other timers, keep-alive ones, last seconds).
    expect((await timersCreatedWithin(200)).filter(isPacingStep).length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await expect(response.body.text()).rejects.toThrow();
    // Once the host has seen the close (a pacing step is at most 50 ms), it sets no more.
    await sleep(200);
    expect((await timersCreatedWithin(300)).filter(isPacingStep)).toEqual([]);
    const head = await fetchFile(url, {}, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('is off by default: a 4 MiB body goes unpaced and whole', async () => {
    expect(resolveSimulatorOptions({}).snapshotBytesPerSecondPerConnection).toBeUndefined();
    expect(resolveSimulatorOptions({ snapshotBytesPerSecondPerConnection: undefined }).snapshotBytesPerSecondPerConnection).toBeUndefined();
    const size = 4 * MiB;
    const fx = await simulator({ snapshotSizeBytes: size });
    const { url, snapshotId } = await snapshotUrl(fx);
    const whole = await fetchFile(url);
    expect(whole.status).toBe(200);
    expect(whole.body.length).toBe(size);
    expect(sha256(whole.body)).toBe(fx.sim.snapshotSha256(snapshotId));
  });

  it.each([0, -1, 1.5, 1023, 1e11 + 1, Number.NaN, Number.POSITIVE_INFINITY, 'fast', '1048576', null])(
    'rejects snapshotBytesPerSecondPerConnection = %s with a TypeError naming it and the allowed range',
    async (value) => {
      const options = { snapshotBytesPerSecondPerConnection: value } as unknown as AtlasSimulatorOptions;
      await expect(startAtlasSimulator(options)).rejects.toThrow(TypeError);
      await expect(startAtlasSimulator(options)).rejects.toThrow(
        /option "snapshotBytesPerSecondPerConnection" must be an integer from 1024 to 100000000000, got /,
      );
    },
  );

  it('accepts the bounds and undefined', async () => {
    for (const value of [1024, 1e11, undefined]) {
      const sim = await startAtlasSimulator({ snapshotBytesPerSecondPerConnection: value });
      await sim.stop();
    }
  });
});
