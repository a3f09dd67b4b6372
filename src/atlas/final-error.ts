import type { AtlasRequestInfo } from '../errors/atlas-api-error.js';
import { AtlasConnectionError } from '../errors/atlas-connection-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { AttemptFailure } from '../retry/attempt-failure.js';

/** The per-request timeouts, to say which one ran out. */
export interface RequestTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
}

/**
 * The error an Atlas call rejects with after its last failed attempt. Pure.
 *
 * - An answer (error status, unusable body) keeps the typed error the attempt built:
 *   `AtlasApiError` or `AtlasResponseError`.
 * - A connect, headers or body timeout becomes a `TimeoutError` naming the wait and its length.
 * - Any other network failure becomes an `AtlasConnectionError` with the undici error as `cause`.
 */
export function finalAtlasError(
  failure: AttemptFailure,
  error: unknown,
  request: AtlasRequestInfo,
  attempts: number,
  timeouts: RequestTimeouts,
): unknown {
  if (failure.kind !== 'connect' && failure.kind !== 'connection') return error;
  const each = attempts === 1 ? '' : ` (the last of ${attempts} attempts)`;
  const call = `Atlas ${request.method} ${request.path}`;
  switch (failure.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`${call}: connecting${each}`, timeouts.connectMs);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(`${call}: waiting for the response headers${each}`, timeouts.headersMs);
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(`${call}: waiting for more of the response body${each}`, timeouts.bodyMs);
    default:
      return new AtlasConnectionError(request, failure.code, attempts, { cause: error });
  }
}
