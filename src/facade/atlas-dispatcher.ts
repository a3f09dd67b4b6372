import { Agent, type Dispatcher } from 'undici';
import { createDigestAuthInterceptor } from '../auth/digest-interceptor.js';
import { createServiceAccountInterceptor } from '../auth/service-account-interceptor.js';
import { isApiKey, type ResolvedShimOptions } from './shim-options.js';

/** The dispatcher Atlas calls go through, and how to release it. */
export interface AtlasDispatcher {
  /** The base dispatcher with authentication composed in. */
  readonly dispatcher: Dispatcher;
  /** Closes the connection pool when the shim created it; leaves a caller's dispatcher open. */
  close(): Promise<void>;
}

/**
 * Builds the authenticated dispatcher: the caller's dispatcher, or a keep-alive Agent of
 * our own (one pool per origin, reused by every call), with digest or service-account
 * authentication composed on top for the Atlas origin only.
 *
 * Composition, outermost first: the Atlas client's retry loop (`src/retry`), then this
 * authentication interceptor, then the pool. Auth sits inside every retry, so each retried
 * request is signed afresh (a new digest nonce count, or a fresh token after a 401); the
 * reverse order would replay a used nonce count, which a strict server refuses. Retries
 * are not an interceptor here: see `createAtlasClient` for why undici's `RetryHandler`
 * does not fit Atlas calls.
 */
export function createAtlasDispatcher(options: ResolvedShimOptions): AtlasDispatcher {
  const owned = options.dispatcher === undefined;
  const base =
    options.dispatcher ??
    new Agent({
      connect: { timeout: options.timeouts.connectMs },
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyMs,
    });
  const { credentials, baseUrl } = options;
  const auth = isApiKey(credentials)
    ? createDigestAuthInterceptor({ publicKey: credentials.publicKey, privateKey: credentials.privateKey, origin: baseUrl })
    : createServiceAccountInterceptor({ clientId: credentials.clientId, clientSecret: credentials.clientSecret, origin: baseUrl });
  let closed: Promise<void> | undefined;
  return {
    dispatcher: base.compose(auth),
    close() {
      if (!owned) return Promise.resolve();
      closed ??= base.close();
      return closed;
    },
  };
}
