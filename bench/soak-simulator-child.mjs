// Child process entry of soak-simulators.mjs: runs one Atlas simulator per era (its Atlas
// clock starting before or after the sunset) on 127.0.0.1, each with seeded random faults, and
// answers the soak's questions over IPC: the jobs of a snapshot, the expired-URL faults served
// for a snapshot so far, the digest of a snapshot, and what the faults did overall. Kept out of
// the soak's process so the server's work never shares a thread with the client under test.
import { startAtlasSimulator } from '../dist/simulator.js';
import { serveRpc } from './ipc-rpc.mjs';

/** @type {{ anchorMs: number, eras: Record<string, { now: string, seed: number }>, simulator: object, faults: { rate: number, kinds?: string[] } }} */
const config = JSON.parse(process.argv[2] ?? '{}');

// Per era: the simulator, and counters over its request log, kept up to date incrementally
// (the log only grows: the soak never clears it).
const eras = {};
for (const [era, { now, seed }] of Object.entries(config.eras)) {
  // The era's instant at the anchor, moving with real time: Date.now() measures only the real
  // time since the anchor (taken on the same machine clock by the soak). In the default profile
  // the soak's shim is told this clock; in the skewed one it learns it from the Date headers.
  const base = new Date(now).getTime();
  const sim = await startAtlasSimulator({
    ...config.simulator,
    now: () => new Date(base + (Date.now() - config.anchorMs)),
    faults: { rate: config.faults.rate, seed, ...(config.faults.kinds ? { kinds: config.faults.kinds } : {}) },
  });
  eras[era] = { sim, cursor: 0, expiredUrlBySnapshot: new Map(), faults: {}, requests: 0, unanswered: 0 };
}

// Snapshot-file paths name their snapshot: /snapshot-files/<clusterName>/<snapshotId>.tar.gz.
const SNAPSHOT_FILE = /^\/snapshot-files\/[^/]+\/([a-f0-9]{24})\.tar\.gz$/;

function catchUp(state) {
  const log = state.sim.requests;
  for (let i = state.cursor; i < log.length; i += 1) {
    const record = log[i];
    state.requests += 1;
    if (record.status === 0) state.unanswered += 1;
    if (record.fault === undefined) continue;
    const target = record.path.startsWith('/snapshot-files/') ? 'snapshot-file' : 'atlas';
    state.faults[record.fault] ??= { atlas: 0, 'snapshot-file': 0 };
    state.faults[record.fault][target] += 1;
    const snapshotId = record.fault === 'expired-url' ? SNAPSHOT_FILE.exec(record.path)?.[1] : undefined;
    if (snapshotId !== undefined) state.expiredUrlBySnapshot.set(snapshotId, (state.expiredUrlBySnapshot.get(snapshotId) ?? 0) + 1);
  }
  state.cursor = log.length;
}

const eraOf = (name) => {
  const state = eras[name];
  if (state === undefined) throw new TypeError(`unknown era ${name}`);
  return state;
};

const operations = {
  /** The ids of the snapshot's jobs (oldest first), and the expired-URL faults served for it so far. */
  probe(era, snapshotId) {
    const state = eraOf(era);
    catchUp(state);
    return {
      jobIds: state.sim.jobsFor(snapshotId).map((job) => job.id),
      expiredUrlFaults: state.expiredUrlBySnapshot.get(snapshotId) ?? 0,
    };
  },
  sha256: (era, snapshotId) => eraOf(era).sim.snapshotSha256(snapshotId),
  size: (era, snapshotId) => eraOf(era).sim.snapshotSize(snapshotId),
  /** Per era: requests served, answers never sent (resets), and faults by kind and target. */
  traffic() {
    return Object.fromEntries(
      Object.entries(eras).map(([era, state]) => {
        catchUp(state);
        return [era, { requests: state.requests, unanswered: state.unanswered, faults: state.faults }];
      }),
    );
  },
  async stop() {
    await Promise.all(Object.values(eras).map(({ sim }) => sim.stop()));
    setImmediate(() => process.exit(0));
  },
};

const described = Object.fromEntries(
  Object.entries(eras).map(([era, { sim }]) => [
    era,
    {
      url: sim.url,
      apiKey: sim.apiKey,
      groupId: sim.groupId,
      clusters: sim.clusters,
      snapshotIds: Object.fromEntries(Object.values(sim.clusters).map((name) => [name, sim.snapshotIds(name)])),
    },
  ]),
);
serveRpc(described, operations);
