// A driver for profiling the facade path: `node --cpu-prof --cpu-prof-dir=<dir>
// bench/profile-facade.mjs [calls] [inFlight] [shim|raw]` sends warm downloadSnapshot calls
// (or the raw baseline's) against the simulator in its own process, so the profile holds
// the client's work only. Not part of `npm run bench`.
import { createSnapshotShim, FLEX_MEDIA_TYPE } from '../dist/index.js';
import { createRawDigestClient } from './raw-digest.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const [calls = 20000, inFlight = 64] = process.argv.slice(2, 4).map(Number);
const variant = process.argv[4] ?? 'shim';
const FIXED_NOW = new Date('2026-01-10T12:00:00Z');
const sim = await startSimulatorProcess({ now: FIXED_NOW.toISOString(), jobDurationMs: 0 });
const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
const raw = createRawDigestClient({ origin: sim.url, publicKey: sim.apiKey.publicKey, privateKey: sim.apiKey.privateKey });
const clusterName = sim.clusters.flex;
const snapshotId = sim.snapshotIds(clusterName)[0];
const path = `/api/atlas/v2/groups/${sim.groupId}/flexClusters/${clusterName}/backup/download`;
const call =
  variant === 'raw'
    ? () => raw.post(path, FLEX_MEDIA_TYPE, { snapshotId })
    : () => shim.downloadSnapshot({ groupId: sim.groupId, clusterName, snapshotId });
try {
  let started = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (started < calls) {
      started += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${variant}: ${Math.round(calls / seconds)} calls/s, ${((cpu.user + cpu.system) / calls).toFixed(1)} µs CPU per call`);
} finally {
  await shim.close();
  await raw.close();
  await sim.stop();
}
