import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { formatDigestAuthorization, parseDigestChallenge, type DigestChallenge } from './digest.js';
import { isReplayableBody, optionalFunction, requireOrigin, requireString, shouldAuthenticate, withHeader, withQueryInPath } from './auth-request.js';
import { ValidationError } from '../errors/validation-error.js';
import { AuthRetryHandler } from './auth-retry-handler.js';

/** Options of {@link createDigestAuthInterceptor}. */
export interface DigestAuthInterceptorOptions {
  /** The programmatic API key's public key: the digest username. Required. */
  readonly publicKey: string;
  /** The programmatic API key's private key: the digest password. Required; never logged or put in an error. */
  readonly privateKey: string;
  /** The only origin that gets credentials, e.g. `'https://cloud.mongodb.com'`. Required. */
  readonly origin: string | URL;
  /** Client nonce source. Default: 16 random bytes as hex, new for every request. */
  readonly cnonce?: () => string;
}

/**
 * The digest state of one origin: the last challenge and the nonce count used with it.
 * Shared by every request through the interceptor, which is what lets a warm client sign
 * preemptively instead of paying a challenge per request.
 */
class DigestSession {
  readonly #username: string;
  readonly #password: string;
  readonly #cnonce: () => string;
  #challenge: DigestChallenge | undefined;
  #nc = 0;

  constructor(username: string, password: string, cnonce: () => string) {
    this.#username = username;
    this.#password = password;
    this.#cnonce = cnonce;
  }

  /** Adopts the server's latest challenge; a new nonce starts its count afresh. */
  remember(challenge: DigestChallenge): void {
    if (this.#challenge?.nonce !== challenge.nonce) this.#nc = 0;
    this.#challenge = challenge;
  }

  /**
   * The `Authorization` value for one request, or undefined before any challenge. Every
   * call takes the next nonce count; JavaScript runs it to completion, so concurrent
   * requests never share one.
   */
  authorize(method: string, uri: string): string | undefined {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    this.#nc += 1;
    return formatDigestAuthorization(challenge, {
      username: this.#username,
      password: this.#password,
      method,
      uri,
      nc: this.#nc,
      cnonce: this.#cnonce(),
    });
  }

  // Debuggers and loggers see the public state only.
  [inspect.custom](): string {
    return `DigestSession { username: ${JSON.stringify(this.#username)}, nonce: ${this.#challenge ? 'known' : 'none'}, nc: ${this.#nc} }`;
  }
}

const randomCnonce = (): string => randomBytes(16).toString('hex');

/**
 * Creates an undici interceptor that authenticates requests to `origin` with HTTP Digest
 * (RFC 7616), as the Atlas Admin API expects for programmatic API keys. Use it as
 * `new Agent().compose(createDigestAuthInterceptor({ publicKey, privateKey, origin }))`.
 *
 * - Requests to other origins, and requests that already carry `Authorization`, pass
 *   through untouched.
 * - After the first challenge, requests are signed preemptively with the remembered
 *   nonce and a rising nonce count, so a warm client pays one round trip per request.
 * - A 401 Digest challenge is swallowed and the request sent once more, signed: at most
 *   once after an unsigned or preemptively signed attempt, and once more when the server
 *   says `stale=true`. Any other 401 (wrong key) reaches the caller as it came.
 * - Requests whose body is a stream or iterable are not sent twice: their 401 is forwarded.
 *
 * MD5, SHA-256, SHA-512-256 and their `-sess` variants are supported.
 *
 * Why our own: no maintained package does digest as an undici interceptor. urllib 4 (built
 * on undici) has a `digestAuth` option, but only inside its own `request()`, and it answers
 * a fresh challenge on every request (no nonce reuse, no `stale=true`); digest-fetch wraps a
 * fetch function and is not an undici dispatcher either.
 *
 * @throws {ValidationError} when an option is missing or malformed (never quoting the private key).
 */
export function createDigestAuthInterceptor(options: DigestAuthInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', 'an options object', options === null ? 'null' : typeof options);
  }
  const publicKey = requireString('options.publicKey', options.publicKey, false);
  const privateKey = requireString('options.privateKey', options.privateKey, true);
  const origin = requireOrigin('options.origin', options.origin);
  const cnonce = optionalFunction<() => string>('options.cnonce', options.cnonce) ?? randomCnonce;
  const session = new DigestSession(publicKey, privateKey, cnonce);

  return (dispatch) =>
    function digestAuth(opts, handler) {
      if (!shouldAuthenticate(opts, origin)) return dispatch(opts, handler);
      const base = withQueryInPath(opts);
      const replayable = isReplayableBody(base.body);
      const sign = (): Dispatcher.DispatchOptions => {
        const authorization = session.authorize(base.method, base.path);
        return authorization === undefined ? base : withHeader(base, 'authorization', authorization);
      };

      // Per request: which kind of attempt went last, and which retry reasons are spent.
      let fresh = false;
      let retriedUnsigned = false;
      let retriedStale = false;
      const retry = new AuthRetryHandler(dispatch, handler, (statusCode, headers) => {
        if (statusCode !== 401) return undefined;
        const challenge = parseDigestChallenge(headers['www-authenticate']);
        if (challenge === undefined) return undefined;
        session.remember(challenge);
        if (!replayable) return undefined;
        if (challenge.stale && !retriedStale) retriedStale = true;
        else if (!fresh && !retriedUnsigned) retriedUnsigned = true;
        // A freshly signed request refused without `stale`: the key is wrong, retrying would loop.
        else return undefined;
        return () => {
          fresh = true;
          return sign();
        };
      });
      return retry.send(sign());
    };
}
