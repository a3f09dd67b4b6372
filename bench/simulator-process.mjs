// Starts the Atlas simulator in a child process on 127.0.0.1 and gives the bench the same
// facts the in-process simulator would: url, API key, group, clusters, snapshot ids, the
// request log and snapshot digests (those last ones asynchronously, over IPC).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./simulator-child.mjs', import.meta.url));

/**
 * @param {object} options startAtlasSimulator options; `now` as an ISO string (a function cannot cross IPC).
 * @returns {Promise<{url: string, apiKey: {publicKey: string, privateKey: string}, groupId: string,
 *   clusters: Record<string, string>, snapshotIds(name: string): string[], requests(): Promise<object[]>,
 *   clearRequests(): Promise<void>, snapshotSha256(id: string): Promise<string>, stop(): Promise<void>}>}
 */
export async function startSimulatorProcess(options = {}) {
  const child = fork(CHILD, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
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
  const info = await ready;
  child.removeAllListeners('exit');
  const ask = (op, ...args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, args });
    });
  let stopped;
  return {
    ...info,
    snapshotIds: (name) => info.snapshotIds[name],
    requests: () => ask('requests'),
    clearRequests: () => ask('clearRequests'),
    snapshotSha256: (id) => ask('sha256', id),
    stop() {
      stopped ??= new Promise((resolve) => {
        child.once('exit', resolve);
        ask('stop').catch(() => child.kill());
      });
      return stopped;
    },
  };
}
