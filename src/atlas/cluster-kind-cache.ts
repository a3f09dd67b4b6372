import type { ClusterKindFinding } from '../policy/classify-cluster.js';

interface Entry {
  readonly finding: ClusterKindFinding;
  readonly expiresAt: number;
}

/**
 * Remembers resolved cluster kinds for `ttlMs`, and makes concurrent look-ups of the same
 * cluster share one request. Failures are not remembered.
 */
export class ClusterKindCache {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<ClusterKindFinding>>();

  /**
   * @param ttlMs how long a finding is kept; 0 keeps none (concurrent calls still share one look-up).
   * @param now monotonic-enough clock in milliseconds. Default `Date.now`.
   */
  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached finding for `key`, or the result of `lookup` (shared by concurrent callers). */
  async get(key: string, lookup: () => Promise<ClusterKindFinding>): Promise<ClusterKindFinding> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.#now()) return entry.finding;
    this.#entries.delete(key);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const promise = lookup().then(
      (finding) => {
        this.#inFlight.delete(key);
        if (this.#ttlMs > 0) this.#entries.set(key, { finding, expiresAt: this.#now() + this.#ttlMs });
        return finding;
      },
      (error: unknown) => {
        this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** Forgets `key`, so the next call asks Atlas again (after Atlas contradicted the cached kind). */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}
