import { performance } from 'node:perf_hooks';

/**
 * The clock and the waits of the retry loop. Injectable so a test can make waits instant
 * and still see exactly which delays were chosen, and advance elapsed time with them.
 */
export interface RetryTimer {
  /** Monotonic milliseconds; only differences are used. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Options of the `retry` option of `createSnapshotShim`. Every member is optional. */
export interface RetryOptions {
  /** Most retries of one Atlas call (attempts = limit + 1). 0 disables retries. Default 4. */
  readonly limit?: number;
  /**
   * Base of the exponential backoff, in milliseconds: retry n waits a uniformly random time
   * between 0 and `min(maxDelayMs, baseDelayMs × 2^(n-1))` ("full jitter"). Default 500.
   */
  readonly baseDelayMs?: number;
  /** Longest backoff wait, and the wait after a 429 that spent the rate limit without saying for how long. Default 20 000. */
  readonly maxDelayMs?: number;
  /**
   * No retry starts later than this after the call began, waits included; a `Retry-After`
   * that would end past it fails the call at once rather than retrying early. Default 60 000.
   */
  readonly maxElapsedMs?: number;
  /** Source of jitter, returning a number in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Clock and waits. Default: `performance.now` and real timers. For tests. */
  readonly timer?: RetryTimer;
}

/** {@link RetryOptions} with every default applied; each member means what the option of its name says. */
export interface RetryPolicy {
  /** See {@link RetryOptions.limit}. */
  readonly limit: number;
  /** See {@link RetryOptions.baseDelayMs}. */
  readonly baseDelayMs: number;
  /** See {@link RetryOptions.maxDelayMs}. */
  readonly maxDelayMs: number;
  /** See {@link RetryOptions.maxElapsedMs}. */
  readonly maxElapsedMs: number;
  /** See {@link RetryOptions.random}. */
  readonly random: () => number;
  /** See {@link RetryOptions.timer}. */
  readonly timer: RetryTimer;
}

/** The documented defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS = {
  /** Retries of one call after its first attempt: 4 (5 attempts in all). */
  limit: 4,
  /** Base of the full-jitter backoff: 500 ms. */
  baseDelayMs: 500,
  /** Longest single wait: 20 s. */
  maxDelayMs: 20_000,
  /** No retry starts later than 60 s after the call began. */
  maxElapsedMs: 60_000,
} as const;

/**
 * Real time: `performance.now` (immune to wall-clock jumps) and abortable timers. A wait
 * rejects with the signal's own reason (the caller's, or the deadline's `TimeoutError`),
 * not a generic `AbortError` as `timers/promises` would.
 */
export const realTimer: RetryTimer = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A policy from checked options, defaults filled in. Validation is the caller's (the shim's zod schema). */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    limit: options.limit ?? RETRY_DEFAULTS.limit,
    baseDelayMs: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    maxElapsedMs: options.maxElapsedMs ?? RETRY_DEFAULTS.maxElapsedMs,
    random: options.random ?? Math.random,
    timer: options.timer ?? realTimer,
  };
}
