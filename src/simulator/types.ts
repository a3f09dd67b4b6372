import type { SimulatorFaultKind, SimulatorFaults, SimulatorJobRecord, SimulatorRandomFaults } from './faults/types.js';

/**
 * Public types of the embedded Atlas simulator. The names are a contract with the rest of the
 * library's tests: change them only together with their users.
 */

/** Digest algorithms the simulator can challenge with. Atlas itself uses MD5. */
export type SimulatorDigestAlgorithm = 'MD5' | 'SHA-256';

/**
 * How the tenant operations answer from the sunset on: `'gone'` is what Atlas's versioning
 * policy gives a sunset API version (410 `VERSION_GONE`); `'not-found'` is what a removed path
 * gives (404 `RESOURCE_NOT_FOUND`).
 */
export type SimulatorSunsetAnswer = 'gone' | 'not-found';

/**
 * Atlas's per-project token bucket of the Flex snapshot and restore-job operations (the Flex
 * operations under `/backup/`: snapshots list and get, download, restore jobs list and get).
 * Every member is optional; an object turns the bucket on with Atlas's figures for what it
 * leaves out.
 *
 * - One token per request, drawn once the request is authenticated (a 401 costs nothing) and
 *   its path, method, version and path parameters passed, from the bucket of the path's
 *   `groupId` (any well-formed project id has its own, the seeded one or not).
 * - Refill is continuous: `refillTokens / refillIntervalMs` tokens per millisecond of the
 *   simulator's monotonic clock (not the Atlas clock, so `setNow` neither fills nor drains it),
 *   up to `capacity`. A new bucket starts full.
 * - An empty bucket answers 429 `RATE_LIMITED_TOKEN_BUCKET` with `RateLimit-Limit: <capacity>`,
 *   `RateLimit-Remaining: 0` and, as `retryAfter` says, `Retry-After` in delta-seconds, rounded
 *   up, until one token is back. A request that drew its token is answered with
 *   `RateLimit-Limit` and `RateLimit-Remaining` (the whole tokens left) on its 200.
 */
export interface SimulatorRateLimit {
  /** Tokens a full bucket holds. Default 1200 (Atlas's). */
  readonly capacity?: number;
  /** Tokens added per `refillIntervalMs`. Default 500 (Atlas's). */
  readonly refillTokens?: number;
  /** The interval `refillTokens` come back in, in real milliseconds. Default 60000 (Atlas's). */
  readonly refillIntervalMs?: number;
  /**
   * When a 429 of the bucket carries `Retry-After`: `'always'`, `'never'`, or `'sometimes'`,
   * a deterministic alternation per project (its 1st, 3rd, 5th… 429 carry it, the others do
   * not), as Atlas sends it only sometimes. Default `'sometimes'`.
   */
  readonly retryAfter?: 'always' | 'never' | 'sometimes';
}

/** A project's token bucket, as {@link AtlasSimulator.rateLimit} reads it. */
export interface SimulatorTokenBucket {
  /** Whole tokens available now (a bucket no request drew from yet is full). */
  readonly tokens: number;
  /** The bucket's capacity. */
  readonly capacity: number;
}

/** Options of {@link startAtlasSimulator}; every member is optional. */
export interface AtlasSimulatorOptions {
  /**
   * The clock Atlas uses for the sunset switch, the dates in bodies and `snapshotUrl` expiry.
   * Default: real time (`() => new Date()`). `setNow` overrides it while set.
   */
  readonly now?: () => Date;
  /** Instant at which the tenant operations disappear and M2/M5 clusters become Flex. Default `2026-01-22T00:00:00Z`. */
  readonly sunsetDate?: Date | string;
  /**
   * What the tenant operations answer at and after `sunsetDate`: `'gone'`, 410 `VERSION_GONE`
   * (a sunset API version, as Atlas answers it), or `'not-found'`, 404 `RESOURCE_NOT_FOUND`
   * (a removed path). Default `'gone'`.
   */
  readonly sunsetAnswer?: SimulatorSunsetAnswer;
  /**
   * Atlas's per-project token bucket of the Flex snapshot and restore-job operations (see
   * {@link SimulatorRateLimit}), or `false` for none. Default `false`: the simulator never
   * throttles unless asked, since a soak run sends far more than Atlas's 1200 requests a
   * minute. `{}` turns it on with Atlas's figures (1200 tokens, 500 back every 60 s).
   */
  readonly rateLimit?: SimulatorRateLimit | false;
  /** TCP port on 127.0.0.1. Default 0 (an ephemeral port). */
  readonly port?: number;
  /**
   * Real milliseconds a restore job takes from PENDING through QUEUED and RUNNING to COMPLETED
   * (or FAILED), in equal quarters, measured on a monotonic clock. Default 1500; 0 completes at once.
   */
  readonly jobDurationMs?: number;
  /** Size of every snapshot file in bytes (deterministic pseudo-random content). Default 262144. */
  readonly snapshotSizeBytes?: number;
  /**
   * A throughput cap of the snapshot host per connection, in bytes per second, as an object
   * store that limits what one connection delivers: an integer from 1024 to 1e11, or undefined.
   * Default undefined: no cap, every body goes as fast as the socket takes it.
   *
   * Each snapshot-file body (`GET` answered 200 or 206) is paced on its own: it is written in
   * pieces of at most 64 KiB (a twentieth of the rate when that is less), and after each piece,
   * while the bytes sent so far run ahead of `elapsed × rate`, the next one waits; backpressure
   * is kept, so nothing is produced faster than the socket takes it. An HTTP/1.1 connection
   * carries one response at a time (unless a client pipelines, which neither undici nor Node's
   * `http` does by default), so pacing each response caps each connection: two connections
   * downloading at once get twice the rate between them. A client that goes away mid-body
   * stops its pacing at once.
   *
   * Only the timing changes: status, headers and bytes are those without the cap (single
   * ranges with 206 and `Content-Range`, `If-Range`, 304, 416), and answers without a body
   * (`HEAD`, 304, 416) are not delayed. Bodies cut by `cutSnapshotTransfers` or by an injected
   * `truncated-body`, `reset-mid-body` or `slow-drip` fault are paced too, up to the cut (a
   * `slow-drip` keeps its own intervals on top).
   */
  readonly snapshotBytesPerSecondPerConnection?: number;
  /** Algorithm of the digest challenge. Default `'MD5'`, as Atlas. */
  readonly digestAlgorithm?: SimulatorDigestAlgorithm;
  /** Real milliseconds a digest nonce stays fresh; after that a correct answer gets `stale=true`. Default 300000. */
  readonly nonceTtlMs?: number;
  /** Lifetime of service-account bearer tokens in real seconds (fractions allowed; `expires_in` rounds up). Default 3600. */
  readonly tokenTtlSeconds?: number;
  /**
   * Random faults from the start, drawn by a seeded generator (see {@link SimulatorRandomFaults}).
   * Default none: the simulator answers every request faithfully unless a test injects a fault.
   */
  readonly faults?: SimulatorRandomFaults;
}

/** How a request presented itself, from its `Authorization` scheme (not whether it was accepted). */
export type SimulatorAuthScheme = 'digest' | 'bearer' | 'basic' | 'none';

/** One entry of {@link AtlasSimulator.requests}. */
export interface SimulatorRequestRecord {
  /** HTTP method, as the client sent it. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Status the simulator answered with. */
  readonly status: number;
  /** The `Authorization` scheme the request carried. */
  readonly auth: SimulatorAuthScheme;
  /** The contract's `operationId`, when the path and method matched one of the table's 14 operations (a v1.0 tenant path names its v2 operation). */
  readonly operationId?: string;
  /**
   * The fault injected into this exchange, when there was one. `status` is then 0 when no
   * answer was sent: a reset, or a client that left during the fault's latency.
   */
  readonly fault?: SimulatorFaultKind;
}

/** Names of the seeded clusters, one per kind the library has to tell apart. */
export interface SimulatorClusterNames {
  /** Shared-tier M2 (tenant). Becomes a Flex cluster at the sunset. */
  readonly shared: string;
  /** Shared-tier M5 (tenant). Becomes a Flex cluster at the sunset. */
  readonly sharedM5: string;
  /** Flex cluster created through `createCluster` (or migrated from M2/M5): the tenant API served it until the sunset. */
  readonly flexLegacy: string;
  /** Flex cluster created through the Flex API: never served by the tenant or cluster API. */
  readonly flex: string;
  /** Dedicated M10: no tenant or Flex operation serves it. */
  readonly dedicated: string;
}

/** A running simulator, as {@link startAtlasSimulator} resolves it. */
export interface AtlasSimulator {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Programmatic API key accepted by the digest auth (random per start). */
  readonly apiKey: {
    /** The digest user name. */
    readonly publicKey: string;
    /** The digest password: a secret, as Atlas's is. */
    readonly privateKey: string;
  };
  /** Service account accepted by `POST /api/oauth/token` (random per start). */
  readonly serviceAccount: {
    /** The OAuth client id (`mdb_sa_id_…`). */
    readonly clientId: string;
    /** The OAuth client secret: a secret, as Atlas's is. */
    readonly clientSecret: string;
  };
  /** The seeded project id (24 lowercase hex). */
  readonly groupId: string;
  /** The seeded clusters' names, one per kind. */
  readonly clusters: SimulatorClusterNames;
  /** Seeded snapshot ids of a cluster, newest first. Throws a TypeError for an unknown name. */
  snapshotIds(clusterName: string): readonly string[];
  /** SHA-256 (hex) of what the snapshot's `snapshotUrl` serves. Throws a TypeError for an unknown id. */
  snapshotSha256(snapshotId: string): string;
  /** Byte size of what the snapshot's `snapshotUrl` serves. Throws a TypeError for an unknown id. */
  snapshotSize(snapshotId: string): number;
  /** Pins the simulated Atlas clock at `date`; `undefined` goes back to the `now` option (or real time). */
  setNow(date: Date | string | undefined): void;
  /** Every request answered so far, oldest first (a copy). */
  readonly requests: readonly SimulatorRequestRecord[];
  /** Empties {@link AtlasSimulator.requests}, so a test sees only its own requests. */
  clearRequests(): void;
  /** Restore jobs created for this snapshot from now on end FAILED instead of COMPLETED. */
  failJobsFor(snapshotId: string): void;
  /** The restore jobs of a snapshot, oldest first, whichever API family created them. Throws a TypeError for an unknown id. */
  jobsFor(snapshotId: string): readonly SimulatorJobRecord[];
  /** Fault injection: arm faults for the next requests, clear them, or switch random faults. */
  readonly faults: SimulatorFaults;
  /** Every bearer token issued so far stops being accepted. */
  revokeTokens(): void;
  /**
   * The token bucket of a project as it is now, or undefined when the `rateLimit` option is off.
   * Reading it draws nothing. Throws a TypeError when `groupId` is not a string.
   */
  rateLimit(groupId: string): SimulatorTokenBucket | undefined;
  /**
   * The next `times` snapshot-file responses (default 1) send `afterBytes` bytes of their
   * body and then drop the connection, as a storage host that fails mid-transfer does.
   */
  cutSnapshotTransfers(afterBytes: number, times?: number): void;
  /** Closes the server and every open socket. Idempotent. */
  stop(): Promise<void>;
}
