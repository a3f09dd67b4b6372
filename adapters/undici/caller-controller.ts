import type { Dispatcher } from 'undici';

/**
 * The controller the caller's handler holds for the whole request. Underneath, the
 * adapter may be deciding the route, talking to Atlas through its own client, or
 * forwarding one dispatched attempt: this controller forwards pause, resume and abort to
 * the attempt in flight, and while there is none it fails the request itself, so the
 * caller's abort signal is honoured at every step. `signal` carries the abort to the
 * adapter's own asynchronous work (the route decision, its Atlas calls).
 */
export class CallerController implements Dispatcher.DispatchController {
  readonly #failIdle: (reason: Error) => void;
  readonly #abort = new AbortController();
  #target: Dispatcher.DispatchController | null = null;
  #paused = false;
  #reason: Error | null = null;

  /** @param failIdle fails the request when it is aborted with no attempt in flight. */
  constructor(failIdle: (reason: Error) => void) {
    this.#failIdle = failIdle;
  }

  /** Aborted when the caller aborts: pass it to every asynchronous step. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The controller of the attempt in flight, or null between attempts. */
  set target(target: Dispatcher.DispatchController | null) {
    this.#target = target;
    // A pause asked for before this attempt started must hold it too.
    if (this.#paused) target?.pause();
  }

  /** Whether the caller aborted, or the attempt in flight was aborted. */
  get aborted(): boolean {
    return this.#reason !== null || (this.#target?.aborted ?? false);
  }

  /** Whether the caller asked for a pause, or the attempt in flight is paused. */
  get paused(): boolean {
    return this.#paused || (this.#target?.paused ?? false);
  }

  /** Why the request was aborted, or null. */
  get reason(): Error | null {
    return this.#reason ?? this.#target?.reason ?? null;
  }

  /** Aborts the attempt in flight, or fails the request when there is none, and cancels the adapter's own work. */
  abort(reason: Error): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#abort.abort(reason);
    if (this.#target) this.#target.abort(reason);
    else this.#failIdle(reason);
  }

  /** Pauses the attempt in flight, and any attempt that starts while paused. */
  pause(): void {
    this.#paused = true;
    this.#target?.pause();
  }

  /** Resumes the attempt in flight. */
  resume(): void {
    this.#paused = false;
    this.#target?.resume();
  }
}
