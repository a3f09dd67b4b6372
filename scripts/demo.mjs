// The main job on the embedded Atlas simulator: one snapshot download per cluster kind,
// before and after the tenant endpoint's sunset, through the facade. Run: npm run demo
import { createSnapshotShim, ShimError } from '../dist/index.js';
import { startAtlasSimulator } from '../dist/simulator.js';

const SUNSET = new Date('2026-01-22T00:00:00Z');
const BEFORE = new Date('2026-01-15T09:00:00Z');
const AFTER = new Date('2026-03-01T09:00:00Z');

let clock = BEFORE;
const sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 800 });
const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, sunsetDate: SUNSET, now: () => clock });

const scenarios = [
  { title: 'shared M2 before the sunset', cluster: sim.clusters.shared, at: BEFORE },
  { title: 'shared M2 after the sunset', cluster: sim.clusters.shared, at: AFTER },
  { title: 'migrated Flex (created as M2/M5) before the sunset', cluster: sim.clusters.flexLegacy, at: BEFORE },
  { title: 'native Flex', cluster: sim.clusters.flex, at: BEFORE },
  { title: 'dedicated M10 (refused: not a snapshot-download cluster)', cluster: sim.clusters.dedicated, at: BEFORE },
];

let failures = 0;
try {
  console.log(`Local Atlas simulator at ${sim.url}, project ${sim.groupId}\n`);
  for (const { title, cluster, at } of scenarios) {
    clock = at;
    sim.setNow(at);
    console.log(`▶ ${title}  [${cluster}, ${at.toISOString().slice(0, 10)}]`);
    try {
      const [snapshotId] = sim.snapshotIds(cluster);
      const download = await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: cluster, snapshotId });
      const { decision } = download;
      console.log(`  route    ${decision.route} → ${decision.endpoint.operationId} (${decision.endpoint.mediaType})`);
      console.log(`  kind     ${decision.clusterKind} (told by ${decision.clusterKindSource})`);
      console.log(`  why      ${decision.reason}`);
      const job = await shim.waitForDownload(download, { pollIntervalMs: 150, onStatus: (j) => console.log(`  status   ${j.status}`) });
      console.log(`  ready    ${new URL(job.snapshotUrl).pathname.split('/').pop()} until ${job.expirationDate?.toISOString()}\n`);
    } catch (error) {
      if (!(error instanceof ShimError) || !title.includes('refused')) {
        failures += 1;
        console.log(`  FAILED   ${error instanceof Error ? error.message : String(error)}\n`);
      } else {
        console.log(`  refused  ${error.name}: ${error.message}\n`);
      }
    }
  }
} finally {
  await shim.close();
  await sim.stop();
}
console.log(failures === 0 ? 'All downloads requested and completed.' : `${failures} scenario(s) failed.`);
process.exitCode = failures === 0 ? 0 : 1;
