import { ATLAS_ERROR_CODES } from '../atlas/operations.js';

/**
 * Every `errorCode` the simulator puts in an `ApiError` body. The two cluster-kind codes are
 * Atlas's own (re-used from the operations table); the others mirror Atlas's naming where
 * Atlas has a known code and are the simulator's choice where it does not (marked below), so
 * tests can assert on constants instead of string literals.
 */
export const SIMULATOR_ERROR_CODES = {
  /** Atlas: a Flex cluster asked for through the cluster (or tenant) API. */
  flexInClusterApi: ATLAS_ERROR_CODES.flexInClusterApi,
  /** Atlas: a non-Flex cluster asked for through the Flex API. */
  nonFlexInFlexApi: ATLAS_ERROR_CODES.nonFlexInFlexApi,
  /** Simulator's choice: a dedicated (M10+) cluster asked for through a tenant operation. */
  tenantClusterRequired: 'TENANT_CLUSTER_REQUIRED',
  /** Atlas: unknown path, and the tenant operations after their sunset when `sunsetAnswer` is `'not-found'`. */
  resourceNotFound: 'RESOURCE_NOT_FOUND',
  /** Atlas (its versioning policy): an API version past its sunset (HTTP 410), the tenant operations' answer by default. */
  versionGone: 'VERSION_GONE',
  /** Atlas: no cluster of that name in the project. */
  clusterNotFound: 'CLUSTER_NOT_FOUND',
  /** Atlas: a well-formed project id that is not the seeded project. */
  groupNotFound: 'GROUP_NOT_FOUND',
  /** Simulator's choice: unknown snapshot id (GET, or the body of a download POST). */
  snapshotNotFound: 'SNAPSHOT_NOT_FOUND',
  /** Simulator's choice: unknown restore job id. */
  restoreJobNotFound: 'RESTORE_JOB_NOT_FOUND',
  /** Atlas: `Accept` does not name the operation's versioned media type. */
  invalidVersionDate: 'INVALID_VERSION_DATE',
  /** Simulator's choice: a POST body sent without the operation's versioned `Content-Type` (HTTP 415). */
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** Atlas: the body is not JSON (or not a JSON object). */
  invalidJson: 'INVALID_JSON',
  /** Atlas: a required body attribute is absent. */
  missingAttribute: 'MISSING_ATTRIBUTE',
  /** Atlas: a body attribute does not match the contract's pattern or type. */
  invalidAttribute: 'INVALID_ATTRIBUTE',
  /** Simulator's choice: a path or query parameter outside the contract's pattern or range. */
  invalidParameter: 'INVALID_PARAMETER',
  /** Simulator's choice: missing, wrong or stale credentials on an Atlas operation (HTTP 401). */
  unauthorized: 'UNAUTHORIZED',
  /** Simulator's choice: a known path called with a method the contract does not list (HTTP 405). */
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** Atlas: anything the simulator did not expect (a bug in it, or a `now` clock returning no valid date). */
  unexpectedError: 'UNEXPECTED_ERROR',
  /** Atlas (the contract's `tooManyRequests` example): the rate limit is spent (HTTP 429, from the `rate-limit` fault). */
  rateLimited: 'RATE_LIMITED',
  /** Atlas: the project's token bucket of the Flex snapshot and restore-job operations is empty (HTTP 429, the `rateLimit` option). */
  rateLimitedTokenBucket: 'RATE_LIMITED_TOKEN_BUCKET',
  /** Simulator's choice: the service is overloaded or down for a moment (HTTP 503, from the `server-error` fault). */
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
} as const;

/** One of the error codes the simulator emits. */
export type SimulatorErrorCode = (typeof SIMULATOR_ERROR_CODES)[keyof typeof SIMULATOR_ERROR_CODES];
