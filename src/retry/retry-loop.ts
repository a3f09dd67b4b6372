import { publishRetry } from '../observability/publish-retry.js';
import { describeFailure, type AttemptFailure } from './attempt-failure.js';
import { CallDeadline, type CallEnd } from './call-deadline.js';
import type { RetryPolicy } from './retry-policy.js';
import { decideRetryTiming, serverWaitHint } from './retry-timing.js';

/** What the loop needs besides the attempts: the policy, the deadline, and the wall clock. */
export interface RetryLoopContext {
  readonly policy: RetryPolicy;
  /** Overall deadline of the call, attempts and waits included, in milliseconds. */
  readonly deadlineMs: number;
  /** Wall clock, to read an HTTP-date `Retry-After` when the answer carries no `Date`. */
  readonly now: () => Date;
}

/** The request being retried, for messages and retry reports (never a query string or a credential). */
export interface RetriedRequest {
  readonly method: string;
  readonly path: string;
}

/** One attempt as the loop sees it: a result, or a failure the step has already judged retryable or not. */
export type StepResult<T> =
  | { readonly done: T }
  | { readonly failure: AttemptFailure; readonly error: unknown; readonly retryable: boolean };

/** Turns the last failure into the error the call rejects with; `attempts` counts the requests sent. */
export type FinalError = (failure: AttemptFailure, error: unknown, attempts: number) => unknown;

/** The attempts of one call. */
export interface RetriedAttempts<T> {
  /** Sends one attempt; `end` fires at the deadline or on the caller's abort. */
  attempt(end: CallEnd): Promise<StepResult<T>>;
  /**
   * Called after a failure, once the wait before the next attempt is over, and before
   * giving up: a last chance to produce the result another way (a job the failed attempt
   * created after all). Undefined to go on with the next attempt, or with the failure.
   */
  recover?(signal: AbortSignal): Promise<{ readonly done: T } | undefined>;
}

function errorCodeOf(failure: AttemptFailure, error: unknown): string | undefined {
  if (failure.kind === 'connect' || failure.kind === 'connection') return failure.code;
  const code = (error as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `attempts.attempt` until it succeeds, its failure is not retryable, or the policy
 * says stop (count, time budget, or a `Retry-After` past the budget). Waits between
 * attempts as {@link decideRetryTiming} decides; each wait is reported through
 * `publishRetry`. After each wait, and before giving up, `attempts.recover` may end the
 * call with a result: the look-up comes as late as possible, so a job whose creation was
 * still under way when the attempt failed has had the wait to show up.
 *
 * The whole run is bounded by a {@link CallDeadline}: what an attempt receives aborts at
 * the deadline or when the caller's signal does, and an expiry rejects with the
 * deadline's `TimeoutError` whatever the interrupted request rejected with. A caller's
 * abort rejects with the caller's reason.
 */
export async function runWithRetries<T>(
  context: RetryLoopContext,
  request: RetriedRequest,
  signal: AbortSignal | undefined,
  attempts: RetriedAttempts<T>,
  finalError: FinalError,
): Promise<T> {
  const { policy } = context;
  let last: AttemptFailure | undefined;
  const deadline = new CallDeadline(`Atlas call ${request.method} ${request.path} (retries included)`, context.deadlineMs, signal, () =>
    last === undefined ? undefined : describeFailure(last),
  );
  const startedAt = policy.timer.now();
  try {
    for (let retriesDone = 0; ; retriesDone += 1) {
      deadline.throwIfAborted();
      const result = await attempts.attempt(deadline);
      if ('done' in result) return result.done;
      last = result.failure;
      const giveUp = async (): Promise<T> => {
        const recovered = await attempts.recover?.(deadline.signal);
        if (recovered !== undefined) return recovered.done;
        throw finalError(result.failure, result.error, retriesDone + 1);
      };
      if (!result.retryable) return await giveUp();
      const timing = decideRetryTiming({
        retriesDone,
        elapsedMs: policy.timer.now() - startedAt,
        // The deadline also bounds when a retry may start: waiting past it would only be cut short.
        bounds: { ...policy, maxElapsedMs: Math.min(policy.maxElapsedMs, context.deadlineMs) },
        random: policy.random(),
        hint: result.failure.kind === 'status' ? serverWaitHint(result.failure.headers, context.now().getTime()) : undefined,
      });
      if (!timing.retry) return await giveUp();
      publishRetry({
        method: request.method,
        path: request.path,
        attempt: retriesDone + 1,
        delayMs: timing.delayMs,
        status: result.failure.kind === 'status' ? result.failure.status : undefined,
        errorCode: errorCodeOf(result.failure, result.error),
      });
      await policy.timer.sleep(timing.delayMs, deadline.signal);
      const recovered = await attempts.recover?.(deadline.signal);
      if (recovered !== undefined) return recovered.done;
    }
  } catch (error) {
    // The deadline's abort surfaces as whatever undici or the timer rejected with; say what it was.
    throw deadline.outcomeOf(error);
  } finally {
    deadline.dispose();
  }
}
