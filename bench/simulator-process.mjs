// Starts the Atlas simulator in a child process on 127.0.0.1 and gives the bench the same
// facts the in-process simulator would: url, API key, group, clusters, snapshot ids, the
// request log and snapshot digests (those last ones asynchronously, over IPC).
import { fileURLToPath } from 'node:url';
import { forkWithRpc } from './ipc-rpc.mjs';

const CHILD = fileURLToPath(new URL('./simulator-child.mjs', import.meta.url));

/**
 * @param {object} options startAtlasSimulator options; `now` as an ISO string (a function cannot cross IPC).
 * @returns {Promise<{url: string, apiKey: {publicKey: string, privateKey: string}, groupId: string,
 *   clusters: Record<string, string>, snapshotIds(name: string): string[], requests(): Promise<object[]>,
 *   clearRequests(): Promise<void>, snapshotSha256(id: string): Promise<string>, stop(): Promise<void>}>}
 */
export async function startSimulatorProcess(options = {}) {
  const { ready: info, ask, stop } = await forkWithRpc(CHILD, options);
  return {
    ...info,
    snapshotIds: (name) => info.snapshotIds[name],
    requests: () => ask('requests'),
    clearRequests: () => ask('clearRequests'),
    snapshotSha256: (id) => ask('sha256', id),
    stop,
  };
}

/**
 * A COMPLETED download job of the first snapshot of the simulator's Flex cluster, requested
 * and waited for through `shim`, with that snapshot's SHA-256: what every save bench starts from.
 */
export async function completedFlexJob(sim, shim) {
  const clusterName = sim.clusters.flex;
  const snapshotId = sim.snapshotIds(clusterName)[0];
  const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName, snapshotId }), { pollIntervalMs: 10 });
  return { job, expected: await sim.snapshotSha256(snapshotId) };
}
