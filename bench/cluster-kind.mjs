// 2. Cluster-kind resolution: how many requests reach Atlas for N downloads on one
// cluster (goal: at most N + 1, one look-up then one POST per download), and how many
// look-ups 100 concurrent cold calls on one cluster make (goal: 1). Counted from the
// simulator's request log, for each cluster kind the route policy tells apart.
import { createSnapshotShim } from '../dist/index.js';
import { countRequests } from './request-counts.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';
import { formatTable, row, verdict } from './stats.mjs';

const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);

async function freshShim(sim) {
  await sim.clearRequests();
  return createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
}

/** @param {{ downloads?: number, concurrent?: number }} options */
export async function run(options = {}) {
  const { downloads = 50, concurrent = 100 } = options;
  const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0 });
  const rows = [];
  const data = { downloads, concurrent, sequential: {}, concurrentCold: {} };
  try {
    // The kinds whose downloads Atlas serves: M2 (tenant before the sunset), a migrated Flex, a native Flex.
    for (const role of ['shared', 'flexLegacy', 'flex']) {
      const clusterName = sim.clusters[role];
      const snapshotId = sim.snapshotIds(clusterName)[0];
      const target = { groupId: sim.groupId, clusterName, snapshotId };

      let shim = await freshShim(sim);
      for (let i = 0; i < downloads; i += 1) await shim.downloadSnapshot(target);
      await shim.close();
      const sequential = countRequests(await sim.requests());
      data.sequential[role] = { clusterName, ...sequential };
      rows.push(
        row('2 cluster kind', `${downloads} sequential downloads, ${clusterName}: requests (401s)`, `${sequential.authorized} (+${sequential.challenges})`, `N + 1 = ${downloads + 1}`, '', `≤ ${downloads + 1}`, verdict(sequential.authorized <= downloads + 1)),
      );

      shim = await freshShim(sim);
      await Promise.all(Array.from({ length: concurrent }, () => shim.downloadSnapshot(target)));
      await shim.close();
      const cold = countRequests(await sim.requests());
      data.concurrentCold[role] = { clusterName, ...cold };
      rows.push(
        row('2 cluster kind', `${concurrent} concurrent cold calls, ${clusterName}: look-ups`, cold.lookups, '1', '', '1', verdict(cold.lookups === 1)),
      );
    }
    return { rows, data };
  } finally {
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, data } = await run();
  console.log(formatTable(rows));
  console.log(JSON.stringify(data, null, 2));
}
