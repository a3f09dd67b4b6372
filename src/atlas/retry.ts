import { performance } from 'node:perf_hooks';
import { firstValue } from '../http/headers.js';

/**
 * Retries of Atlas API calls: the options a caller sets, and when to retry, as pure
 * functions of what the server said and how far the call has got. No clock is read and no
 * random number drawn by the decisions: the client passes them in, so every decision can
 * be replayed in a test.
 */

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

/** The bounds a decision respects; see `RetryOptions` for their meaning and defaults. */
export interface RetryBounds {
  readonly limit: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxElapsedMs: number;
}

/** What the server asked for, read from one answer's headers. */
export interface ServerWaitHint {
  /** From `Retry-After`, in milliseconds (0 for a date already past). Undefined when absent or unreadable. */
  readonly retryAfterMs: number | undefined;
  /** `RateLimit-Remaining: 0`: the window's requests are spent. */
  readonly rateLimitSpent: boolean;
}

/** Everything {@link decideRetryTiming} looks at. */
export interface RetryTimingInput {
  /** Retries already made in this call (0 when the first attempt just failed): the backoff grows with them. */
  readonly retriesDone: number;
  /** How many of those followed a 429: `limit` does not count them. Default 0. */
  readonly rateLimitedRetries?: number;
  /** The failure is a 429: the server paces the client, it did not fail, so `limit` does not apply; the time budget does. */
  readonly rateLimited?: boolean;
  /** Milliseconds since the call started, on a monotonic clock. */
  readonly elapsedMs: number;
  readonly bounds: RetryBounds;
  /** A draw in [0, 1) for the jitter. */
  readonly random: number;
  /** The failed answer's hint, when the failure was an answer (not a broken connection). */
  readonly hint?: ServerWaitHint | undefined;
}

/** The decision: wait `delayMs` and retry, or stop and say why. */
export type RetryTiming = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: 'limit' | 'time-budget' };

const DELTA_SECONDS = /^\s*(\d+)\s*$/;
// RFC 9110 §5.6.7: IMF-fixdate is what servers must send; the two obsolete forms must still be read.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
// asctime carries no zone but means GMT; JavaScript would read it as local time.
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads an HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms) as epoch milliseconds; NaN when the value is none of them.
 */
export function parseHttpDate(value: string): number {
  const text = value.trim();
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) return Date.parse(text);
  if (ASCTIME_DATE.test(text)) return Date.parse(`${text} GMT`);
  return Number.NaN;
}

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date measured against
 * `nowMs`. Returns milliseconds, 0 for a date already past, or undefined when the value is
 * absent or neither form (a malformed hint is ignored rather than trusted).
 *
 * @param nowMs the instant the date is measured from: best the answer's own `Date` header,
 *   so the client's and the server's clocks need not agree.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = DELTA_SECONDS.exec(value)?.[1];
  if (seconds !== undefined) {
    const ms = Number(seconds) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const at = parseHttpDate(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Reads the wait hints of an answer: `Retry-After` (the contract declares it for 429 and
 * 503), and `RateLimit-Remaining` (declared on every answer, with `RateLimit-Limit`).
 *
 * @param headers lower-case header names, as undici gives them.
 * @param nowMs the clock to measure an HTTP-date against when the answer has no usable `Date`.
 */
export function serverWaitHint(headers: Readonly<Record<string, string | string[] | undefined>>, nowMs: number): ServerWaitHint {
  const serverDate = parseHttpDate(firstValue(headers.date) ?? '');
  const retryAfterMs = parseRetryAfter(firstValue(headers['retry-after']), Number.isNaN(serverDate) ? nowMs : serverDate);
  const remaining = firstValue(headers['ratelimit-remaining']);
  return { retryAfterMs, rateLimitSpent: remaining !== undefined && /^\s*0+\s*$/.test(remaining) };
}

/**
 * The exponential backoff with full jitter: uniformly random in
 * `[0, min(maxDelayMs, baseDelayMs × 2^retriesDone))`. Full jitter spreads clients that
 * failed together, so their retries do not arrive together again.
 */
export function backoffDelay(retriesDone: number, bounds: Pick<RetryBounds, 'baseDelayMs' | 'maxDelayMs'>, random: number): number {
  // Past 2^30 the product only matters as "more than the cap"; capping the exponent avoids Infinity.
  const ceiling = Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** Math.min(retriesDone, 30));
  const draw = Math.min(Math.max(random, 0), 1);
  return Math.floor(draw * ceiling);
}

/**
 * Decides whether, and after how long, a retryable failure is tried again.
 *
 * - Past `limit` retries: stop. Retries after a 429 are not counted, nor is a 429 stopped
 *   by the count: a rate limit says "later", not "failed", and many clients sharing one
 *   project's limit may each meet it several times before their turn. `maxElapsedMs` and
 *   the call's deadline bound them.
 * - `Retry-After` present: wait exactly that long. The server said when it will serve us;
 *   earlier would be refused again, so it is never shortened, and if it ends past
 *   `maxElapsedMs` the call stops now instead of waiting for an attempt it may not make.
 * - `RateLimit-Remaining: 0` without `Retry-After`: the window is spent and the contract
 *   declares no reset header, so wait `maxDelayMs`, the longest wait the policy allows
 *   between two attempts; a jittered short wait would only spend the next attempt.
 * - Otherwise: {@link backoffDelay}.
 *
 * No retry starts after `maxElapsedMs`: a wait that would end past it stops the call.
 */
export function decideRetryTiming(input: RetryTimingInput): RetryTiming {
  const { retriesDone, elapsedMs, bounds, hint } = input;
  if (input.rateLimited !== true && retriesDone - (input.rateLimitedRetries ?? 0) >= bounds.limit) return { retry: false, reason: 'limit' };
  const delayMs = hint?.retryAfterMs ?? (hint?.rateLimitSpent ? bounds.maxDelayMs : backoffDelay(retriesDone, bounds, input.random));
  if (elapsedMs + delayMs > bounds.maxElapsedMs) return { retry: false, reason: 'time-budget' };
  return { retry: true, delayMs };
}

/**
 * Holds back every call to a project while a 429 on it is being waited out, so that the
 * calls sharing one rate limit (Atlas's per-project token bucket) do not each spend a
 * request to learn what the first one learned: a retry storm. A held call waits until the
 * hold ends plus a random part of its length, so the waiting calls come back spread out,
 * as the bucket refills, and not all at once.
 */
export class RateLimitGate {
  readonly #timer: RetryTimer;
  readonly #random: () => number;
  // Per project: when its hold ends, on the timer's clock, and how long it was.
  readonly #holds = new Map<string, { readonly until: number; readonly lengthMs: number }>();

  constructor(timer: RetryTimer, random: () => number) {
    this.#timer = timer;
    this.#random = random;
  }

  /** Holds calls to `project` for `ms` from now (a longer hold already in place is kept). */
  hold(project: string, ms: number): void {
    const until = this.#timer.now() + ms;
    const held = this.#holds.get(project);
    if (held === undefined || held.until < until) this.#holds.set(project, { until, lengthMs: ms });
  }

  /**
   * The wait before a call to `project` may be sent: undefined when it is not held (the
   * usual case, which costs one map look-up), else a promise that resolves when its turn
   * comes and rejects with the signal's reason when the call's `signal` aborts first (read
   * only then: a call makes its signal only when something waits on it).
   */
  wait(project: string, call: { readonly signal: AbortSignal }): Promise<void> | undefined {
    const held = this.#holds.get(project);
    if (held === undefined) return undefined;
    const left = held.until - this.#timer.now();
    if (left <= 0) {
      this.#holds.delete(project);
      return undefined;
    }
    return this.#timer.sleep(Math.ceil(left + this.#random() * held.lengthMs), call.signal);
  }
}
