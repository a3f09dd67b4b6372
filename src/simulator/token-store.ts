import { randomBytes } from 'node:crypto';

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
