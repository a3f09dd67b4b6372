import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_DEFAULTS, startAtlasSimulator, type AtlasSimulatorOptions } from '../../src/simulator/index.js';
import { FLEX_MEDIA_TYPE, post, startFixture } from './simulator-fixture.js';

describe('option validation', () => {
  it.each<[string, unknown]>([
    ['now', 'yesterday'],
    ['sunsetDate', 'not a date'],
    ['sunsetDate', new Date(Number.NaN)],
    ['sunsetDate', 20260122],
    ['port', -1],
    ['port', 70_000],
    ['port', 80.5],
    ['jobDurationMs', -5],
    ['jobDurationMs', Number.POSITIVE_INFINITY],
    ['snapshotSizeBytes', 0],
    ['snapshotSizeBytes', 1.5],
    ['snapshotSizeBytes', '1024'],
    ['digestAlgorithm', 'SHA-1'],
    ['digestAlgorithm', 'md5'],
    ['nonceTtlMs', 0],
    ['tokenTtlSeconds', -1],
    ['tokenTtlSeconds', Number.NaN],
    ['sunsetAnswer', 'removed'],
    ['sunsetAnswer', 410],
    ['rateLimit', true],
    ['rateLimit', 1200],
    ['rateLimit', [1200]],
  ])('rejects %s = %s with a TypeError naming it', async (name, value) => {
    const options = { [name]: value } as AtlasSimulatorOptions;
    await expect(startAtlasSimulator(options)).rejects.toThrow(TypeError);
    await expect(startAtlasSimulator(options)).rejects.toThrow(`"${name}"`);
  });

  it('rejects unknown options and non-object options', async () => {
    await expect(startAtlasSimulator({ jobDuration: 5 } as AtlasSimulatorOptions)).rejects.toThrow(/unknown option "jobDuration"/);
    await expect(startAtlasSimulator('fast' as unknown as AtlasSimulatorOptions)).rejects.toThrow(TypeError);
  });

  it('rejects a now option that does not return a valid Date', async () => {
    await expect(startAtlasSimulator({ now: () => new Date('nope') })).rejects.toThrow(/"now"/);
  });

  it('documents its defaults', () => {
    expect(SIMULATOR_DEFAULTS).toEqual({
      sunsetDate: '2026-01-22T00:00:00Z',
      sunsetAnswer: 'gone',
      rateLimit: false,
      rateLimitBucket: { capacity: 1200, refillTokens: 500, refillIntervalMs: 60_000, retryAfter: 'sometimes' },
      port: 0,
      jobDurationMs: 1500,
      snapshotSizeBytes: 262_144,
      digestAlgorithm: 'MD5',
      nonceTtlMs: 300_000,
      tokenTtlSeconds: 3600,
    });
  });
});

describe('started simulator', () => {
  it('listens on 127.0.0.1, on an ephemeral port by default', async () => {
    const a = await startAtlasSimulator();
    const b = await startAtlasSimulator();
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('listens on the port it is given', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sim = await startAtlasSimulator({ port });
    expect(sim.url).toBe(`http://127.0.0.1:${port}`);
    await sim.stop();
  });

  it('accepts the sunset as a Date and by default keeps a new job pending', async () => {
    const fx = await startFixture({ sunsetDate: new Date('2027-01-01T00:00:00Z') });
    const name = fx.sim.clusters.flex;
    const job = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: fx.sim.snapshotIds(name)[0] });
    expect(job.json.status).toBe('PENDING');
    await fx.close();
  });

  it('rejects setNow with something that is not a date', async () => {
    const sim = await startAtlasSimulator();
    expect(() => sim.setNow('soon')).toThrow(TypeError);
    expect(() => sim.setNow(new Date(Number.NaN))).toThrow(TypeError);
    await sim.stop();
  });
});
