// Child process entry of simulator-process.mjs: runs the Atlas simulator on 127.0.0.1 and
// answers the parent's questions over IPC. Kept out of the measuring process so the server's
// work (digest checks, JSON, generating snapshot bytes) never shares a thread with the
// client being measured, as a real Atlas never would.
import { startAtlasSimulator } from '../dist/simulator.js';
import { serveRpc } from './ipc-rpc.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const fixedNow = options.now === undefined ? undefined : new Date(options.now);
const sim = await startAtlasSimulator({ ...options, ...(fixedNow ? { now: () => fixedNow } : {}) });

const snapshotIds = Object.fromEntries(Object.values(sim.clusters).map((name) => [name, sim.snapshotIds(name)]));

const operations = {
  requests: () => sim.requests,
  clearRequests: () => sim.clearRequests(),
  sha256: (id) => sim.snapshotSha256(id),
  stop: async () => {
    await sim.stop();
    setImmediate(() => process.exit(0));
  },
};

serveRpc({ url: sim.url, apiKey: sim.apiKey, groupId: sim.groupId, clusters: sim.clusters, snapshotIds }, operations);
