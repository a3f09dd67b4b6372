import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { digestSecretHash, formatDigestAuthorization, parseDigestChallenge, type DigestChallenge } from './digest.js';
import { withHeader, withQueryInPath } from '../http/headers.js';
import { AuthRetryHandler, isReplayableBody, shouldAuthenticate, type NextAttempt } from './auth-handler.js';

/** Options of {@link createDigestAuthInterceptor}. */
export interface DigestAuthInterceptorOptions {
  /** The programmatic API key's public key: the digest username. Required. */
  readonly publicKey: string;
  /** The programmatic API key's private key: the digest password. Required; never logged or put in an error. */
  readonly privateKey: string;
  /** The only origin that gets credentials, as `URL.origin` writes it, e.g. `'https://cloud.mongodb.com'`. Required. */
  readonly origin: string;
}

/** A fresh client nonce per request: 32 random hex digits, a random UUID's (Node draws them from a batched CSPRNG cache). */
const randomCnonce = (): string => randomUUID().replaceAll('-', '');

/** How the first challenge's look-up ended, for the requests waiting on it. */
type ProbeOutcome = 'challenged' | 'answered' | 'failed';

/**
 * The digest state of one origin: the last challenge and the nonce count used with it.
 * Shared by every request through the interceptor, which is what lets a warm client sign
 * preemptively instead of paying a challenge per request.
 *
 * Before the first challenge, one request goes out unsigned to fetch it (the probe) and
 * every other request waits for its answer: N concurrent first requests cost one 401,
 * not N (each of which would also have moved the server to a new nonce).
 */
class DigestSession {
  readonly #username: string;
  readonly #password: string;
  #challenge: DigestChallenge | undefined;
  #nc = 0;
  // H(username:realm:password) of the current realm and algorithm: one hash per challenge instead of one per request.
  #secretHash: string | undefined;
  #probe: { readonly done: Promise<void>; readonly release: () => void } | undefined;
  // The probe was answered without a challenge: this origin does not ask for digest, so nobody waits any more.
  #unchallenged = false;

  constructor(username: string, password: string) {
    this.#username = username;
    this.#password = password;
  }

  /** Adopts the server's latest challenge; a new nonce starts its count afresh. */
  remember(challenge: DigestChallenge): void {
    if (this.#challenge?.nonce !== challenge.nonce) this.#nc = 0;
    if (this.#challenge?.realm !== challenge.realm || this.#challenge?.algorithm !== challenge.algorithm) this.#secretHash = undefined;
    this.#challenge = challenge;
  }

  /**
   * Whether a request may go now: `'go'` (signed when a challenge is known), `'probe'` (go
   * unsigned to fetch the first challenge, then call {@link endProbe}), or a promise to wait
   * on before asking again.
   */
  admit(): 'go' | 'probe' | Promise<void> {
    if (this.#challenge !== undefined || this.#unchallenged) return 'go';
    if (this.#probe !== undefined) return this.#probe.done;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.#probe = { done, release };
    return 'probe';
  }

  /** The probe's answer arrived (or it failed): the waiting requests go, signed if it brought a challenge. */
  endProbe(outcome: ProbeOutcome): void {
    const probe = this.#probe;
    if (probe === undefined) return;
    this.#probe = undefined;
    if (outcome === 'answered' && this.#challenge === undefined) this.#unchallenged = true;
    // After a failure the first waiter to ask again becomes the next probe.
    probe.release();
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
    this.#secretHash ??= digestSecretHash(challenge.algorithm, this.#username, challenge.realm, this.#password);
    return formatDigestAuthorization(challenge, {
      username: this.#username,
      password: this.#password,
      method,
      uri,
      nc: this.#nc,
      cnonce: randomCnonce(),
      secretHash: this.#secretHash,
    });
  }

  // Debuggers and loggers see the public state only.
  [inspect.custom](): string {
    return `DigestSession { username: ${JSON.stringify(this.#username)}, nonce: ${this.#challenge ? 'known' : 'none'}, nc: ${this.#nc} }`;
  }
}

/**
 * Forwards every event to `handler`, and calls `onSettled` when the request ends either
 * way: how a probe that fails (network error, abort) lets the requests waiting on it go.
 */
function settlingHandler(handler: Dispatcher.DispatchHandler, onSettled: () => void): Dispatcher.DispatchHandler {
  return {
    onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
    onResponseStart: (controller, statusCode, headers, statusMessage) => handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
    onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
    onResponseEnd: (controller, trailers) => {
      onSettled();
      handler.onResponseEnd?.(controller, trailers);
    },
    onResponseError: (controller, error) => {
      onSettled();
      handler.onResponseError?.(controller, error);
    },
  };
}

/**
 * Creates an undici interceptor that authenticates requests to `origin` with HTTP Digest
 * (RFC 7616), as the Atlas Admin API expects for programmatic API keys. Use it as
 * `new Agent().compose(createDigestAuthInterceptor({ publicKey, privateKey, origin }))`.
 *
 * - Requests to other origins, and requests that already carry `Authorization`, pass
 *   through untouched.
 * - After the first challenge, requests are signed preemptively with the remembered
 *   nonce and a rising nonce count, so a warm client pays one round trip per request.
 * - Before it, one request fetches the challenge and concurrent ones wait for it, so a
 *   cold burst pays one 401 in all.
 * - A 401 Digest challenge is swallowed and the request sent once more, signed: at most
 *   once after an unsigned or preemptively signed attempt, and up to
 *   {@link MAX_STALE_RETRIES} more times when the server says `stale=true` (the key was
 *   right, the nonce old: each answer brings a new one). Any other 401 (wrong key) reaches
 *   the caller as it came.
 * - Requests whose body is a stream or iterable are not sent twice: their 401 is forwarded.
 *
 * MD5, SHA-256, SHA-512-256 and their `-sess` variants are supported.
 *
 * Why our own: no maintained package does digest as an undici interceptor. urllib 4 (built
 * on undici) has a `digestAuth` option, but only inside its own `request()`, and it answers
 * a fresh challenge on every request (no nonce reuse, no `stale=true`); digest-fetch wraps a
 * fetch function and is not an undici dispatcher either.
 *
 * The options were checked by the shim (`createSnapshotShim`'s `credentials` and `baseUrl`).
 */
/**
 * `stale=true` answers in a row one request takes, each with the new nonce it brought. More
 * than one: another request may have spent the new nonce's freshness first, or the server
 * rotated it again; a server that keeps answering so is not believed forever.
 */
export const MAX_STALE_RETRIES = 3;

export function createDigestAuthInterceptor(options: DigestAuthInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  const { origin } = options;
  const session = new DigestSession(options.publicKey, options.privateKey);

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
      let staleRetries = 0;
      // Whether this request is the probe fetching the session's first challenge, and whether it has ended.
      let probing = false;
      let settled = false;
      const endProbe = (outcome: ProbeOutcome): void => {
        if (!probing) return;
        probing = false;
        session.endProbe(outcome);
      };
      const first = (): NextAttempt => {
        // A request that ended while it waited (aborted) must not become a probe nobody ends.
        if (settled) return base;
        const admission = session.admit();
        if (admission === 'go') return sign();
        if (admission === 'probe') {
          probing = true;
          return base;
        }
        return admission.then(first);
      };
      const admission = first();
      // Only a cold request needs to report how it ended; a warm one keeps the caller's handler as it is.
      const caller =
        admission === base || admission instanceof Promise
          ? settlingHandler(handler, () => {
              settled = true;
              endProbe('failed');
            })
          : handler;
      const retry = new AuthRetryHandler(dispatch, caller, (statusCode, headers) => {
        const challenge = statusCode === 401 ? parseDigestChallenge(headers['www-authenticate']) : undefined;
        if (challenge !== undefined) session.remember(challenge);
        endProbe(challenge !== undefined ? 'challenged' : 'answered');
        if (challenge === undefined || !replayable) return undefined;
        if (challenge.stale && staleRetries < MAX_STALE_RETRIES) staleRetries += 1;
        else if (!fresh && !retriedUnsigned) retriedUnsigned = true;
        // A freshly signed request refused without `stale`: the key is wrong, retrying would loop.
        else return undefined;
        return () => {
          fresh = true;
          return sign();
        };
      });
      return retry.send(admission);
    };
}
