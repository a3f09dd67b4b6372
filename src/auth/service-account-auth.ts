import type { Dispatcher } from 'undici';
import { OAUTH_TOKEN_PATH } from '../atlas/operations.js';
import { AuthError } from '../errors/atlas-errors.js';
import { toError } from '../errors/shim-error.js';
import { collectResponse, type CollectedResponse } from '../http/collect-response.js';
import { firstValue, withHeader } from '../http/headers.js';
import { AuthRetryHandler, isReplayableBody, shouldAuthenticate } from './auth-handler.js';

/** Options of {@link createServiceAccountInterceptor}. */
export interface ServiceAccountInterceptorOptions {
  /** The service account's client id. Required; may appear in error messages. */
  readonly clientId: string;
  /** The service account's client secret. Required; never logged or put in an error. */
  readonly clientSecret: string;
  /** The only origin that gets tokens, and where they are fetched ({@link OAUTH_TOKEN_PATH}), as `URL.origin` writes it. Required. */
  readonly origin: string;
}

/** How long before its expiry a token is replaced: a minute, so a request never leaves with a token about to lapse. */
const REFRESH_SKEW_MS = 60_000;

/**
 * The access token of one service account: cached until shortly before it expires, and
 * fetched at most once at a time however many requests need it.
 */
class TokenCache {
  readonly #fetch: () => Promise<IssuedToken>;
  #token: { value: string; refreshAt: number } | undefined;
  #inflight: Promise<string> | undefined;

  constructor(fetch: () => Promise<IssuedToken>) {
    this.#fetch = fetch;
  }

  /** A usable token: synchronously when cached, so warm requests go out without delay. */
  get(): string | Promise<string> {
    const token = this.#token;
    if (token !== undefined && Date.now() < token.refreshAt) return token.value;
    this.#inflight ??= this.#refresh();
    return this.#inflight;
  }

  /** Forgets `value` after Atlas refused it, unless a newer token already replaced it. */
  drop(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }

  async #refresh(): Promise<string> {
    const startedAt = Date.now();
    try {
      const { accessToken, expiresInMs } = await this.#fetch();
      // Without a lifetime the token serves the requests already waiting for it, and no more.
      const refreshAt = expiresInMs === undefined ? startedAt : startedAt + expiresInMs - REFRESH_SKEW_MS;
      this.#token = { value: accessToken, refreshAt };
      return accessToken;
    } finally {
      this.#inflight = undefined;
    }
  }
}

const map = <T, U>(value: T | Promise<T>, f: (v: T) => U): U | Promise<U> =>
  value instanceof Promise ? value.then(f) : f(value);

/**
 * Creates an undici interceptor that authenticates requests to `origin` with an Atlas
 * service account (OAuth 2.0 client credentials). Use it as
 * `new Agent().compose(createServiceAccountInterceptor({ clientId, clientSecret, origin }))`.
 *
 * - The token comes from `POST {origin}/api/oauth/token` (Basic client authentication,
 *   `grant_type=client_credentials`), sent through the dispatcher this interceptor wraps.
 * - It is cached until a minute before `expires_in` runs out; concurrent requests share one fetch.
 * - A 401 to a request carrying our token drops the token and sends the request once more
 *   with a new one (stream or iterable bodies excepted); a second 401 reaches the caller.
 * - Requests to other origins, and requests that already carry `Authorization`, pass
 *   through untouched.
 * - A failed token request fails the caller's request with an `AuthError`; the
 *   caller's abort signal is honoured while it waits for a token.
 *
 * The options were checked by the shim (`createSnapshotShim`'s `credentials` and `baseUrl`).
 */
export function createServiceAccountInterceptor(options: ServiceAccountInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  const { clientId, origin } = options;
  const basic = `Basic ${Buffer.from(`${clientId}:${options.clientSecret}`, 'utf8').toString('base64')}`;

  return (dispatch) => {
    const request: TokenRequest = { dispatch, origin, clientId, authorization: basic };
    // One cache per wrapped dispatch: the token travels through the pool it was fetched with.
    const tokens = new TokenCache(() => requestToken(request));
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

/** Where and how to ask for a service-account token. */
export interface TokenRequest {
  /** The dispatch function the interceptor wraps, so the token shares its pool and inner interceptors. */
  readonly dispatch: Dispatcher.Dispatch;
  /** The Atlas origin, `scheme://host[:port]`. */
  readonly origin: string;
  /** The client id, for error messages. */
  readonly clientId: string;
  /** The complete `Authorization: Basic …` value. */
  readonly authorization: string;
}

/** A token as the endpoint issued it. */
export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime from `expires_in`, in milliseconds; undefined when the endpoint gave none. */
  readonly expiresInMs: number | undefined;
}

// A token response is a few hundred bytes; anything much larger is not one.
const MAX_BODY_BYTES = 64 * 1024;

/** Reads the OAuth `error` code of a refusal, when it is a plain code (the body itself is never quoted). */
function oauthErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: unknown }).error;
    return typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function parseToken(body: string, contentType: string | undefined, what: string, status: number): IssuedToken {
  const checkOrigin = 'Check that the origin is the Atlas Admin API and the token path is right.';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AuthError(`${what} answered HTTP ${status} with a body that is not JSON (content-type ${contentType ?? 'none'}). ${checkOrigin}`, status);
  }
  const token = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  if (typeof token.access_token !== 'string' || token.access_token === '' || /[\x00-\x20\x7f]/.test(token.access_token)) {
    throw new AuthError(`${what} answered HTTP ${status} without a usable access_token. ${checkOrigin}`, status);
  }
  const type = token.token_type;
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
    const shown = typeof type === 'string' && /^[\w-]{1,20}$/.test(type) ? type : typeof type;
    throw new AuthError(`${what} answered with token type ${shown}; only Bearer tokens are supported.`, status);
  }
  const expiresIn = Number(token.expires_in);
  return { accessToken: token.access_token, expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined };
}

function refusal(what: string, clientId: string, status: number, body: string): AuthError {
  const code = oauthErrorCode(body);
  const hint =
    status === 400 || status === 401 || status === 403
      ? `Check the client id '${clientId}' and its secret, that the service account is active and its secret not expired, and that its API access list allows this address.`
      : 'Atlas may be unavailable; try again later.';
  return new AuthError(`${what} was refused with HTTP ${status}${code ? ` (${code})` : ''}. ${hint}`, status);
}

/**
 * Asks the token endpoint for an access token (OAuth 2.0 client credentials grant).
 * Rejects with `AuthError` on a network failure, a non-2xx answer, a body that is not
 * JSON or one without `access_token`; the message never quotes the body, the secret or
 * a token.
 */
export async function requestToken(request: TokenRequest): Promise<IssuedToken> {
  const what = `The Atlas service account token request (POST ${OAUTH_TOKEN_PATH})`;
  const opts: Dispatcher.DispatchOptions = {
    origin: request.origin,
    path: OAUTH_TOKEN_PATH,
    method: 'POST',
    headers: {
      authorization: request.authorization,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  };
  let answer: CollectedResponse;
  try {
    answer = await collectResponse(request.dispatch, opts, {
      limitBytes: MAX_BODY_BYTES,
      tooLarge: (status, limit) => new AuthError(`${what} answered with a body over ${limit} bytes; that is not a token response.`, status),
    });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(`${what} failed (${toError(error).message}). Check that ${request.origin} is reachable.`, undefined, { cause: error });
  }
  const { status } = answer;
  const body = answer.body.toString('utf8');
  if (status < 200 || status > 299) throw refusal(what, request.clientId, status, body);
  return parseToken(body, firstValue(answer.headers['content-type']), what, status);
}
