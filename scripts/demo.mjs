// The main job, end to end on the embedded Atlas simulator: for each cluster kind, the
// atlas-snapshot CLI requests a download, waits for the job and saves the snapshot under
// ./snapshots/, then this script checks each file's SHA-256 against what the simulator
// served. Run: npm run demo
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAtlasSimulator } from '../dist/simulator.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const outDir = join(root, 'snapshots');

const BEFORE = '2026-01-15T09:00:00Z';
const AFTER = '2026-03-01T09:00:00Z';

let clock = new Date(BEFORE);
const sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 1200, snapshotSizeBytes: 8 * 1024 * 1024 });
const env = {
  ...process.env,
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_PUBLIC_API_KEY: sim.apiKey.publicKey,
  MONGODB_ATLAS_PRIVATE_API_KEY: sim.apiKey.privateKey,
};

const scenarios = [
  { title: 'shared M2, before the sunset', cluster: sim.clusters.shared, at: BEFORE, file: 'shared-m2-before-sunset.tar.gz' },
  { title: 'the same shared M2, after the sunset', cluster: sim.clusters.shared, at: AFTER, file: 'shared-m2-after-sunset.tar.gz' },
  { title: 'Flex migrated from M2/M5, tenant flag (the tenant endpoint still serves it)', cluster: sim.clusters.flexLegacy, at: BEFORE, route: 'tenant', file: 'migrated-flex.tar.gz' },
  { title: 'native Flex, tenant flag (refused by the tenant endpoint, falls back to Flex)', cluster: sim.clusters.flex, at: BEFORE, route: 'tenant', file: 'native-flex.tar.gz' },
  { title: 'dedicated M10 (not served by either endpoint: refused)', cluster: sim.clusters.dedicated, at: BEFORE, file: 'dedicated.tar.gz', refused: true },
];

function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

let failures = 0;
try {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  console.log(`Local Atlas simulator at ${sim.url}, project ${sim.groupId}`);
  for (const { title, cluster, at, route, file, refused } of scenarios) {
    clock = new Date(at);
    sim.setNow(clock);
    const snapshotId = sim.snapshotIds(cluster)[0];
    const out = join(outDir, file);
    console.log(`\n▶ ${title}\n  $ atlas-snapshot download --project ${sim.groupId} --cluster ${cluster} --snapshot ${snapshotId}${route ? ` --route ${route}` : ''} --out ${relative(root, out)}`);
    const args = ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', snapshotId, '--out', out, '--now', at, '--poll-interval', '200'];
    if (route) args.push('--route', route);
    const code = await runCli(args);
    if (refused) {
      const ok = code === 4;
      console.log(ok ? '  ✓ refused as expected (exit code 4)' : `  ✗ expected exit code 4, got ${code}`);
      if (!ok) failures += 1;
      continue;
    }
    if (code !== 0) {
      console.log(`  ✗ the CLI exited with ${code}`);
      failures += 1;
      continue;
    }
    const actual = await sha256(out);
    const expected = sim.snapshotSha256(snapshotId);
    console.log(actual === expected ? `  ✓ SHA-256 matches what the simulator served (${expected.slice(0, 16)}…)` : `  ✗ SHA-256 ${actual} differs from ${expected}`);
    if (actual !== expected) failures += 1;
  }
} finally {
  await sim.stop();
}
console.log(failures === 0 ? `\nAll snapshots saved under ${relative(process.cwd(), outDir) || '.'}/ and verified; simulator stopped.` : `\n${failures} scenario(s) failed.`);
process.exitCode = failures === 0 ? 0 : 1;
