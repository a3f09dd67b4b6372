import type { Dispatcher } from 'undici';
import { UnconfirmedJobError } from '../errors/unconfirmed-job-error.js';
import { describeFailure, isRetryable, serverEffect, type AttemptFailure } from '../retry/attempt-failure.js';
import { DEFAULT_CALL_DEADLINE_MS } from '../retry/call-deadline.js';
import { runWithRetries, type RetriedAttempts } from '../retry/retry-loop.js';
import { retryPolicy, type RetryPolicy } from '../retry/retry-policy.js';
import { finalAtlasError } from './final-error.js';
import { sendAttempt, type AttemptAnswer, type AttemptTarget } from './send-attempt.js';

/**
 * Finds what an ambiguous attempt of a creating POST may have created, from the instant
 * the call started (the caller allows for clock skew): the created resource's body, or
 * undefined when there is none. Rejects when it cannot tell. `failure` is how the
 * attempt failed, so a caller that adopts what it found can say why it had to look.
 */
export type FindCreated = (since: Date, signal: AbortSignal, failure: AttemptFailure) => Promise<unknown>;

/** One Atlas Admin API call. */
export interface AtlasCall {
  readonly method: 'GET' | 'POST';
  /** Path on the Atlas origin, from `atlasPaths`. */
  readonly path: string;
  /** The operation's versioned media type, sent as Accept (and Content-Type with a body). */
  readonly mediaType: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly signal?: AbortSignal | undefined;
  /**
   * For a POST that creates a restore job: how to find the job an attempt may have created
   * when it failed ambiguously (the connection broke after sending, a 5xx, a 2xx whose body
   * was unusable). A job found is adopted as the answer; only when none exists is the POST
   * sent again. Without it, a POST is retried only after failures that prove nothing was
   * created: a 429, or no connection at all.
   */
  readonly findCreated?: FindCreated;
}

/** A successful answer: status and parsed JSON body. */
export type AtlasAnswer = AttemptAnswer;

/** What the client needs: where, through what, how it introduces itself, and how it retries. */
export interface AtlasClientOptions {
  readonly baseUrl: string;
  /** The dispatcher with authentication composed in. */
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** The connect timeout of the dispatcher, to name it when it runs out. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** How failed attempts are retried. Default `retryPolicy()` (see `RetryOptions`). */
  readonly retry?: RetryPolicy;
  /** Overall deadline of one call, retries and waits included. Default 120 000. */
  readonly deadlineMs?: number;
  /** Wall clock: the start of a creating call, and `Retry-After` dates of answers without `Date`. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** Sends Atlas Admin API calls and turns every answer into JSON or a typed error. */
export interface AtlasClient {
  /**
   * Sends the call, retrying what the retry policy allows: a GET after 429, 502, 503, 504,
   * a broken connection or an unreadable JSON body; a POST only when nothing can have been
   * created, or after `findCreated` found nothing.
   *
   * @throws {AtlasApiError} for an HTTP error status (the `ApiError` envelope when Atlas sent one).
   * @throws {AtlasResponseError} for a success status whose body is not JSON.
   * @throws {AtlasConnectionError} when the connection failed on the last attempt.
   * @throws {TimeoutError} when a connect, headers or body timeout ran out on the last attempt, or the call's deadline passed.
   * @throws {UnconfirmedJobError} when a creating POST failed ambiguously and `findCreated` failed too.
   * @throws the signal's reason when `signal` aborts.
   */
  call(call: AtlasCall): Promise<AtlasAnswer>;
}

/**
 * Creates the Atlas client over a dispatcher that already authenticates.
 *
 * Retries live here, above the dispatcher, rather than in undici's `interceptors.retry`
 * (`RetryHandler`, read in undici 7.30.2), which does not fit Atlas calls:
 * - a body that breaks in the middle is resumed with a `Range` request, which the Atlas
 *   API does not serve: the retry then fails with "server does not support the range
 *   header and the payload was partially consumed" instead of reading the answer again;
 * - `Retry-After` is capped at `maxTimeout` (retrying before the server said it would
 *   serve us), an HTTP-date is read against the local clock, waits have no jitter and
 *   no bound on total time, and none of it can be given a test clock;
 * - a POST that may have created a job needs a look-up of the job before any second
 *   attempt, which no interceptor can make.
 * Each attempt here is a new request through the authentication interceptor, so it is
 * signed afresh (the next digest nonce count), as composing auth inside retry would do.
 */
export function createAtlasClient(options: AtlasClientOptions): AtlasClient {
  const policy = options.retry ?? retryPolicy();
  const now = options.now ?? (() => new Date());
  const loop = { policy, deadlineMs: options.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS, now };
  const timeouts = { connectMs: options.connectTimeoutMs ?? 10_000, headersMs: options.headersTimeoutMs, bodyMs: options.bodyTimeoutMs };
  // Parsed once here, not per attempt.
  const target: AttemptTarget = {
    origin: new URL(options.baseUrl).origin,
    dispatcher: options.dispatcher,
    userAgent: options.userAgent,
    headersTimeoutMs: options.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
  };

  return {
    call(call) {
      const { method, path, mediaType, query, findCreated } = call;
      const queryAt = path.indexOf('?');
      const request = { method, path: queryAt < 0 ? path : path.slice(0, queryAt) };
      const attempt = { method, path, mediaType, query, info: request, payload: call.body === undefined ? undefined : JSON.stringify(call.body) };
      // Only a creating POST looks for what it may have created, from the instant it started.
      const startedAt = findCreated === undefined ? undefined : now();

      // Set by a POST attempt that may have created a job; looked up before the next attempt, or before giving up.
      let unsettled: AttemptFailure | undefined;
      const attempts: RetriedAttempts<AtlasAnswer> = {
        async attempt(end) {
          const outcome = await sendAttempt(target, attempt, end);
          if (outcome.ok) return { done: outcome.answer };
          const { failure, error } = outcome;
          if (method === 'GET') return { failure, error, retryable: isRetryable(failure) };
          const effect = serverEffect(failure);
          if (effect === 'none') return { failure, error, retryable: isRetryable(failure) };
          if (findCreated === undefined) return { failure, error, retryable: false };
          unsettled = failure;
          // Sent again only if the look-up finds nothing and the failure is worth repeating:
          // a success whose body was unusable did create the job, so it is never sent again.
          return { failure, error, retryable: effect === 'unknown' && isRetryable(failure) };
        },
        async recover(signal) {
          if (unsettled === undefined || findCreated === undefined || startedAt === undefined) return undefined;
          const failure = unsettled;
          unsettled = undefined;
          const found = await lookFor(findCreated, startedAt, signal, request, failure);
          return found === undefined ? undefined : { done: { status: 200, body: found } };
        },
      };
      return runWithRetries(loop, request, call.signal, attempts, (failure, error, count) =>
        finalAtlasError(failure, error, request, count, timeouts),
      );
    },
  };
}

async function lookFor(
  findCreated: FindCreated,
  since: Date,
  signal: AbortSignal,
  request: { method: string; path: string },
  failure: AttemptFailure,
): Promise<unknown> {
  try {
    return await findCreated(since, signal, failure);
  } catch (error) {
    if (signal.aborted) throw error;
    throw new UnconfirmedJobError(request, describeFailure(failure), { cause: error });
  }
}
