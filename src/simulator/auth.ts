import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { computeDigestResponse, parseDigestAuthorization } from '../auth/digest.js';
import { SimulatorApiError } from './api-error.js';
import type { DigestNonceStore } from './digest-nonces.js';
import { SIMULATOR_ERROR_CODES } from './error-codes.js';
import type { Exchange } from './exchange.js';
import type { SimulatorDigestAlgorithm } from './types.js';

/**
 * Who may call the simulator: the credentials of one run, the service-account tokens issued
 * for them, and the check every Atlas operation passes first.
 */

/** Credentials one simulator run accepts; fresh per start so no test can depend on fixed secrets. */
export interface SimulatorCredentials {
  readonly apiKey: { readonly publicKey: string; readonly privateKey: string };
  readonly serviceAccount: { readonly clientId: string; readonly clientSecret: string };
}

/** Compares a presented secret with the expected one in constant time (for equal lengths). */
export function secretsEqual(presented: string, expected: string): boolean {
  const left = Buffer.from(presented);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Creates credentials shaped like Atlas's: an 8-letter public key, a UUID private key, `mdb_sa_` ids. */
export function createCredentials(): SimulatorCredentials {
  const letters = Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('');
  return {
    apiKey: { publicKey: letters, privateKey: randomUUID() },
    serviceAccount: {
      clientId: `mdb_sa_id_${randomBytes(12).toString('hex')}`,
      clientSecret: `mdb_sa_sk_${randomBytes(30).toString('base64url')}`,
    },
  };
}

/** Service-account bearer tokens, valid for a fixed real-time lifetime or until revoked. */
export class BearerTokenStore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  // Insertion order is expiry order (one lifetime for all), so pruning stops at the first live token.
  readonly #expiries = new Map<string, number>();

  constructor(ttlSeconds: number, monotonicMs: () => number) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = monotonicMs;
  }

  /** Issues a token; opaque to clients, as Atlas's are meant to be treated. */
  issue(): string {
    const now = this.#now();
    for (const [token, expiry] of this.#expiries) {
      if (expiry > now) break;
      this.#expiries.delete(token);
    }
    const token = randomBytes(32).toString('base64url');
    this.#expiries.set(token, now + this.#ttlMs);
    return token;
  }

  /** True while the token is unexpired and not revoked. */
  isValid(token: string): boolean {
    const expiry = this.#expiries.get(token);
    return expiry !== undefined && this.#now() < expiry;
  }

  /** Invalidates every token issued so far. */
  revokeAll(): void {
    this.#expiries.clear();
  }
}

/** Atlas's digest realm. */
const DIGEST_REALM = 'MMS Public API';

/**
 * Checks the credentials of an Atlas operation: HTTP Digest (RFC 7616, qop=auth) with the API
 * key, or a service-account bearer token. Every refusal is a 401 `ApiError` carrying a fresh
 * Digest challenge, as Atlas sends one on any 401.
 */
export class AtlasAuthenticator {
  readonly #credentials: SimulatorCredentials;
  readonly #algorithm: SimulatorDigestAlgorithm;
  readonly #nonces: DigestNonceStore;
  readonly #tokens: BearerTokenStore;

  constructor(credentials: SimulatorCredentials, algorithm: SimulatorDigestAlgorithm, nonces: DigestNonceStore, tokens: BearerTokenStore) {
    this.#credentials = credentials;
    this.#algorithm = algorithm;
    this.#nonces = nonces;
    this.#tokens = tokens;
  }

  /** Returns when the request is authenticated; throws the 401 otherwise. */
  authenticate(exchange: Exchange): void {
    const header = exchange.req.headers.authorization;
    if (exchange.auth === 'digest') return this.#digest(exchange, header as string);
    if (exchange.auth === 'bearer') {
      const token = /^\s*Bearer\s+(\S+)\s*$/i.exec(header as string)?.[1];
      if (token !== undefined && this.#tokens.isValid(token)) return;
      throw this.#refuse('The access token is invalid, expired or revoked.');
    }
    throw this.#refuse('You are not authorized for this resource.');
  }

  #digest(exchange: Exchange, header: string): void {
    const p = parseDigestAuthorization(header) ?? {};
    const { username, nonce, uri, response, nc, cnonce } = p;
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined || cnonce === undefined) {
      throw this.#refuse('The digest credentials are incomplete.');
    }
    if (p.realm !== DIGEST_REALM) throw this.#refuse('The digest realm does not match.');
    if (p.qop !== 'auth' || nc === undefined || !/^[0-9a-f]{8}$/i.test(nc)) {
      throw this.#refuse('The digest must use qop=auth with an 8-digit nonce count.');
    }
    if ((p.algorithm ?? 'MD5').toUpperCase() !== this.#algorithm) throw this.#refuse(`The digest algorithm must be ${this.#algorithm}.`);
    if (uri !== exchange.target) throw this.#refuse('The digest uri does not match the request target.');
    const { publicKey, privateKey } = this.#credentials.apiKey;
    const expected = computeDigestResponse({
      algorithm: this.#algorithm,
      username: publicKey,
      password: privateKey,
      realm: DIGEST_REALM,
      nonce,
      method: exchange.method,
      uri,
      qop: 'auth',
      nc,
      cnonce,
    });
    if (username !== publicKey || !secretsEqual(response.toLowerCase(), expected)) throw this.#refuse('You are not authorized for this resource.');
    // Right credentials on an old nonce: only the nonce needs renewing, which stale=true tells the client.
    if (this.#nonces.freshness(nonce) === 'stale') throw this.staleNonce();
    if (!this.#nonces.advance(nonce, Number.parseInt(nc, 16))) throw this.#refuse('The digest nonce count was already used.');
  }

  /** The `WWW-Authenticate` value of a new challenge, in Atlas's parameter order. */
  #challenge(stale: boolean): string {
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${this.#nonces.issue()}", algorithm=${this.#algorithm}, qop="auth", stale=${stale}`;
  }

  /** The 401 of right credentials on an old nonce: a fresh challenge with `stale=true`, so only the nonce needs renewing. */
  staleNonce(): SimulatorApiError {
    return this.#refuse('The digest nonce is stale.', true);
  }

  #refuse(detail: string, stale = false): SimulatorApiError {
    return new SimulatorApiError(401, SIMULATOR_ERROR_CODES.unauthorized, detail, {
      headers: { 'WWW-Authenticate': this.#challenge(stale) },
    });
  }
}
