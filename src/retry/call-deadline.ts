import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../errors/timeout-error.js';

/** Default overall deadline of one Atlas call, retries and their waits included: 2 minutes. */
export const DEFAULT_CALL_DEADLINE_MS = 120_000;

/**
 * The overall deadline of one call: one signal that aborts when the caller's signal does or
 * when `ms` have passed, whichever comes first. Everything the call does (requests, body
 * reads, retry waits) listens to {@link CallDeadline.signal}, so an expiry cancels the
 * request in flight and undici releases its socket at once.
 *
 * Real time, not the retry timer: it is the guard of last resort, and a test clock that
 * makes waits instant must not make it expire, nor keep it from expiring.
 */
export class CallDeadline {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort: () => void;
  readonly #timer: NodeJS.Timeout;
  readonly #startedAt = performance.now();
  #error: TimeoutError | undefined;

  /**
   * @param what names the call in the `TimeoutError` message, e.g. `'Atlas call GET /api/…'`.
   * @param ms the deadline in milliseconds.
   * @param parent the caller's signal, when there is one; its reason is kept as the abort reason.
   * @param lastProblem what went wrong last, for the message (`'HTTP 503'`), if anything.
   */
  constructor(what: string, ms: number, parent: AbortSignal | undefined, lastProblem: () => string | undefined) {
    this.#parent = parent;
    this.#onParentAbort = () => this.#controller.abort(parent?.reason);
    if (parent?.aborted) this.#controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#timer = setTimeout(() => {
      if (this.#controller.signal.aborted) return;
      this.#error = new TimeoutError(what, Math.round(performance.now() - this.#startedAt), lastProblem());
      this.#controller.abort(this.#error);
    }, ms);
    // A pending deadline must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  /** Aborts on the caller's abort (with its reason) or at the deadline (with the `TimeoutError`). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The `TimeoutError` once the deadline has passed; undefined before, and after a caller's abort. */
  get expired(): TimeoutError | undefined {
    return this.#error;
  }

  /** Stops the timer and the listener; call it when the call settles. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }
}
