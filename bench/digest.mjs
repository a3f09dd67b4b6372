// 3. Digest: requests per authorized call (goal 1.0: one challenge, then every request
// signed preemptively with the warm nonce), sequentially and 64 in flight on a warm
// client; and on a cold client, how many 401 challenges 100 concurrent first calls cost
// (one when concurrent first requests wait for a single challenge, 100 when each pays its own).
// Calls are download POSTs with the route flag 'flex', so no cluster-kind look-up mixes in.
import diagnostics from 'node:diagnostics_channel';
import { createSnapshotShim, FLEX_MEDIA_TYPE } from '../dist/index.js';
import { createRawDigestClient } from './raw-digest.mjs';
import { countRequests } from './request-counts.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';
import { formatTable, round, row, verdict } from './stats.mjs';

const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);

async function inFlight(total, concurrency, call) {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started += 1;
        await call();
      }
    }),
  );
}

/** @param {{ calls?: number, concurrency?: number, cold?: number }} options */
export async function run(options = {}) {
  const { calls = 500, concurrency = 64, cold = 100 } = options;
  const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0 });
  const clusterName = sim.clusters.flex;
  const target = { groupId: sim.groupId, clusterName, snapshotId: sim.snapshotIds(clusterName)[0] };
  const newShim = () => createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, route: 'flex', now: () => FIXED_NOW });
  const perCall = (counts, n) => round(counts.total / n, 3);
  // Connection reuse: undici reports every new socket here; a warm keep-alive pool opens none.
  let connections = 0;
  const onConnected = () => (connections += 1);
  diagnostics.subscribe('undici:client:connected', onConnected);
  try {
    const warm = newShim();
    await warm.downloadSnapshot(target);
    await sim.clearRequests();
    connections = 0;
    for (let i = 0; i < calls; i += 1) await warm.downloadSnapshot(target);
    const sequential = { ...countRequests(await sim.requests()), connectionsOpened: connections };
    await sim.clearRequests();
    connections = 0;
    await inFlight(calls, concurrency, () => warm.downloadSnapshot(target));
    const concurrent = { ...countRequests(await sim.requests()), connectionsOpened: connections };
    await warm.close();

    // The same burst through the hand-written baseline (its own Agent, same defaults): how many sockets undici's pool opens by itself.
    const raw = createRawDigestClient({ origin: sim.url, publicKey: sim.apiKey.publicKey, privateKey: sim.apiKey.privateKey });
    const path = `/api/atlas/v2/groups/${sim.groupId}/flexClusters/${clusterName}/backup/download`;
    await raw.post(path, FLEX_MEDIA_TYPE, { snapshotId: target.snapshotId });
    connections = 0;
    await inFlight(calls, concurrency, () => raw.post(path, FLEX_MEDIA_TYPE, { snapshotId: target.snapshotId }));
    const rawConnections = connections;
    await raw.close();

    await sim.clearRequests();
    const coldShim = newShim();
    await Promise.all(Array.from({ length: cold }, () => coldShim.downloadSnapshot(target)));
    const coldCounts = countRequests(await sim.requests());
    await coldShim.close();

    const data = {
      calls,
      concurrency,
      warmSequential: { ...sequential, requestsPerCall: perCall(sequential, calls) },
      warmConcurrent: { ...concurrent, requestsPerCall: perCall(concurrent, calls), rawBaselineConnectionsOpened: rawConnections },
      coldConcurrent: { calls: cold, ...coldCounts, requestsPerCall: perCall(coldCounts, cold) },
    };
    const rows = [
      row('3 digest', `requests per call, warm, ${calls} sequential`, data.warmSequential.requestsPerCall, '1.0', '', '1.0', verdict(data.warmSequential.requestsPerCall === 1)),
      row('3 digest', `requests per call, warm, ${concurrency} in flight`, data.warmConcurrent.requestsPerCall, '1.0', '', '1.0', verdict(data.warmConcurrent.requestsPerCall === 1)),
      row('3 digest', `connections opened: ${calls} warm sequential; ${concurrency} in flight`, `${sequential.connectionsOpened}; ${concurrent.connectionsOpened}`, `0; raw ${rawConnections}`, '', 'reuse', verdict(sequential.connectionsOpened === 0)),
      row('3 digest', `401 challenges, ${cold} concurrent cold calls`, coldCounts.challenges, '1', '', '1', verdict(coldCounts.challenges === 1)),
      row('3 digest', `requests per call, ${cold} concurrent cold calls`, data.coldConcurrent.requestsPerCall, `${round((cold + 1) / cold, 3)}`, '', ''),
    ];
    return { rows, data };
  } finally {
    diagnostics.unsubscribe('undici:client:connected', onConnected);
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, data } = await run();
  console.log(formatTable(rows));
  console.log(JSON.stringify(data, null, 2));
}
