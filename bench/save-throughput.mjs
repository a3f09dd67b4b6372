// 4. Saving a snapshot: `shim.saveSnapshot` against a raw `stream.pipeline` from an undici
// body into `fs.createWriteStream`, against the same raw pipeline made durable (fsync before
// the file counts as saved), against one that also does the rest of what the shim promises
// (SHA-256 of every byte), and against `curl -o` when curl is installed. Same URL (the simulator's snapshotUrl on 127.0.0.1),
// same directory, files deleted after every run, variants alternated round by round, median.
// The simulator runs in its own process, so generating the bytes never takes this process's
// CPU; client CPU time per variant is reported as well, since it is less disturbed by the
// other processes on a shared machine than wall time.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';
import { createSnapshotShim } from '../dist/index.js';
import { completedFlexJob, startSimulatorProcess } from './simulator-process.mjs';
import { formatTable, median, now, ratio, round, row, verdict } from './stats.mjs';

const MiB = 1024 * 1024;
const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);

/** Whether `curl` is on PATH (its variant is left out otherwise). */
export function curlPresent() {
  return spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).status === 0;
}

/** `curl -o file url`, for the simulator on 127.0.0.1 only (save-parallel.mjs uses it too). */
export function curl(url, file) {
  // Only ever the simulator on 127.0.0.1; no retries, no redirects, nothing but the body to the file.
  if (new URL(url).hostname !== '127.0.0.1') throw new Error('curl is only pointed at 127.0.0.1');
  return new Promise((resolve, reject) => {
    spawn('curl', ['--silent', '--show-error', '--fail', '--output', file, url], { stdio: ['ignore', 'ignore', 'inherit'] })
      .once('error', reject)
      .once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited with ${code}`))));
  });
}

async function fsync(file) {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The raw baselines: one keep-alive Agent, GET, pipeline into a file; optionally hashing and fsyncing as the shim does. */
function rawSaver(agent, url) {
  const get = () => agent.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET' });
  return {
    async plain(file) {
      const { body } = await get();
      await pipeline(body, createWriteStream(file));
    },
    async synced(file) {
      const { body } = await get();
      await pipeline(body, createWriteStream(file));
      await fsync(file);
    },
    async hashedSynced(file) {
      const { body } = await get();
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      await pipeline(body, tap, createWriteStream(file));
      await fsync(file);
      return hash.digest('hex');
    },
  };
}

/** @param {{ sizeMiB?: number, rounds?: number }} options */
export async function run(options = {}) {
  const { sizeMiB = 1024, rounds = 5 } = options;
  const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0, snapshotSizeBytes: sizeMiB * MiB });
  const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
  const agent = new Agent();
  const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-bench-'));
  try {
    const { job, expected } = await completedFlexJob(sim, shim);
    const raw = rawSaver(agent, new URL(job.snapshotUrl));
    const variants = {
      shim: async (file) => {
        const saved = await shim.saveSnapshot(job, file);
        if (saved.sha256 !== expected) throw new Error('saveSnapshot wrote other bytes than the simulator served');
      },
      raw: (file) => raw.plain(file),
      'raw+fsync': (file) => raw.synced(file),
      'raw+sha256+fsync': async (file) => {
        if ((await raw.hashedSynced(file)) !== expected) throw new Error('the raw baseline received other bytes');
      },
      ...(curlPresent() ? { curl: (file) => curl(job.snapshotUrl, file) } : {}),
    };
    const names = Object.keys(variants);
    const wall = Object.fromEntries(names.map((name) => [name, []]));
    const cpu = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = 0; i < rounds; i += 1) {
      for (const name of i % 2 === 0 ? names : [...names].reverse()) {
        const file = join(dir, `${name}.tar.gz`);
        const cpu0 = process.cpuUsage();
        const t0 = now();
        await variants[name](file);
        wall[name].push(round(now() - t0, 0));
        const used = process.cpuUsage(cpu0);
        cpu[name].push(round((used.user + used.system) / 1000, 0));
        // The next variant starts from the same free space and the same amount of dirty page cache.
        await rm(file, { force: true });
      }
    }
    const mibps = (name) => round(sizeMiB / (median(wall[name]) / 1000), 0);
    const speed = Object.fromEntries(names.map((name) => [name, mibps(name)]));
    const cpuMs = Object.fromEntries(names.map((name) => [name, median(cpu[name])]));
    const data = {
      sizeMiB,
      rounds,
      note: 'wall time per save, median of alternated rounds; shim = saveSnapshot to a path (temp file, SHA-256, fsync, rename, directory fsync); curl CPU is its own process and not counted',
      medianMs: Object.fromEntries(names.map((name) => [name, median(wall[name])])),
      MiBps: speed,
      clientCpuMs: Object.fromEntries(names.filter((n) => n !== 'curl').map((n) => [n, cpuMs[n]])),
      samplesMs: wall,
      speedRatio: {
        vsRaw: ratio(speed.shim, speed.raw),
        vsRawFsync: ratio(speed.shim, speed['raw+fsync']),
        vsRawSha256Fsync: ratio(speed.shim, speed['raw+sha256+fsync']),
        ...(speed.curl !== undefined ? { vsCurl: ratio(speed.shim, speed.curl) } : {}),
      },
    };
    const rows = [
      row('4 save', `${sizeMiB} MiB save vs raw pipeline (MiB/s)`, speed.shim, speed.raw, data.speedRatio.vsRaw, '≥ 0.95', verdict(data.speedRatio.vsRaw >= 0.95)),
      row('4 save', `${sizeMiB} MiB save vs raw+fsync (MiB/s)`, speed.shim, speed['raw+fsync'], data.speedRatio.vsRawFsync, '≥ 0.95', verdict(data.speedRatio.vsRawFsync >= 0.95)),
      row('4 save', `${sizeMiB} MiB save vs raw+sha256+fsync (MiB/s)`, speed.shim, speed['raw+sha256+fsync'], data.speedRatio.vsRawSha256Fsync, '≥ 0.95', verdict(data.speedRatio.vsRawSha256Fsync >= 0.95)),
      ...(speed.curl !== undefined ? [row('4 save', `${sizeMiB} MiB save vs curl -o (MiB/s)`, speed.shim, speed.curl, data.speedRatio.vsCurl)] : []),
      row('4 save', `${sizeMiB} MiB save, client CPU vs raw (ms)`, cpuMs.shim, cpuMs.raw, ratio(cpuMs.shim, cpuMs.raw)),
    ];
    return { rows, data };
  } finally {
    await shim.close();
    await agent.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizeMiB = Number(process.argv[2] ?? 1024);
  const { rows, data } = await run({ sizeMiB });
  console.log(formatTable(rows));
  console.log(JSON.stringify(data, null, 2));
}
