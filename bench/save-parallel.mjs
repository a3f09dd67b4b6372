// 6. Parallel ranged save: `shim.saveSnapshot` over several connections (ranged GETs written
// at their offsets) against `curl -o` (one connection) and against the shim's own single
// stream (`connections: 1`, the save before issue 14), in two scenarios, each with its own
// simulator process and one URL for every variant:
//   capped    the snapshot host delivers at most 32 MiB/s per connection, as object stores
//             throttle a single connection: goal, 4 connections ≥ 3× curl;
//   uncapped  nothing limits a connection (loopback, the simulator in its own process): the
//             default options (4 connections) against curl (aim ≥ 0.8) and against one
//             connection (≥ 1.0: never worse than today), with the client CPU of each.
// As in save-throughput.mjs: same directory, files deleted after every save, variants
// alternated round by round, medians; curl's CPU is its own process and not counted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSnapshotShim } from '../dist/index.js';
import { curl, curlPresent } from './save-throughput.mjs';
import { completedFlexJob, startSimulatorProcess } from './simulator-process.mjs';
import { formatTable, median, now, ratio, round, row, verdict } from './stats.mjs';

const MiB = 1024 * 1024;
const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);
/** The capped scenario's throughput per connection of the snapshot host. */
const CAP_MIB_PER_SECOND = 32;
const PART = '6 parallel';

/**
 * Saves the same snapshot with every variant, `rounds` times in alternated order, against one
 * simulator process started with `simulatorOptions`.
 *
 * @param {Record<string, (shim: any, job: any, file: string) => Promise<{ sha256: string } | void>>} variants
 * @returns {Promise<{ wall: Record<string, number[]>, cpu: Record<string, number[]> }>} milliseconds per save
 */
async function measure(simulatorOptions, variants, rounds) {
  const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0, ...simulatorOptions });
  const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
  const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-bench-'));
  try {
    const { job, expected } = await completedFlexJob(sim, shim);
    const names = Object.keys(variants);
    const wall = Object.fromEntries(names.map((name) => [name, []]));
    const cpu = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = 0; i < rounds; i += 1) {
      for (const name of i % 2 === 0 ? names : [...names].reverse()) {
        const file = join(dir, 'snapshot.tar.gz');
        const cpu0 = process.cpuUsage();
        const t0 = now();
        const saved = await variants[name](shim, job, file);
        wall[name].push(round(now() - t0, 0));
        const used = process.cpuUsage(cpu0);
        cpu[name].push(round((used.user + used.system) / 1000, 0));
        if (saved !== undefined && saved.sha256 !== expected) throw new Error(`${name}: saveSnapshot wrote other bytes than the simulator served`);
        // The next variant starts from the same free space and the same amount of dirty page cache.
        await rm(file, { force: true });
      }
    }
    return { wall, cpu };
  } finally {
    await shim.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Medians of a scenario: MiB/s and client CPU ms per variant (curl's CPU is not this process's). */
function summary(sizeMiB, { wall, cpu }) {
  const names = Object.keys(wall);
  return {
    medianMs: Object.fromEntries(names.map((name) => [name, median(wall[name])])),
    MiBps: Object.fromEntries(names.map((name) => [name, round(sizeMiB / (median(wall[name]) / 1000), 0)])),
    clientCpuMs: Object.fromEntries(names.filter((name) => name !== 'curl').map((name) => [name, median(cpu[name])])),
    samplesMs: wall,
  };
}

/** @param {{ sizeMiB?: number, rounds?: number }} options */
export async function run(options = {}) {
  const { sizeMiB = 512, rounds = 3 } = options;
  const withCurl = curlPresent();
  const curlVariant = withCurl ? { curl: (_shim, job, file) => curl(job.snapshotUrl, file) } : {};
  const snapshotSizeBytes = sizeMiB * MiB;

  const capped = summary(
    sizeMiB,
    await measure(
      { snapshotSizeBytes, snapshotBytesPerSecondPerConnection: CAP_MIB_PER_SECOND * MiB },
      {
        'shim, connections: 4': (shim, job, file) => shim.saveSnapshot(job, file, { connections: 4 }),
        'shim, connections: 1': (shim, job, file) => shim.saveSnapshot(job, file, { connections: 1 }),
        ...curlVariant,
      },
      rounds,
    ),
  );
  const uncapped = summary(
    sizeMiB,
    await measure(
      { snapshotSizeBytes },
      {
        'shim, default options': (shim, job, file) => shim.saveSnapshot(job, file),
        'shim, connections: 1': (shim, job, file) => shim.saveSnapshot(job, file, { connections: 1 }),
        ...curlVariant,
      },
      rounds,
    ),
  );

  const c = capped.MiBps;
  const u = uncapped.MiBps;
  const cpu = uncapped.clientCpuMs;
  const speedRatio = {
    capped: withCurl ? { fourVsCurl: ratio(c['shim, connections: 4'], c.curl), oneVsCurl: ratio(c['shim, connections: 1'], c.curl) } : {},
    uncapped: {
      ...(withCurl ? { defaultVsCurl: ratio(u['shim, default options'], u.curl) } : {}),
      defaultVsOne: ratio(u['shim, default options'], u['shim, connections: 1']),
    },
  };
  const data = {
    sizeMiB,
    rounds,
    capMiBpsPerConnection: CAP_MIB_PER_SECOND,
    note:
      'wall time per save, median of alternated rounds; shim = saveSnapshot to a path (temp file, SHA-256, fsync, rename, directory fsync); ' +
      'default options = 4 connections; curl -o = one connection, its CPU is its own process and not counted',
    capped,
    uncapped,
    speedRatio,
  };
  const capLabel = `${sizeMiB} MiB save, ${CAP_MIB_PER_SECOND} MiB/s per connection`;
  const openLabel = `${sizeMiB} MiB save, uncapped`;
  const rows = [
    ...(withCurl
      ? [
          row(PART, `${capLabel}: 4 connections vs curl -o (MiB/s)`, c['shim, connections: 4'], c.curl, speedRatio.capped.fourVsCurl, '≥ 3', verdict(speedRatio.capped.fourVsCurl >= 3)),
          row(PART, `${capLabel}: 1 connection vs curl -o (MiB/s)`, c['shim, connections: 1'], c.curl, speedRatio.capped.oneVsCurl),
          row(PART, `${openLabel}: 4 connections (default) vs curl -o (MiB/s)`, u['shim, default options'], u.curl, speedRatio.uncapped.defaultVsCurl, 'aim ≥ 0.8', verdict(speedRatio.uncapped.defaultVsCurl >= 0.8)),
        ]
      : []),
    row(PART, `${openLabel}: 4 connections (default) vs 1 (MiB/s)`, u['shim, default options'], u['shim, connections: 1'], speedRatio.uncapped.defaultVsOne, '≥ 1.0', verdict(speedRatio.uncapped.defaultVsOne >= 1)),
    row(PART, `${openLabel}: client CPU, 4 connections vs 1 (ms)`, cpu['shim, default options'], cpu['shim, connections: 1'], ratio(cpu['shim, default options'], cpu['shim, connections: 1'])),
  ];
  return { rows, data };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizeMiB = Number(process.argv[2] ?? 512);
  const rounds = Number(process.argv[3] ?? 3);
  const { rows, data } = await run({ sizeMiB, rounds });
  console.log(formatTable(rows));
  console.log(JSON.stringify(data, null, 2));
}
