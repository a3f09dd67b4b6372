import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { SaveProgress } from '../../src/download/save-snapshot-file.js';
import { rejectionOf, save, setupSave, useSaveFixtures } from './helpers/save-fixture.js';

useSaveFixtures();
// Today's single stream (connections: 1), for the test that reads its `bytes=N-` resume. The
// save in parts has its own tests in save-snapshot-file.parallel.test.ts.
const SINGLE_STREAM = { connections: 1 } as const;

describe('saveSnapshotFile: progress', () => {
  it('reports at most once per progressIntervalMs over a slow transfer, and once at the end with the full size', async () => {
    const { host, base } = await setupSave(96 * 1024);
    host.faults.drip = { bytes: 2048, intervalMs: 5 };
    const calls: Array<SaveProgress & { at: number }> = [];
    const started = performance.now();
    const saved = await save({
      ...base,
      source: { url: host.signedUrl() },
      progressIntervalMs: 50,
      onProgress: (progress) => calls.push({ ...progress, at: performance.now() }),
    });
    const duration = performance.now() - started;
    expect(duration).toBeGreaterThan(150);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(duration / 50 + 2);
    // Every call but the final one is at least an interval after the previous.
    for (let i = 1; i < calls.length - 1; i += 1) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(49);
    const bytes = calls.map((c) => c.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(calls.at(-1)).toMatchObject({ bytes: host.size, total: host.size });
    expect(calls.at(-1)!.bytesPerSecond).toBeGreaterThan(0);
    expect(saved.bytes).toBe(host.size);
  });

  it('counts the bytes resumed from a partial file', async () => {
    const { host, base } = await setupSave(2 * 1024 * 1024);
    host.faults.cutAfter = [1_500_000];
    await rejectionOf(save({ ...base, ...SINGLE_STREAM, source: { url: host.signedUrl() }, maxResumeAttempts: 0 }));
    const calls: SaveProgress[] = [];
    await save({ ...base, ...SINGLE_STREAM, source: { url: host.signedUrl() }, progressIntervalMs: 0, onProgress: (p) => calls.push(p) });
    const offset = Number(/^bytes=(\d+)-$/.exec(String(host.requests[1]!.headers.range))![1]);
    expect(offset).toBeGreaterThan(1_000_000);
    expect(calls[0]!.bytes).toBeGreaterThan(offset);
    expect(calls.at(-1)!.bytes).toBe(host.size);
  });

  it('rethrows what onProgress throws', async () => {
    const { host, base } = await setupSave(256 * 1024);
    const thrown = new Error('progress sink failed');
    await expect(
      save({
        ...base,
        source: { url: host.signedUrl() },
        progressIntervalMs: 0,
        onProgress: () => {
          throw thrown;
        },
      }),
    ).rejects.toBe(thrown);
  });
});
