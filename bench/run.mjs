// `npm run bench`: runs every measurement of issue 6 against the local Atlas simulator on
// 127.0.0.1, prints one table, and writes it with every figure to bench/results.json.
// Never part of `npm test`. Every figure is a ratio against a baseline measured in the same
// run, alternated with it, after warm-ups: the machines are shared and noisy.
//
//   node bench/run.mjs                         everything, as the issue asks (writes results.json)
//   node bench/run.mjs --only save --sizes 256 a quick look (writes results-partial.json)
//
// Flags (or environment variables):
//   --only facade,cluster-kind,digest,save,memory,cold-start,parallel   (BENCH_ONLY)   parts to run
//   --sizes 256,1024,2048   (BENCH_SIZES)      file sizes in MiB for the RSS check, each in a fresh process
//                                              (the saves use the default options: 4 connections)
//   --save-size 1024        (BENCH_SAVE_SIZE)  file size in MiB for the save throughput comparison
//   --rounds 5              (BENCH_ROUNDS)     alternated rounds of the save comparison
//   --parallel-size 512     (BENCH_PARALLEL_SIZE)    file size in MiB for the parallel ranged save
//                                                    (save-parallel.mjs: a host capped at 32 MiB/s per
//                                                    connection, then an uncapped one)
//   --parallel-rounds 3     (BENCH_PARALLEL_ROUNDS)  alternated rounds of each parallel scenario (a capped
//                                                    curl round alone takes size / 32 MiB/s: 16 s at 512 MiB)
//   --node 24.22.3          (BENCH_NODE)       run everything on another Node.js: a version (its
//                                              binary installed as .ci/run installs it, from the npm
//                                              registry's node-<platform>-<arch> package, into
//                                              bench/.scratch/node/) or the path of a node binary;
//                                              writes results-node<major>.json unless --out is given
//   --out <file>                               where to write the JSON
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, row, verdict } from './stats.mjs';

/** The node binary a `--node` value names: a path as it is, a version installed on first use. */
function nodeBinary(spec) {
  if (spec.includes('/')) return spec;
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = fileURLToPath(new URL(`./.scratch/node/${spec}`, import.meta.url));
  const binary = `${prefix}/node_modules/${pkg}/bin/node`;
  if (!existsSync(binary)) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `${pkg}@${spec}`], { stdio: 'inherit' });
  }
  return binary;
}

// Another Node.js asked for: run this very script on it, its bin first on PATH so every child process uses it too.
const nodeAt = process.argv.indexOf('--node');
const nodeSpec = nodeAt >= 0 ? process.argv[nodeAt + 1] : process.env.BENCH_NODE;
if (nodeSpec !== undefined && process.version !== `v${nodeSpec}` && process.execPath !== nodeSpec) {
  const binary = nodeBinary(nodeSpec);
  const args = process.argv.slice(2).filter((_, i, all) => all[i] !== '--node' && all[i - 1] !== '--node');
  const env = { ...process.env, BENCH_NODE: binary, PATH: `${dirname(binary)}${delimiter}${process.env.PATH}` };
  const { status } = spawnSync(binary, [fileURLToPath(import.meta.url), ...args], { stdio: 'inherit', env });
  process.exit(status ?? 1);
}

const PARTS = ['facade', 'cluster-kind', 'digest', 'save', 'memory', 'cold-start', 'parallel'];
const DEFAULTS = { sizes: [256, 1024, 2048], saveSize: 1024, rounds: 5, parallelSize: 512, parallelRounds: 3 };

function parseFlags(argv) {
  const flag = (name, env) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : process.env[env];
  };
  const list = (value) => value?.split(',').map((item) => item.trim()).filter(Boolean);
  const only = list(flag('only', 'BENCH_ONLY'));
  const unknown = only?.filter((part) => !PARTS.includes(part)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
  const sizes = list(flag('sizes', 'BENCH_SIZES'))?.map(Number);
  const saveSize = Number(flag('save-size', 'BENCH_SAVE_SIZE') ?? DEFAULTS.saveSize);
  const rounds = Number(flag('rounds', 'BENCH_ROUNDS') ?? DEFAULTS.rounds);
  const parallelSize = Number(flag('parallel-size', 'BENCH_PARALLEL_SIZE') ?? DEFAULTS.parallelSize);
  const parallelRounds = Number(flag('parallel-rounds', 'BENCH_PARALLEL_ROUNDS') ?? DEFAULTS.parallelRounds);
  const full =
    only === undefined &&
    sizes === undefined &&
    saveSize === DEFAULTS.saveSize &&
    rounds === DEFAULTS.rounds &&
    parallelSize === DEFAULTS.parallelSize &&
    parallelRounds === DEFAULTS.parallelRounds;
  const other = process.env.BENCH_NODE === undefined ? '' : `-node${process.versions.node.split('.')[0]}`;
  return {
    parts: only ?? PARTS,
    sizes: sizes ?? DEFAULTS.sizes,
    saveSize,
    rounds,
    parallelSize,
    parallelRounds,
    out: flag('out', 'BENCH_OUT') ?? fileURLToPath(new URL(full ? `./results${other}.json` : `./results${other}-partial.json`, import.meta.url)),
  };
}

/** Refuses to start a part whose files would not fit, leaving a margin for everyone else. */
async function requireFreeSpace(mib) {
  const fs = await statfs(tmpdir());
  const free = (fs.bavail * fs.bsize) / (1024 * 1024);
  if (free < mib + 2048) throw new Error(`${tmpdir()} has ${Math.round(free)} MiB free; this part needs ${mib} MiB plus a 2 GiB margin`);
}

/** One size of the RSS check, in a fresh process (save-memory.mjs), so no earlier part's memory counts. */
async function memory(sizes) {
  const rows = [];
  const data = [];
  for (const sizeMiB of sizes) {
    await requireFreeSpace(sizeMiB);
    let output;
    try {
      output = execFileSync(process.execPath, [fileURLToPath(new URL('./save-memory.mjs', import.meta.url)), String(sizeMiB), '--json'], { encoding: 'utf8' });
    } catch (error) {
      // Exit code 1 means the goal was missed; the JSON is still on stdout.
      output = error.stdout ?? '';
    }
    const result = JSON.parse(output.trim().split('\n').at(-1));
    data.push(result);
    const ok = result.sha256Matches && result.rssPeakGrowthMiB <= 64;
    rows.push(row('4 memory', `peak RSS growth, ${sizeMiB} MiB file, fresh process (MiB)`, result.rssPeakGrowthMiB, '', '', '≤ 64', verdict(ok)));
  }
  return { rows, data };
}

const options = parseFlags(process.argv.slice(2));
const started = new Date();
const load = [loadavg()];
const results = {};
const rows = [];
const run = async (part, measure) => {
  if (!options.parts.includes(part)) return;
  process.stderr.write(`bench: ${part}…\n`);
  const t0 = performance.now();
  const { rows: partRows, data } = await measure();
  results[part] = { ...data, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  rows.push(...partRows);
};

await run('facade', async () => (await import('./facade-overhead.mjs')).run());
await run('cluster-kind', async () => (await import('./cluster-kind.mjs')).run());
await run('digest', async () => (await import('./digest.mjs')).run());
await run('save', async () => {
  await requireFreeSpace(options.saveSize);
  return (await import('./save-throughput.mjs')).run({ sizeMiB: options.saveSize, rounds: options.rounds });
});
await run('memory', () => memory(options.sizes));
await run('cold-start', async () => (await import('./cold-start.mjs')).run());
await run('parallel', async () => {
  await requireFreeSpace(options.parallelSize);
  return (await import('./save-parallel.mjs')).run({ sizeMiB: options.parallelSize, rounds: options.parallelRounds });
});
load.push(loadavg());

const table = formatTable(rows);
const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const report = {
  command,
  date: started.toISOString(),
  node: process.version,
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    // The load average before and after: other processes shared these cores during the run.
    loadAverage: { start: load[0].map((n) => Math.round(n * 100) / 100), end: load[1].map((n) => Math.round(n * 100) / 100) },
  },
  options: {
    parts: options.parts,
    memorySizesMiB: options.sizes,
    saveSizeMiB: options.saveSize,
    saveRounds: options.rounds,
    parallelSizeMiB: options.parallelSize,
    parallelRounds: options.parallelRounds,
  },
  table: rows,
  results,
};
await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(table);
console.log(`\n${report.node}, ${report.machine.cores} cores, load ${report.machine.loadAverage.start.join('/')} → ${report.machine.loadAverage.end.join('/')}, ${report.date}. Written to ${options.out}.`);
