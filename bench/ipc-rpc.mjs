// The little protocol between the bench (or the soak) and a simulator it runs in a child
// process: the child sends `{ ready }` once, then answers `{ id, op, args }` with
// `{ id, result }` or `{ id, error }`. One copy for both sides, for every child.
import { fork } from 'node:child_process';

/**
 * Forks `childPath` with `argument` (JSON) and waits for its `ready` message.
 *
 * @returns {Promise<{ ready: any, ask(op: string, ...args: unknown[]): Promise<any>, stop(): Promise<void> }>}
 *   `ask` rejects once the child has exited (a simulator that dies mid-run fails loudly
 *   instead of leaving its caller waiting); `stop` asks the child to stop, or kills it.
 */
export async function forkWithRpc(childPath, argument) {
  const child = fork(childPath, [JSON.stringify(argument)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exited = false;
  const ready = await new Promise((resolve, reject) => {
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
  const stop = () => {
    stopped ??= exited
      ? Promise.resolve()
      : new Promise((resolve) => {
          child.once('exit', resolve);
          ask('stop').catch(() => child.kill());
        });
    return stopped;
  };
  return { ready, ask, stop };
}

/**
 * The child's side: sends `ready`, then answers each question with `operations[op](...args)`,
 * and exits when the parent goes away.
 *
 * @param {unknown} ready what the parent's `forkWithRpc` resolves `ready` with.
 * @param {Record<string, (...args: any[]) => unknown>} operations
 */
export function serveRpc(ready, operations) {
  process.on('message', async ({ id, op, args = [] }) => {
    try {
      process.send({ id, result: await operations[op](...args) });
    } catch (error) {
      process.send({ id, error: String(error?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready });
}
