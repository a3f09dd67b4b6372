/**
 * Public types of the simulator's fault modes: what can go wrong, to which requests, and how
 * a running simulator is told. Nothing is injected by default, so a simulator without faults
 * behaves exactly as before they existed.
 */

/** Every fault the simulator can inject. */
export type SimulatorFaultKind =
  | 'latency'
  | 'rate-limit'
  | 'server-error'
  | 'reset-after-request'
  | 'reset-mid-body'
  | 'truncated-body'
  | 'malformed-json'
  | 'wrong-content-type'
  | 'slow-drip'
  | 'expired-url'
  | 'stale-nonce';

/** The fault kinds, in a stable order (the random mode draws from it). */
export const SIMULATOR_FAULT_KINDS: readonly SimulatorFaultKind[] = [
  'latency',
  'rate-limit',
  'server-error',
  'reset-after-request',
  'reset-mid-body',
  'truncated-body',
  'malformed-json',
  'wrong-content-type',
  'slow-drip',
  'expired-url',
  'stale-nonce',
];

/**
 * Which requests an injected fault applies to, and how often. Every filter given must match;
 * with none, the next requests the kind can apply to are hit (see {@link SimulatorFault}).
 */
export interface SimulatorFaultTarget {
  /** How many matching requests it hits. Default 1; `Infinity` for every one until `clear()`. */
  readonly times?: number;
  /** A contract `operationId`, e.g. `'downloadFlexBackup'`. */
  readonly operationId?: string;
  /** A path prefix, e.g. `'/snapshot-files/'` for the snapshot host or `'/api/oauth/token'`. */
  readonly pathPrefix?: string;
  /** `'GET'`, `'POST'`, … */
  readonly method?: string;
}

/**
 * One fault to inject. Kinds and their parameters (defaults in parentheses):
 *
 * - `latency`: wait `delayMs` (1000) before serving. A client that hangs up meanwhile is not
 *   served at all, as a proxy that never forwarded the request.
 * - `rate-limit`: 429 `RATE_LIMITED` with `RateLimit-Limit`, `RateLimit-Remaining: 0` and
 *   `Retry-After` of `retryAfterSeconds` (1) as delta-seconds, as an HTTP-date (with a `Date`
 *   header of the same instant), or omitted (`retryAfterForm`: `'delta-seconds'`).
 * - `server-error`: `status` (503) instead of the answer: 500 and 503 as Atlas `ApiError`s, 502
 *   and 504 as a gateway's HTML page; `Retry-After` when `retryAfterSeconds` is given. With
 *   `processed` (false) an Atlas operation runs first (a POST creates its job) and only its
 *   answer is replaced.
 * - `reset-after-request`: the request is read whole, then the connection is reset before a
 *   byte of the answer. With `processed` (true) an Atlas operation runs first.
 * - `reset-mid-body`: the head and `afterBytes` (half) of the body, then a reset.
 * - `truncated-body`: the head (with the full `Content-Length`) and `afterBytes` (half) of the
 *   body, then the connection is closed cleanly.
 * - `malformed-json`: an Atlas answer's body cut in half, its `Content-Length` matching: not JSON.
 * - `wrong-content-type`: an HTML page under `contentType` (`'text/html; charset=utf-8'`) instead of the JSON answer.
 * - `slow-drip`: the body in `pieces` (16) pieces, `intervalMs` (25) apart.
 * - `expired-url`: the snapshot host answers 403 `AccessDenied` (snapshot files only).
 * - `stale-nonce`: 401 with a fresh digest challenge and `stale=true` (digest-signed Atlas requests only).
 *
 * Body faults hit JSON answers and snapshot files alike, except `malformed-json` and
 * `wrong-content-type`, which only hit JSON answers.
 */
export type SimulatorFault = SimulatorFaultTarget &
  (
    | {
        /** Wait, then serve. */
        readonly kind: 'latency';
        /** How long to wait, in milliseconds. Default 1000. */
        readonly delayMs?: number;
      }
    | {
        /** 429 `RATE_LIMITED`. */
        readonly kind: 'rate-limit';
        /** The `Retry-After` value, in seconds. Default 1. */
        readonly retryAfterSeconds?: number;
        /** How `Retry-After` is written: delta-seconds, an HTTP-date, or left out. Default `'delta-seconds'`. */
        readonly retryAfterForm?: 'delta-seconds' | 'http-date' | 'omit';
      }
    | {
        /** A server error instead of the answer. */
        readonly kind: 'server-error';
        /** The status. Default 503. */
        readonly status?: 500 | 502 | 503 | 504;
        /** A `Retry-After` to send, in seconds. Default none. */
        readonly retryAfterSeconds?: number;
        /** Run the operation first (a POST creates its job), then answer the error. Default false. */
        readonly processed?: boolean;
      }
    | {
        /** Reset the connection once the request is read. */
        readonly kind: 'reset-after-request';
        /** Run the operation first (a POST creates its job). Default true. */
        readonly processed?: boolean;
      }
    | {
        /** Reset the connection in the middle of the body. */
        readonly kind: 'reset-mid-body';
        /** Bytes of the body sent before the reset. Default half. */
        readonly afterBytes?: number;
      }
    | {
        /** Close the connection cleanly before the announced `Content-Length`. */
        readonly kind: 'truncated-body';
        /** Bytes of the body sent before the close. Default half. */
        readonly afterBytes?: number;
      }
    | {
        /** A JSON answer cut in half, with a matching `Content-Length`. */
        readonly kind: 'malformed-json';
      }
    | {
        /** An HTML page instead of the JSON answer. */
        readonly kind: 'wrong-content-type';
        /** The `Content-Type` sent. Default `'text/html; charset=utf-8'`. */
        readonly contentType?: string;
      }
    | {
        /** The body in slow pieces. */
        readonly kind: 'slow-drip';
        /** How many pieces. Default 16. */
        readonly pieces?: number;
        /** Milliseconds between two pieces. Default 25. */
        readonly intervalMs?: number;
      }
    | {
        /** The snapshot host answers 403 `AccessDenied`, as an expired pre-signed URL. */
        readonly kind: 'expired-url';
      }
    | {
        /** 401 with a fresh digest challenge and `stale=true`. */
        readonly kind: 'stale-nonce';
      }
  );

/**
 * Random faults: each request the simulator serves (Atlas operations and snapshot files; not
 * the OAuth token endpoint) is hit with probability `rate` by one fault drawn from `kinds`
 * among those that can apply to it, with default parameters (latency 100 ms, `Retry-After: 1`).
 * A seeded generator makes a run repeatable for the same sequence of requests.
 */
export interface SimulatorRandomFaults {
  /** Probability of a fault per request, from 0 to 1. */
  readonly rate: number;
  /** Seed of the generator (an integer). Default 1. */
  readonly seed?: number;
  /** Kinds to draw from. Default all. */
  readonly kinds?: readonly SimulatorFaultKind[];
}

/** The fault controls of a running simulator (`sim.faults`). */
export interface SimulatorFaults {
  /**
   * Arms a fault for the next matching requests; faults armed earlier are served first, and
   * an armed fault takes precedence over a random one.
   *
   * @throws TypeError naming the wrong member.
   */
  inject(fault: SimulatorFault): void;
  /** Disarms every injected fault (random faults stay as configured). */
  clear(): void;
  /** Sets or (with undefined) stops random faults. @throws TypeError for a wrong member. */
  random(options: SimulatorRandomFaults | undefined): void;
  /** How many more requests the injected faults will hit (`Infinity` when one is unbounded). */
  readonly pending: number;
}

/** One restore job as the simulator holds it: what a test needs to count jobs per snapshot. */
export interface SimulatorJobRecord {
  /** The job's id (24 hex). */
  readonly id: string;
  /** The cluster it was requested for. */
  readonly clusterName: string;
  /** The snapshot it downloads. */
  readonly snapshotId: string;
  /** Its status now (`PENDING` … `COMPLETED` or `FAILED`). */
  readonly status: string;
}
