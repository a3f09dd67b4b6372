import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../errors/timeout-error.js';
import { deadlineQueue, type DeadlineQueue, type QueuedDeadline } from './deadline-queue.js';

/** Default overall deadline of one Atlas call, retries and their waits included: 2 minutes. */
export const DEFAULT_CALL_DEADLINE_MS = 120_000;

/** How an attempt learns that its call has ended (the caller aborted, or the deadline passed). */
export interface CallEnd {
  readonly aborted: boolean;
  /** The caller's reason, or the deadline's `TimeoutError`; undefined while the call runs. */
  readonly reason: unknown;
  /** Calls `listener` once, when the call ends; returns how to stop listening. */
  subscribe(listener: (reason: unknown) => void): () => void;
}

/**
 * The overall deadline of one call: it ends the call when the caller's signal aborts or
 * when `ms` have passed, whichever comes first. Requests subscribe to it (see
 * `sendAttempt`), retry waits and look-ups listen to {@link CallDeadline.signal}, so an
 * expiry cancels the request in flight and undici releases its socket at once.
 *
 * Why not one `AbortSignal` for everything: in Node 20 the first listener on a fresh
 * `AbortSignal` costs about 10 µs, a twentieth of a whole warm Atlas call, and most calls
 * never wait or look anything up. The `AbortSignal` is made only when something asks for
 * it. The deadline itself waits in a {@link DeadlineQueue}, one timer for every call with
 * the same deadline, and still expires at its own instant.
 *
 * Real time, not the retry timer: it is the guard of last resort, and a test clock that
 * makes waits instant must not make it expire, nor keep it from expiring.
 */
export class CallDeadline implements CallEnd {
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort: (() => void) | undefined;
  readonly #queue: DeadlineQueue;
  readonly #queued: QueuedDeadline;
  #aborted = false;
  #reason: unknown = undefined;
  #listeners: Array<(reason: unknown) => void> | undefined;
  #controller: AbortController | undefined;

  /**
   * @param what names the call in the `TimeoutError` message, e.g. `'Atlas call GET /api/…'`.
   * @param ms the deadline in milliseconds.
   * @param parent the caller's signal, when there is one; its reason is kept as the abort reason.
   * @param lastProblem what went wrong last, for the message (`'HTTP 503'`), if anything.
   */
  constructor(what: string, ms: number, parent: AbortSignal | undefined, lastProblem: () => string | undefined) {
    const startedAt = performance.now();
    if (parent !== undefined) {
      this.#parent = parent;
      this.#onParentAbort = () => this.#end(parent.reason);
      if (parent.aborted) this.#end(parent.reason);
      else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    }
    this.#queue = deadlineQueue(ms);
    this.#queued = this.#queue.add(startedAt, () => {
      if (!this.#aborted) this.#end(new TimeoutError(what, Math.round(performance.now() - startedAt), lastProblem()));
    });
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  subscribe(listener: (reason: unknown) => void): () => void {
    if (this.#aborted) {
      listener(this.#reason);
      return () => {};
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const index = this.#listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.#listeners?.splice(index, 1);
    };
  }

  /**
   * The same as an `AbortSignal`, for retry waits and look-ups: made on first use, and
   * aborted at once, with the same reason, if the call has already ended.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      this.subscribe((reason) => controller.abort(reason));
    }
    return this.#controller.signal;
  }

  /** Throws the reason (the caller's, or the `TimeoutError`) once the call has ended. */
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /**
   * What the call rejects with, given what the interrupted step rejected with: once the
   * call has ended, its reason (the `TimeoutError` at the deadline, the caller's reason
   * after an abort), whatever undici or the timer made of it; else `error` itself.
   */
  outcomeOf(error: unknown): unknown {
    return this.#aborted ? this.#reason : error;
  }

  /** Takes the deadline out of its queue and stops listening to the caller; call it when the call settles. */
  dispose(): void {
    this.#queue.remove(this.#queued);
    if (this.#onParentAbort !== undefined) this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  #end(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }
}
