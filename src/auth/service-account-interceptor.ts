import type { Dispatcher } from 'undici';
import { OAUTH_TOKEN_PATH } from '../atlas/endpoints.js';
import { ValidationError } from '../errors/validation-error.js';
import { isReplayableBody, optionalFunction, requireOrigin, requireString, shouldAuthenticate, withHeader } from './auth-request.js';
import { AuthRetryHandler } from './auth-retry-handler.js';
import { requestToken, type IssuedToken, type TokenRequest } from './token-request.js';

/** Options of {@link createServiceAccountInterceptor}. */
export interface ServiceAccountInterceptorOptions {
  /** The service account's client id. Required; may appear in error messages. */
  readonly clientId: string;
  /** The service account's client secret. Required; never logged or put in an error. */
  readonly clientSecret: string;
  /** The only origin that gets tokens, and where they are fetched, e.g. `'https://cloud.mongodb.com'`. Required. */
  readonly origin: string | URL;
  /** Path of the token endpoint on `origin`. Default {@link OAUTH_TOKEN_PATH} (`'/api/oauth/token'`). */
  readonly tokenPath?: string;
  /** How long before its expiry a token is replaced, in milliseconds. Default `60_000`. */
  readonly refreshSkewMs?: number;
  /** Clock for token expiry, in epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The access token of one service account: cached until shortly before it expires, and
 * fetched at most once at a time however many requests need it.
 */
class TokenCache {
  readonly #fetch: () => Promise<IssuedToken>;
  readonly #skewMs: number;
  readonly #now: () => number;
  #token: { value: string; refreshAt: number } | undefined;
  #inflight: Promise<string> | undefined;

  constructor(fetch: () => Promise<IssuedToken>, skewMs: number, now: () => number) {
    this.#fetch = fetch;
    this.#skewMs = skewMs;
    this.#now = now;
  }

  /** A usable token: synchronously when cached, so warm requests go out without delay. */
  get(): string | Promise<string> {
    const token = this.#token;
    if (token !== undefined && this.#now() < token.refreshAt) return token.value;
    this.#inflight ??= this.#refresh();
    return this.#inflight;
  }

  /** Forgets `value` after Atlas refused it, unless a newer token already replaced it. */
  drop(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }

  async #refresh(): Promise<string> {
    const startedAt = this.#now();
    try {
      const { accessToken, expiresInMs } = await this.#fetch();
      // Without a lifetime the token serves the requests already waiting for it, and no more.
      const refreshAt = expiresInMs === undefined ? startedAt : startedAt + expiresInMs - this.#skewMs;
      this.#token = { value: accessToken, refreshAt };
      return accessToken;
    } finally {
      this.#inflight = undefined;
    }
  }
}

const map = <T, U>(value: T | Promise<T>, f: (v: T) => U): U | Promise<U> =>
  value instanceof Promise ? value.then(f) : f(value);

function requireTokenPath(value: unknown): string {
  if (value === undefined) return OAUTH_TOKEN_PATH;
  if (typeof value === 'string' && /^\/[^\s?#]*$/.test(value)) return value;
  throw new ValidationError('options.tokenPath', "a path starting with '/', without query or fragment", typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value);
}

function requireSkew(value: unknown): number {
  if (value === undefined) return 60_000;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new ValidationError('options.refreshSkewMs', 'a finite number of milliseconds, 0 or more', typeof value === 'number' ? String(value) : typeof value);
}

/**
 * Creates an undici interceptor that authenticates requests to `origin` with an Atlas
 * service account (OAuth 2.0 client credentials). Use it as
 * `new Agent().compose(createServiceAccountInterceptor({ clientId, clientSecret, origin }))`.
 *
 * - The token comes from `POST {origin}{tokenPath}` (Basic client authentication,
 *   `grant_type=client_credentials`), sent through the dispatcher this interceptor wraps.
 * - It is cached until `expires_in` minus `refreshSkewMs`; concurrent requests share one fetch.
 * - A 401 to a request carrying our token drops the token and sends the request once more
 *   with a new one (stream or iterable bodies excepted); a second 401 reaches the caller.
 * - Requests to other origins, and requests that already carry `Authorization`, pass
 *   through untouched.
 * - A failed token request fails the caller's request with an `AuthError`; the
 *   caller's abort signal is honoured while it waits for a token.
 *
 * @throws {ValidationError} when an option is missing or malformed (never quoting the secret).
 */
export function createServiceAccountInterceptor(options: ServiceAccountInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', 'an options object', options === null ? 'null' : typeof options);
  }
  // Basic authentication cannot carry a ':' in the user id (RFC 7617 §2).
  const clientId = requireString('options.clientId', options.clientId, false, { noColon: true });
  const clientSecret = requireString('options.clientSecret', options.clientSecret, true);
  const origin = requireOrigin('options.origin', options.origin);
  const tokenPath = requireTokenPath(options.tokenPath);
  const skewMs = requireSkew(options.refreshSkewMs);
  const now = optionalFunction<() => number>('options.now', options.now) ?? Date.now;
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;

  return (dispatch) => {
    const request: TokenRequest = { dispatch, origin, path: tokenPath, clientId, authorization: basic };
    // One cache per wrapped dispatch: the token travels through the pool it was fetched with.
    const tokens = new TokenCache(() => requestToken(request), skewMs, now);
    return function serviceAccountAuth(opts, handler) {
      if (!shouldAuthenticate(opts, origin)) return dispatch(opts, handler);
      const replayable = isReplayableBody(opts.body);
      let sent = '';
      const bearer = (token: string): Dispatcher.DispatchOptions => {
        sent = token;
        return withHeader(opts, 'authorization', `Bearer ${token}`);
      };
      let refreshed = false;
      const retry = new AuthRetryHandler(dispatch, handler, (statusCode) => {
        if (statusCode !== 401 || refreshed || !replayable) return undefined;
        refreshed = true;
        tokens.drop(sent);
        return () => map(tokens.get(), bearer);
      });
      return retry.send(map(tokens.get(), bearer));
    };
  };
}
