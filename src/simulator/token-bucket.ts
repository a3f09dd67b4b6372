import { ATLAS_OPERATIONS, type AtlasOperationId } from '../atlas/operations.js';
import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';
import type { ResolvedRateLimit } from './options.js';
import type { SimulatorTokenBucket } from './types.js';

/**
 * The operations that draw from a project's bucket: Atlas counts Flex snapshots and restore
 * jobs together, which are the Flex family's operations under `/backup/`. Read off the table,
 * so the cluster look-ups and the tenant family never draw.
 */
export const TOKEN_BUCKET_OPERATIONS: ReadonlySet<AtlasOperationId> = new Set(
  (Object.keys(ATLAS_OPERATIONS) as AtlasOperationId[]).filter((id) => {
    const { family, path } = ATLAS_OPERATIONS[id];
    return family === 'flex' && path.includes('/backup/');
  }),
);

/** One project's bucket: its level at the monotonic instant `at`, and how many 429s it gave. */
interface Bucket {
  tokens: number;
  at: number;
  refusals: number;
}

/**
 * Atlas's per-project token buckets (the `rateLimit` option): one token per request, refilled
 * continuously on the monotonic clock, so a test that moves the Atlas clock across the sunset
 * neither fills nor drains them. A bucket is made full on its project's first request.
 */
export class ProjectTokenBuckets {
  readonly #limit: ResolvedRateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: ResolvedRateLimit, monotonicMs: () => number) {
    this.#limit = limit;
    this.#now = monotonicMs;
  }

  /** The fractional level of a bucket at `now`: what it held, plus the refill since, up to the capacity. */
  #level(bucket: Bucket, now: number): number {
    const { capacity, refillTokens, refillIntervalMs } = this.#limit;
    return Math.min(capacity, bucket.tokens + ((now - bucket.at) * refillTokens) / refillIntervalMs);
  }

  /**
   * Draws one token from the project's bucket and returns the rate-limit headers of the answer.
   *
   * @throws SimulatorApiError 429 `RATE_LIMITED_TOKEN_BUCKET` when the bucket is empty.
   */
  draw(groupId: string): Record<string, string> {
    const { capacity, refillTokens, refillIntervalMs, retryAfter } = this.#limit;
    const now = this.#now();
    let bucket = this.#buckets.get(groupId);
    if (bucket === undefined) {
      bucket = { tokens: capacity, at: now, refusals: 0 };
      this.#buckets.set(groupId, bucket);
    }
    bucket.tokens = this.#level(bucket, now);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { 'RateLimit-Limit': String(capacity), 'RateLimit-Remaining': String(Math.floor(bucket.tokens)) };
    }
    bucket.refusals += 1;
    const headers: Record<string, string> = { 'RateLimit-Limit': String(capacity), 'RateLimit-Remaining': '0' };
    // Deterministic, so a test can tell which 429 carries it: the odd ones of the project.
    if (retryAfter === 'always' || (retryAfter === 'sometimes' && bucket.refusals % 2 === 1)) {
      const untilOneTokenMs = ((1 - bucket.tokens) * refillIntervalMs) / refillTokens;
      headers['Retry-After'] = String(Math.ceil(untilOneTokenMs / 1000));
    }
    throw new SimulatorApiError(
      429,
      CODES.rateLimitedTokenBucket,
      `You have exceeded the rate limit of the Flex snapshot and restore job resources of group ${groupId}: ` +
        `${capacity} requests, ${refillTokens} more every ${refillIntervalMs} ms. Try again later.`,
      { parameters: [groupId], headers },
    );
  }

  /** The project's bucket as it is now, without drawing. */
  peek(groupId: string): SimulatorTokenBucket {
    const { capacity } = this.#limit;
    const bucket = this.#buckets.get(groupId);
    return { tokens: bucket === undefined ? capacity : Math.floor(this.#level(bucket, this.#now())), capacity };
  }
}
