// 5. Cold start: how long importing the package takes (ESM dist/index.js and CJS
// dist/index.cjs) against importing undici alone, each in a fresh Node process, alternated
// over several runs, median; and the size of each built entry point, alone and with the
// chunks it loads, raw and gzipped.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { formatTable, median, ratio, round, row } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

// Each probe prints the milliseconds its import or require took, timed inside the fresh process.
const PROBES = {
  'esm:undici': ['--input-type=module', '-e', 'const t = performance.now(); await import("undici"); console.log(performance.now() - t);'],
  'esm:shim': ['--input-type=module', '-e', 'const t = performance.now(); await import("./dist/index.js"); console.log(performance.now() - t);'],
  'cjs:undici': ['-e', 'const t = performance.now(); require("undici"); console.log(performance.now() - t);'],
  'cjs:shim': ['-e', 'const t = performance.now(); require("./dist/index.cjs"); console.log(performance.now() - t);'],
};

function probe(name) {
  return Number(execFileSync(process.execPath, PROBES[name], { cwd: ROOT, encoding: 'utf8' }).trim());
}

/** The entry file plus every chunk it imports or requires, transitively (relative specifiers only). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:from\s*|import\s*\(?\s*|require\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) closure(join(dirname(file), spec), seen);
  return seen;
}

function entryPoints() {
  const files = [];
  for (const dir of [DIST, join(DIST, 'adapters')]) {
    for (const name of readdirSync(dir)) {
      if (/^chunk-/.test(name) || !/\.(c?js)$/.test(name)) continue;
      files.push(join(dir, name));
    }
  }
  return files.sort();
}

function sizes(file) {
  const all = [...closure(file)];
  const bytes = (list) => list.reduce((sum, f) => sum + statSync(f).size, 0);
  const gzip = (list) => list.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  return { entry: relative(ROOT, file), bytes: bytes([file]), gzip: gzip([file]), withChunks: bytes(all), withChunksGzip: gzip(all), chunks: all.length - 1 };
}

/** @param {{ runs?: number }} options */
export async function run(options = {}) {
  const { runs = 15 } = options;
  const times = Object.fromEntries(Object.keys(PROBES).map((name) => [name, []]));
  const names = Object.keys(PROBES);
  for (let i = -1; i < runs; i += 1) {
    for (const name of i % 2 === 0 ? names : [...names].reverse()) {
      const ms = probe(name);
      if (i >= 0) times[name].push(round(ms, 2));
    }
  }
  const med = Object.fromEntries(names.map((name) => [name, round(median(times[name]), 1)]));
  const entries = entryPoints().map(sizes);
  const kib = (n) => round(n / 1024, 1);
  const data = {
    runs,
    importMs: { esm: { shim: med['esm:shim'], undici: med['esm:undici'], ratio: ratio(med['esm:shim'], med['esm:undici']) }, cjs: { shim: med['cjs:shim'], undici: med['cjs:undici'], ratio: ratio(med['cjs:shim'], med['cjs:undici']) } },
    samples: times,
    entries,
  };
  const rows = [
    row('5 cold start', 'import dist/index.js, ESM (ms, median)', med['esm:shim'], `undici ${med['esm:undici']}`, data.importMs.esm.ratio),
    row('5 cold start', 'require dist/index.cjs, CJS (ms, median)', med['cjs:shim'], `undici ${med['cjs:undici']}`, data.importMs.cjs.ratio),
    ...entries
      .filter((e) => !e.entry.endsWith('cli.cjs'))
      .map((e) => row('5 size', `${e.entry} (KiB; gzip)`, `${kib(e.bytes)}; ${kib(e.gzip)}`, `with ${e.chunks} chunks ${kib(e.withChunks)}; ${kib(e.withChunksGzip)}`)),
  ];
  return { rows, data };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, data } = await run();
  console.log(formatTable(rows));
  console.log(JSON.stringify(data.importMs, null, 2));
}
