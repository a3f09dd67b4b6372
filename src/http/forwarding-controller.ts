import type { Dispatcher } from 'undici';

/**
 * The controller a caller's handler holds for the whole of one request, while underneath
 * there may be several attempts (an authentication challenge answered, a token fetched,
 * a request rewritten) or none for a while. It forwards pause, resume and abort to the
 * attempt in flight; with none in flight, an abort fails the request itself, so the
 * caller's abort is honoured at every step. A pause asked for before an attempt starts
 * holds that attempt too.
 */
export class ForwardingController implements Dispatcher.DispatchController {
  readonly #failIdle: (reason: Error) => void;
  #target: Dispatcher.DispatchController | null = null;
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;
  #abort: AbortController | undefined;

  /** @param failIdle fails the request when it is aborted with no attempt in flight. */
  constructor(failIdle: (reason: Error) => void) {
    this.#failIdle = failIdle;
  }

  /**
   * Aborted when the caller aborts: for asynchronous work between attempts. Made on first
   * use, since most requests never need it and a signal costs microseconds per request.
   */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#aborted) this.#abort.abort(this.#reason);
    }
    return this.#abort.signal;
  }

  /** The controller of the attempt in flight, or null between attempts. */
  set target(target: Dispatcher.DispatchController | null) {
    this.#target = target;
    if (this.#paused) target?.pause();
  }

  /** Whether the caller aborted, or the attempt in flight was aborted. */
  get aborted(): boolean {
    return this.#aborted || (this.#target?.aborted ?? false);
  }

  /** Whether the caller asked for a pause, or the attempt in flight is paused. */
  get paused(): boolean {
    return this.#paused || (this.#target?.paused ?? false);
  }

  /** Why the request was aborted, or null. */
  get reason(): Error | null {
    return this.#reason ?? this.#target?.reason ?? null;
  }

  /** Aborts the attempt in flight, or fails the request when there is none; aborts `signal`. */
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#abort?.abort(reason);
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
