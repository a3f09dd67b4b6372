// Memory check (not part of npm test): saves a snapshot many times larger than the V8 heap
// limit this process runs with, through the facade, from the local simulator on 127.0.0.1,
// and reports the peak RSS growth. Run: npm run bench:memory [-- <size in MiB>]
// The script re-runs itself with --max-old-space-size=64, so the heap cannot hold the file.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';

const HEAP_LIMIT_MIB = 64;
const sizeMiB = Number(process.argv[2] ?? 1024);

if (!process.execArgv.some((arg) => arg.startsWith('--max-old-space-size'))) {
  const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MIB}`, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { createSnapshotShim } = await import('../dist/index.js');
const { startAtlasSimulator } = await import('../dist/simulator.js');

const MiB = 1024 * 1024;
const now = new Date('2026-01-10T12:00:00Z');
const sim = await startAtlasSimulator({ now: () => now, jobDurationMs: 100, snapshotSizeBytes: sizeMiB * MiB });
const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => now });
const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-bench-'));
try {
  const cluster = sim.clusters.flex;
  const snapshotId = sim.snapshotIds(cluster)[0];
  const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId }), { pollIntervalMs: 50 });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const saved = await shim.saveSnapshot(job, join(dir, 'snapshot.tar.gz'));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const result = {
    node: process.version,
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / MiB),
    fileMiB: sizeMiB,
    sha256Matches: saved.sha256 === sim.snapshotSha256(snapshotId),
    rssBeforeMiB: Math.round(before / MiB),
    rssPeakGrowthMiB: Math.round((peak - before) / MiB),
    throughputMiBps: Math.round(sizeMiB / seconds),
  };
  console.log(JSON.stringify(result, null, 2));
  const flat = result.rssPeakGrowthMiB <= 64 && result.sha256Matches;
  console.log(flat ? 'RSS stayed flat (growth ≤ 64 MiB) while saving a file larger than the heap.' : 'RSS grew more than 64 MiB, or the file is wrong.');
  process.exitCode = flat ? 0 : 1;
} finally {
  await shim.close();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
}
