import { performance } from 'node:perf_hooks';

/** A deadline waiting in a {@link DeadlineQueue}; hand it back to `remove` when its call settles first. */
export interface QueuedDeadline {
  readonly expiresAt: number;
  readonly expire: () => void;
  prev: QueuedDeadline | undefined;
  next: QueuedDeadline | undefined;
  queued: boolean;
}

/**
 * Deadlines of one length, all served by one timer. Every entry waits the same `ms`, so
 * they expire in the order they were added: a list kept in that order, with the timer set
 * for its oldest entry, is all it takes. Adding and removing cost a few pointer writes.
 *
 * Why not a timer per call: Node's `setTimeout` with `unref` and `clearTimeout` cost a few
 * microseconds per warm Atlas call (timer list insertion, and a call into libuv each time
 * the count of referenced timers crosses zero), a percent of the call, for a deadline that
 * almost never fires.
 */
export class DeadlineQueue {
  readonly #ms: number;
  #oldest: QueuedDeadline | undefined;
  #newest: QueuedDeadline | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Calls `expire` once `ms` have passed since `startedAt` (a `performance.now()` instant), unless removed first. */
  add(startedAt: number, expire: () => void): QueuedDeadline {
    const entry: QueuedDeadline = { expiresAt: startedAt + this.#ms, expire, prev: this.#newest, next: undefined, queued: true };
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.next = entry;
    this.#newest = entry;
    if (this.#timer === undefined) this.#arm(this.#ms);
    return entry;
  }

  /** Takes a deadline out before it expires. The timer stays: when it fires early, it is set again for the oldest entry left. */
  remove(entry: QueuedDeadline): void {
    if (!entry.queued) return;
    entry.queued = false;
    if (entry.prev === undefined) this.#oldest = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#newest = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), ms);
    // A pending deadline must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let entry = this.#oldest; entry !== undefined && entry.expiresAt <= now; entry = this.#oldest) {
      this.remove(entry);
      entry.expire();
    }
    // libuv's clock and performance.now() may differ by a fraction of a millisecond: never set a 0 ms timer in a loop.
    if (this.#oldest !== undefined) this.#arm(Math.max(1, Math.ceil(this.#oldest.expiresAt - now)));
    // Nothing left: forget this length, so deadlines of many lengths over a process's life leave no queues behind.
    else if (queues.get(this.#ms) === this) queues.delete(this.#ms);
  }
}

const queues = new Map<number, DeadlineQueue>();

/** The queue of deadlines `ms` long, shared by every call with that deadline. */
export function deadlineQueue(ms: number): DeadlineQueue {
  let queue = queues.get(ms);
  if (queue === undefined) {
    queue = new DeadlineQueue(ms);
    queues.set(ms, queue);
  }
  return queue;
}
