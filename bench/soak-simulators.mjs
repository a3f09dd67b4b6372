// Starts the soak's simulators (one per era, see soak-simulator-child.mjs) in a child process
// on 127.0.0.1, and gives the soak their facts and an asynchronous handle on their state.
import { fileURLToPath } from 'node:url';
import { forkWithRpc } from './ipc-rpc.mjs';

const CHILD = fileURLToPath(new URL('./soak-simulator-child.mjs', import.meta.url));

/**
 * @param {{ anchorMs: number, eras: Record<string, { now: string, seed: number }>, simulator: object, faults: { rate: number, kinds?: string[] } }} config
 * @returns {Promise<{ eras: Record<string, { url: string, apiKey: object, groupId: string, clusters: Record<string, string>,
 *   snapshotIds: Record<string, string[]> }>, probe(era: string, snapshotId: string): Promise<{ jobIds: string[], expiredUrlFaults: number }>,
 *   sha256(era: string, snapshotId: string): Promise<string>, size(era: string, snapshotId: string): Promise<number>,
 *   traffic(): Promise<object>, stop(): Promise<void> }>}
 */
export async function startSoakSimulators(config) {
  const { ready: eras, ask, stop } = await forkWithRpc(CHILD, config);
  return {
    eras,
    probe: (era, snapshotId) => ask('probe', era, snapshotId),
    sha256: (era, snapshotId) => ask('sha256', era, snapshotId),
    size: (era, snapshotId) => ask('size', era, snapshotId),
    traffic: () => ask('traffic'),
    stop,
  };
}
