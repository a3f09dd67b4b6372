/**
 * When to retry, as pure functions of what the server said and how far the call has got.
 * No clock is read and no random number drawn here: the caller passes them in, so every
 * decision can be replayed in a test.
 */

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
  /** Retries already made in this call (0 when the first attempt just failed). */
  readonly retriesDone: number;
  /** Milliseconds since the call started, on a monotonic clock. */
  readonly elapsedMs: number;
  readonly bounds: RetryBounds;
  /** A draw in [0, 1) for the jitter. */
  readonly random: number;
  /** The failed answer's hint, when the failure was an answer (not a broken connection). */
  readonly hint?: ServerWaitHint | undefined;
}

/** The decision: wait `delayMs` and retry, or stop and say why. */
export type RetryTiming =
  | { readonly retry: true; readonly delayMs: number; readonly basis: 'retry-after' | 'rate-limit' | 'backoff' }
  | { readonly retry: false; readonly reason: 'limit' | 'time-budget' };

const DELTA_SECONDS = /^\s*(\d+)\s*$/;
// RFC 9110 §5.6.7: IMF-fixdate is what servers must send; the two obsolete forms must still be read.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
// asctime carries no zone but means GMT; JavaScript would read it as local time.
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

function parseHttpDate(value: string): number {
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
  const first = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const serverDate = parseHttpDate(first('date') ?? '');
  const retryAfterMs = parseRetryAfter(first('retry-after'), Number.isNaN(serverDate) ? nowMs : serverDate);
  const remaining = first('ratelimit-remaining');
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
 * - Past `limit` retries: stop.
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
  if (retriesDone >= bounds.limit) return { retry: false, reason: 'limit' };
  let delayMs: number;
  let basis: 'retry-after' | 'rate-limit' | 'backoff';
  if (hint?.retryAfterMs !== undefined) {
    delayMs = hint.retryAfterMs;
    basis = 'retry-after';
  } else if (hint?.rateLimitSpent) {
    delayMs = bounds.maxDelayMs;
    basis = 'rate-limit';
  } else {
    delayMs = backoffDelay(retriesDone, bounds, input.random);
    basis = 'backoff';
  }
  if (elapsedMs + delayMs > bounds.maxElapsedMs) return { retry: false, reason: 'time-budget' };
  return { retry: true, delayMs, basis };
}
