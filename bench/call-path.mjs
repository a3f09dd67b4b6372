// `node bench/call-path.mjs`: which source files and functions one warm `downloadSnapshot`
// runs, from the facade to the socket. Not a benchmark of speed: a measurement of how much
// code a reader has to follow for the library's main call.
//
// Every file of src/ and adapters/ is transpiled on its own (TypeScript's transpileModule,
// no bundling), so each function keeps the file it was written in. A warm call (connection
// open, digest nonce known, cluster kind cached) runs under V8's precise coverage with call
// counts; the functions that ran during it, and their files, are what is reported. The
// simulator runs in a child process, so none of its code is counted.
//
//   node bench/call-path.mjs            a table of files, with the functions that ran in each
//   node bench/call-path.mjs --json     the same as one JSON object
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { startSimulatorProcess } from './simulator-process.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', '.scratch', 'call-path');

async function sourceFiles(dir) {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

async function transpile() {
  await rm(OUT, { recursive: true, force: true });
  for (const file of [...(await sourceFiles('src')), ...(await sourceFiles('adapters'))]) {
    const source = await readFile(join(ROOT, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const target = join(OUT, file.replace(/\.ts$/, '.js'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  // Bare imports (undici, zod…) resolve from the project's node_modules.
  await writeFile(join(OUT, 'package.json'), '{ "type": "module" }\n');
  await rm(join(OUT, 'node_modules'), { force: true });
  await import('node:fs/promises').then(({ symlink }) => symlink(join(ROOT, 'node_modules'), join(OUT, 'node_modules')));
}

await transpile();
const { createSnapshotShim } = await import(pathToFileURL(join(OUT, 'src', 'index.js')).href);
const sim = await startSimulatorProcess({ now: '2026-01-10T12:00:00Z', jobDurationMs: 0 });
const fixedNow = new Date('2026-01-10T12:00:00Z');
const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => fixedNow });
const input = { groupId: sim.groupId, clusterName: sim.clusters.flex, snapshotId: sim.snapshotIds(sim.clusters.flex)[0] };

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
// Warm: the first calls load modules, fetch the digest challenge and cache the cluster kind.
for (let i = 0; i < 3; i += 1) await shim.downloadSnapshot(input);
await session.post('Profiler.takePreciseCoverage');
await shim.downloadSnapshot(input);
const { result } = await session.post('Profiler.takePreciseCoverage');
await session.post('Profiler.stopPreciseCoverage');
session.disconnect();
await shim.close();
await sim.stop();

const prefix = pathToFileURL(OUT).href;
const files = [];
let calls = 0;
for (const script of result) {
  if (!script.url.startsWith(prefix)) continue;
  const ran = script.functions.filter((fn) => fn.ranges[0].count > 0 && fn.functionName !== '');
  calls += script.functions.reduce((sum, fn) => sum + fn.ranges[0].count, 0);
  if (ran.length === 0) continue;
  files.push({ file: script.url.slice(prefix.length + 1).replace(/\.js$/, '.ts'), functions: [...new Set(ran.map((fn) => fn.functionName))] });
}
files.sort((a, b) => a.file.localeCompare(b.file));
const functions = files.reduce((sum, entry) => sum + entry.functions.length, 0);
const folders = new Set(files.map((entry) => dirname(entry.file)));
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files: files.length, folders: folders.size, functions, detail: files }, null, 2));
} else {
  for (const entry of files) console.log(`${entry.file.padEnd(52)} ${entry.functions.join(', ')}`);
  console.log(`\n${files.length} files in ${folders.size} folders, ${functions} named functions ran in one warm downloadSnapshot (${calls} calls of the library's functions).`);
}
