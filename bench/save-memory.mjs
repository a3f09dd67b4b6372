// Memory check: saves a snapshot many times larger than the V8 heap limit this process runs
// with, through the facade with the default options (4 connections: a parallel ranged save,
// the file being larger than one part), from the local simulator on 127.0.0.1, and reports
// the peak RSS growth (goal: at most 64 MiB whatever the size). The simulator runs in its
// own process, so only the saving side's memory is measured.
// Run: npm run bench:memory [-- <size in MiB>] [--json]   (run.mjs runs it once per size, each in a fresh process)
// The script re-runs itself with --max-old-space-size=64, so the heap cannot hold the file.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';

const HEAP_LIMIT_MIB = 64;
const GOAL_MIB = 64;
const args = process.argv.slice(2);
const json = args.includes('--json');
const sizeMiB = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1024);

if (!process.execArgv.some((arg) => arg.startsWith('--max-old-space-size'))) {
  const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MIB}`, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { createSnapshotShim } = await import('../dist/index.js');
const { completedFlexJob, startSimulatorProcess } = await import('./simulator-process.mjs');

const MiB = 1024 * 1024;
const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);
const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0, snapshotSizeBytes: sizeMiB * MiB });
const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-bench-'));
try {
  const { job, expected } = await completedFlexJob(sim, shim);
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
    sha256Matches: saved.sha256 === expected,
    rssBeforeMiB: Math.round(before / MiB),
    rssPeakGrowthMiB: Math.round((peak - before) / MiB),
    throughputMiBps: Math.round(sizeMiB / seconds),
  };
  const flat = result.rssPeakGrowthMiB <= GOAL_MIB && result.sha256Matches;
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(JSON.stringify(result, null, 2));
    console.log(flat ? `RSS stayed flat (growth ≤ ${GOAL_MIB} MiB) while saving a file larger than the heap.` : `RSS grew more than ${GOAL_MIB} MiB, or the file is wrong.`);
  }
  process.exitCode = flat ? 0 : 1;
} finally {
  await shim.close();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
}
