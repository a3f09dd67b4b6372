// Starts the soak's simulators (one per era, see soak-simulator-child.mjs) in a child process
// on 127.0.0.1, and gives the soak their facts and an asynchronous handle on their state.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./soak-simulator-child.mjs', import.meta.url));

/**
 * @param {{ eras: Record<string, { now: string, seed: number }>, simulator: object, faults: { rate: number, kinds?: string[] } }} config
 * @returns {Promise<{ eras: Record<string, { url: string, apiKey: object, groupId: string, clusters: Record<string, string>,
 *   snapshotIds: Record<string, string[]> }>, probe(era: string, snapshotId: string): Promise<{ jobIds: string[], expiredUrlFaults: number }>,
 *   sha256(era: string, snapshotId: string): Promise<string>, size(era: string, snapshotId: string): Promise<number>,
 *   traffic(): Promise<object>, stop(): Promise<void> }>}
 */
export async function startSoakSimulators(config) {
  const child = fork(CHILD, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exited = false;
  const eras = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator process exited with ${code} before it was ready`)));
    child.on('message', (message) => {
      if (message.ready) return resolve(message.ready);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
  child.removeAllListeners('exit');
  // A simulator that dies mid-run must fail the soak loudly, not leave it waiting for answers.
  child.once('exit', (code) => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error(`the simulator process exited with ${code}`));
    pending.clear();
  });
  const ask = (op, ...args) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the simulator process has exited'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, args });
    });
  let stopped;
  return {
    eras,
    probe: (era, snapshotId) => ask('probe', era, snapshotId),
    sha256: (era, snapshotId) => ask('sha256', era, snapshotId),
    size: (era, snapshotId) => ask('size', era, snapshotId),
    traffic: () => ask('traffic'),
    stop() {
      stopped ??= exited
        ? Promise.resolve()
        : new Promise((resolve) => {
            child.once('exit', resolve);
            ask('stop').catch(() => child.kill());
          });
      return stopped;
    },
  };
}
