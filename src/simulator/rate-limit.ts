/**
 * The `RateLimit-Limit`/`RateLimit-Remaining` headers Atlas puts on successful answers: a fixed
 * one-minute window. Counted only, never enforced, so a long test run is never throttled.
 */
export class RateLimitCounter {
  static readonly LIMIT = 100;
  static readonly WINDOW_MS = 60_000;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;

  constructor(monotonicMs: () => number) {
    this.#now = monotonicMs;
  }

  /** Counts one request and returns the headers to send with it. */
  take(): { 'RateLimit-Limit': string; 'RateLimit-Remaining': string } {
    const now = this.#now();
    if (now - this.#windowStart >= RateLimitCounter.WINDOW_MS) {
      this.#windowStart = now;
      this.#used = 0;
    }
    this.#used += 1;
    return {
      'RateLimit-Limit': String(RateLimitCounter.LIMIT),
      'RateLimit-Remaining': String(Math.max(0, RateLimitCounter.LIMIT - this.#used)),
    };
  }
}
