// A driver for profiling the facade path: `node --cpu-prof --cpu-prof-dir=<dir>
// bench/profile-facade.mjs [calls] [inFlight] [shim|raw]` sends warm downloadSnapshot calls
// (or the raw baseline's) against the simulator in its own process, so the profile holds
// the client's work only. Not part of `npm run bench`.
import { createSnapshotShim, FLEX_MEDIA_TYPE } from '../dist/index.js';
import { throughput } from './facade-overhead.mjs';
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
  const { perSecond, cpuMicrosPerCall } = await throughput(call, calls, inFlight);
  console.log(`${variant}: ${Math.round(perSecond)} calls/s, ${cpuMicrosPerCall.toFixed(1)} µs CPU per call`);
} finally {
  await shim.close();
  await raw.close();
  await sim.stop();
}
