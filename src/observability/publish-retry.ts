import type { RetryChannelMessage } from './channel-messages.js';
import { retryChannel } from './channels.js';
import { atlasOperationOf } from './atlas-operation.js';
import { currentRequestScope } from './request-scope.js';
import { pathOnly } from './request-facts.js';

/** What the retry code reports before it retries: the failed attempt and the wait. */
export interface RetryReport {
  readonly method: string;
  /** The request's path (or URL): the query string and any origin are dropped before publishing. */
  readonly path: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long it waits before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** HTTP status of the failed attempt; omit when no answer came. */
  readonly status?: number | undefined;
  /** Atlas's `errorCode`, or the error's `code` (`ECONNRESET`…); omit when neither. */
  readonly errorCode?: string | undefined;
}

/**
 * Reports a failed attempt that is about to be retried: publishes a
 * {@link RetryChannelMessage} on `atlas-snapshot-shim:retry` (only when it has
 * subscribers), and, when called inside an Atlas call the shim observes (from the async
 * chain of `AtlasClient.call`, e.g. the retry loop before its wait), advances that call's
 * `attempt` on the request channel and logs the retry at `debug` through the shim's
 * `logger`. Never throws.
 */
export function publishRetry(report: RetryReport): void {
  const scope = currentRequestScope();
  if (!retryChannel.hasSubscribers && scope === undefined) return;
  const path = pathOnly(report.path);
  const message: RetryChannelMessage = {
    method: report.method,
    path,
    operation: atlasOperationOf(path),
    attempt: report.attempt,
    delayMs: report.delayMs,
    status: report.status,
    errorCode: report.errorCode,
  };
  if (scope !== undefined) {
    scope.message.attempt = Math.max(scope.message.attempt, report.attempt + 1);
    scope.log?.debug(message, 'Atlas request retried');
  }
  if (retryChannel.hasSubscribers) retryChannel.publish(message);
}
