import type { SimulatorFaultKind, SimulatorFaults, SimulatorJobRecord, SimulatorRandomFaults } from './faults/types.js';

/**
 * Public types of the embedded Atlas simulator. The names are a contract with the rest of the
 * library's tests: change them only together with their users.
 */

/** Digest algorithms the simulator can challenge with. Atlas itself uses MD5. */
export type SimulatorDigestAlgorithm = 'MD5' | 'SHA-256';

/** Options of {@link startAtlasSimulator}; every member is optional. */
export interface AtlasSimulatorOptions {
  /**
   * The clock Atlas uses for the sunset switch, the dates in bodies and `snapshotUrl` expiry.
   * Default: real time (`() => new Date()`). `setNow` overrides it while set.
   */
  readonly now?: () => Date;
  /** Instant at which the tenant operations disappear and M2/M5 clusters become Flex. Default `2026-01-22T00:00:00Z`. */
  readonly sunsetDate?: Date | string;
  /** TCP port on 127.0.0.1. Default 0 (an ephemeral port). */
  readonly port?: number;
  /**
   * Real milliseconds a restore job takes from PENDING through QUEUED and RUNNING to COMPLETED
   * (or FAILED), in equal quarters, measured on a monotonic clock. Default 1500; 0 completes at once.
   */
  readonly jobDurationMs?: number;
  /** Size of every snapshot file in bytes (deterministic pseudo-random content). Default 262144. */
  readonly snapshotSizeBytes?: number;
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
  /** The contract's `operationId`, when the path and method matched one of the 12 operations. */
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
   * The next `times` snapshot-file responses (default 1) send `afterBytes` bytes of their
   * body and then drop the connection, as a storage host that fails mid-transfer does.
   */
  cutSnapshotTransfers(afterBytes: number, times?: number): void;
  /** Closes the server and every open socket. Idempotent. */
  stop(): Promise<void>;
}
