import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotShim } from '../../src/index.js';
import { BEFORE, useSimulator } from '../simulator/simulator-fixture.js';

const KiB = 1024;
const MiB = 1024 * KiB;

// Parallel saves end to end: the facade's `download`, over real sockets, from the simulator's
// snapshot host, which answers Range as an object store does.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parallel-save-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Sim = ReturnType<typeof useSimulator>;

function downloadWith(fx: Sim, shim: SnapshotShim, file: string, options: { connections?: number; partSizeBytes?: number } = {}) {
  const clusterName = fx.sim.clusters.flex;
  const snapshotId = fx.sim.snapshotIds(clusterName)[0]!;
  return shim.download({ groupId: fx.sim.groupId, clusterName, snapshotId, destination: file, pollIntervalMs: 10, ...options });
}

const fileAnswers = (fx: Sim) => fx.sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/snapshot-files/'));

describe('a save in parts from the simulator', () => {
  const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0, snapshotSizeBytes: 2 * MiB + 100 });

  it('fetches every part with a ranged request and saves the exact file', async () => {
    const file = join(dir, 'snapshot.tar.gz');
    const saved = await downloadWith(fx, fx.shim(), file, { partSizeBytes: 256 * KiB });
    expect(saved).toMatchObject({ path: file, bytes: 2 * MiB + 100, sha256: fx.sim.snapshotSha256(saved.job.snapshotId!) });
    // Nine parts (the ninth of 100 bytes), each answered 206 once.
    expect(fileAnswers(fx).map((r) => r.status)).toEqual(Array(9).fill(206));
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });

  it('survives cut parts, resuming each from where it stopped', async () => {
    fx.sim.cutSnapshotTransfers(100 * KiB, 2);
    const file = join(dir, 'snapshot.tar.gz');
    const saved = await downloadWith(fx, fx.shim(), file, { partSizeBytes: 512 * KiB });
    expect(saved.sha256).toBe(fx.sim.snapshotSha256(saved.job.snapshotId!));
    // Five parts and the two cut ones asked for again.
    expect(fileAnswers(fx)).toHaveLength(5 + 2);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });

  it('uses one stream with connections: 1', async () => {
    const file = join(dir, 'snapshot.tar.gz');
    const saved = await downloadWith(fx, fx.shim(), file, { connections: 1, partSizeBytes: 256 * KiB });
    expect(saved.sha256).toBe(fx.sim.snapshotSha256(saved.job.snapshotId!));
    expect(fileAnswers(fx).map((r) => r.status)).toEqual([200]);
  });
});

describe('a host that caps each connection, as object stores do', () => {
  const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0, snapshotSizeBytes: 2 * MiB, snapshotBytesPerSecondPerConnection: 2 * MiB });

  it('is read several times faster over four connections than over one', async () => {
    const timed = async (connections: number): Promise<number> => {
      const started = performance.now();
      const saved = await downloadWith(fx, fx.shim(), join(dir, `c${connections}.tar.gz`), { connections, partSizeBytes: 256 * KiB });
      expect(saved.sha256).toBe(fx.sim.snapshotSha256(saved.job.snapshotId!));
      return performance.now() - started;
    };
    const one = await timed(1);
    const four = await timed(4);
    // At 2 MiB/s a connection, one stream needs about a second; four about a quarter of it.
    // The ratio, not a time: the cap paces on timers, so a busy machine slows both alike.
    expect(one / four).toBeGreaterThan(2.5);
  }, 30_000);
});
