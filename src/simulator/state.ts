import { AtlasAuthenticator, BearerTokenStore, createCredentials, type SimulatorCredentials } from './auth.js';
import { SimulatorClock } from './clock.js';
import { DigestNonceStore } from './digest-nonces.js';
import { FaultPlan } from './faults/fault-plan.js';
import { RestoreJobStore } from './jobs.js';
import type { ResolvedSimulatorOptions } from './options.js';
import { seedProject, type SeedProject } from './seed.js';
import { SnapshotContent } from './snapshot-content.js';
import { ProjectTokenBuckets } from './token-bucket.js';
import type { SimulatorRequestRecord } from './types.js';

/**
 * The `RateLimit-Limit`/`RateLimit-Remaining` headers Atlas puts on successful answers: a fixed
 * one-minute window. Counted only, never enforced, so a long test run is never throttled (the
 * operations of an enforced token bucket, when the `rateLimit` option asks for one, report it instead).
 */
export class RateLimitCounter {
  /** Requests a window allows, as the headers announce it. */
  static readonly LIMIT = 100;
  /** Length of a window. */
  static readonly WINDOW_MS = 60_000;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;

  constructor(monotonicMs: () => number) {
    this.#now = monotonicMs;
  }

  /** Counts one request and returns the headers to send with it. */
  take(): { 'RateLimit-Limit': string; 'RateLimit-Remaining': string } {
    const now = this.#now();
    if (now - this.#windowStart >= RateLimitCounter.WINDOW_MS) {
      this.#windowStart = now;
      this.#used = 0;
    }
    this.#used += 1;
    return {
      'RateLimit-Limit': String(RateLimitCounter.LIMIT),
      'RateLimit-Remaining': String(Math.max(0, RateLimitCounter.LIMIT - this.#used)),
    };
  }
}

/** Everything one running simulator holds; handlers read it, only the public API mutates it. */
export interface SimulatorState {
  readonly options: ResolvedSimulatorOptions;
  readonly clock: SimulatorClock;
  readonly credentials: SimulatorCredentials;
  readonly project: SeedProject;
  readonly jobs: RestoreJobStore;
  readonly content: SnapshotContent;
  readonly tokens: BearerTokenStore;
  readonly authenticator: AtlasAuthenticator;
  readonly rateLimit: RateLimitCounter;
  /** Atlas's per-project token buckets of the Flex backup operations; undefined unless the `rateLimit` option asks. */
  readonly tokenBuckets: ProjectTokenBuckets | undefined;
  readonly requests: SimulatorRequestRecord[];
  /** Injected and random faults (none unless a test or the `faults` option asks). */
  readonly faults: FaultPlan;
  /** Snapshot-file responses still to be cut short: each sends `afterBytes` of its body, then drops the connection. */
  readonly snapshotCuts: { afterBytes: number; remaining: number };
  /** `http://127.0.0.1:<port>`, known once the server listens; links and `snapshotUrl` start with it. */
  baseUrl: string;
}

/** Builds the state of a fresh simulator (seeded against the Atlas clock at start). */
export function createSimulatorState(options: ResolvedSimulatorOptions): SimulatorState {
  const clock = new SimulatorClock(options.now);
  const monotonic = (): number => clock.monotonicMs();
  let startedAt: Date;
  try {
    startedAt = clock.now();
  } catch {
    throw new TypeError('startAtlasSimulator: option "now" must be a function returning a valid Date');
  }
  const credentials = createCredentials();
  const tokens = new BearerTokenStore(options.tokenTtlSeconds, monotonic);
  return {
    options,
    clock,
    credentials,
    project: seedProject(startedAt),
    jobs: new RestoreJobStore(monotonic, options.jobDurationMs),
    content: new SnapshotContent(options.snapshotSizeBytes),
    tokens,
    authenticator: new AtlasAuthenticator(credentials, options.digestAlgorithm, new DigestNonceStore(options.nonceTtlMs, monotonic), tokens),
    rateLimit: new RateLimitCounter(monotonic),
    tokenBuckets: options.rateLimit === undefined ? undefined : new ProjectTokenBuckets(options.rateLimit, monotonic),
    requests: [],
    faults: new FaultPlan(options.faults),
    snapshotCuts: { afterBytes: 0, remaining: 0 },
    baseUrl: '',
  };
}
