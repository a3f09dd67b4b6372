import { randomBytes } from 'node:crypto';

interface NonceState {
  readonly issuedMs: number;
  /** Nonce counts accepted so far. */
  readonly usedCounts: Set<number>;
}

/** What a nonce is worth when a request presents it. */
export type NonceFreshness = 'fresh' | 'stale';

/**
 * Digest nonces: issued on every challenge, fresh for `ttlMs` of real time, each with the nonce
 * counts seen. One nonce serves any number of requests and connections, as long as no count is
 * used twice (requests signed in order may arrive out of order over several connections): that is what lets a warm client pay one challenge rather than one per request.
 */
export class DigestNonceStore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  // Insertion order is issue order, so expired nonces are always at the front.
  readonly #nonces = new Map<string, NonceState>();

  constructor(ttlMs: number, monotonicMs: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = monotonicMs;
  }

  /** A new nonce (32 base64 characters, like Atlas's). */
  issue(): string {
    this.#prune();
    const nonce = randomBytes(24).toString('base64');
    this.#nonces.set(nonce, { issuedMs: this.#now(), usedCounts: new Set() });
    return nonce;
  }

  /**
   * `stale` for an expired nonce and for one this store does not know (expired and pruned, or from
   * an earlier simulator): either way the client's credentials may be right and a retry with a
   * fresh nonce is the answer.
   */
  freshness(nonce: string): NonceFreshness {
    const state = this.#nonces.get(nonce);
    return state !== undefined && this.#now() - state.issuedMs < this.#ttlMs ? 'fresh' : 'stale';
  }

  /** Accepts `count` if this nonce has not been used with it before (a replay otherwise). */
  advance(nonce: string, count: number): boolean {
    const state = this.#nonces.get(nonce);
    if (state === undefined || count < 1 || state.usedCounts.has(count)) return false;
    state.usedCounts.add(count);
    return true;
  }

  #prune(): void {
    const now = this.#now();
    for (const [nonce, state] of this.#nonces) {
      if (now - state.issuedMs < this.#ttlMs) break;
      this.#nonces.delete(nonce);
    }
  }
}
