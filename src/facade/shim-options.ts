import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { ApiKeyCredentials, ServiceAccountCredentials } from '../atlas/atlas-client.js';
import { learnedClock, trustedClock, type AtlasClock } from '../atlas/atlas-clock.js';
import { RETRY_DEFAULTS, retryPolicy, type RetryOptions, type RetryPolicy, type RetryTimer } from '../atlas/retry.js';
import { ValidationError } from '../errors/shim-error.js';
import type { ShimEventListener } from '../observability/shim-events.js';
import { isShimLogger, type ShimLogger } from '../observability/shim-logger.js';
import type { RouteFlag } from '../routing/route-policy.js';
import type { RouteFlagContext, RouteFlagSource } from '../routing/router.js';
import {
  BOOLEAN,
  checkKnownKeys,
  checkOptional,
  describeValue,
  isAtlasOrigin,
  MAX_BASE_URL_LENGTH,
  MAX_HOST_LABEL_LENGTH,
  MAX_HOST_NAME_LENGTH,
  MAX_TIMER_MS,
  rule,
  type Rule,
} from '../validation.js';

export type { ApiKeyCredentials, RouteFlagContext, RouteFlagSource, ServiceAccountCredentials };

/** Default overall deadline of one Atlas call, retries and their waits included: 2 minutes. */
export const DEFAULT_CALL_DEADLINE_MS = 120_000;

/** Timeouts of each Atlas request, in milliseconds. */
export interface ShimTimeouts {
  /** Time to establish a connection. Default 10 000. */
  readonly connectMs?: number;
  /** Time to receive the response headers once the request is sent. Default 30 000. */
  readonly headersMs?: number;
  /** Longest pause between two chunks of a response body. Default 30 000. */
  readonly bodyMs?: number;
  /**
   * Overall deadline of one Atlas API call: every attempt, every retry wait and, for the
   * download POST, the look-up of a job it may have created. When it passes, the request
   * in flight is aborted (its socket released) and the call rejects with a `TimeoutError`.
   * Default 120 000.
   */
  readonly deadlineMs?: number;
}

/** Options of {@link createSnapshotShim}. Only `credentials` is required. */
export interface SnapshotShimOptions {
  /** Atlas origin. Default `'https://cloud.mongodb.com'`. Must be https unless the host is loopback. */
  readonly baseUrl?: string;
  /** A programmatic API key (digest) or a service account (OAuth client credentials). Required. */
  readonly credentials: ApiKeyCredentials | ServiceAccountCredentials;
  /** The route flag, or a flag source evaluated per call. Default `'auto'`. */
  readonly route?: RouteFlag | RouteFlagSource;
  /** When the tenant endpoint is sunset. Default `2026-01-22T00:00:00Z`. */
  readonly sunsetDate?: Date | string;
  /**
   * The clock the shim decides with: the sunset, `snapshotUrl` expiry, the window of the job
   * look-up after an ambiguous download request. Given, it is trusted as it is (tests,
   * drills, the CLI's `--now`). Default: this machine's clock, corrected by Atlas's own as
   * the `Date` header of its answers tells it, whenever the two differ by 30 s or more.
   */
  readonly now?: () => Date;
  /** Let the `tenant` flag call the tenant endpoint after its sunset. Default `false`. */
  readonly allowSunsetEndpoint?: boolean;
  /**
   * Atlas for Government, which has no Flex clusters and no Flex API: every route to a Flex
   * endpoint is refused with an `AtlasForGovernmentError`, before any request to one.
   * Default: true when `baseUrl` is on `mongodbgov.com` (`https://cloud.mongodbgov.com`).
   */
  readonly atlasForGovernment?: boolean;
  /** How long a resolved cluster kind is cached, per (baseUrl, groupId, clusterName). Default 600 000 (10 minutes); 0 disables the cache. */
  readonly clusterKindTtlMs?: number;
  /** An undici Dispatcher to send requests through (to share pools, or to test). Default: a keep-alive Agent the shim owns and `close()` closes. */
  readonly dispatcher?: Dispatcher;
  /** Appended to `User-Agent: atlas-snapshot-shim/<version>`. Default none. */
  readonly userAgent?: string;
  /** Request timeouts. Defaults in {@link ShimTimeouts}. */
  readonly timeouts?: ShimTimeouts;
  /**
   * Retries of Atlas API calls: 429 (waiting as `Retry-After` says, or `maxDelayMs` when
   * `RateLimit-Remaining` is 0), 502, 503, 504 and broken connections, with exponential
   * backoff and full jitter, bounded by `limit` and `maxElapsedMs`. No other 4xx is ever
   * retried, and the download POST is sent again only once Atlas shows it created no job.
   * Defaults in {@link RetryOptions}: `{ limit: 4, baseDelayMs: 500, maxDelayMs: 20000, maxElapsedMs: 60000 }`.
   */
  readonly retry?: RetryOptions;
  /** Environment name given to flag sources (e.g. `'production'`). Default none. */
  readonly environment?: string;
  /** The calling application's version, given to flag sources. Default none. */
  readonly appVersion?: string;
  /** Make a flag source's answer that is not a route flag an error, instead of routing as `auto` with a warning event. Default `false`. */
  readonly strictFlags?: boolean;
  /** How long a flag source may take before the call routes as `auto` (and reports it). Default 1 000. */
  readonly flagTimeoutMs?: number;
  /** Receives route fallbacks, flag warnings, adapter rewrites and adopted download jobs (see `ShimEvent`). Default none. */
  readonly onEvent?: ShimEventListener;
  /**
   * A pino-compatible logger (`debug/info/warn/error(record, message)`, `child` optional).
   * Records: `debug` each Atlas request (method, path, status, duration, attempt) and retry;
   * `info` route decisions, completed saves and adapter rewrites; `warn` fallbacks, flag
   * warnings, adopted download jobs and calls to the tenant endpoint. Nothing at `error`:
   * failures are thrown. No record carries a secret. Default none (silent).
   */
  readonly logger?: ShimLogger;
}

/** Options after validation, with every default applied. */
export interface ResolvedShimOptions {
  readonly baseUrl: string;
  readonly credentials: ApiKeyCredentials | ServiceAccountCredentials;
  readonly route: RouteFlag | RouteFlagSource;
  readonly sunsetDate: Date;
  /** Atlas's instant as the shim knows it: `clock.now`. */
  readonly now: () => Date;
  /** The clock behind `now`: the `now` option trusted, or the machine's clock learning from Atlas's answers. */
  readonly clock: AtlasClock;
  readonly allowSunsetEndpoint: boolean;
  /** See {@link SnapshotShimOptions.atlasForGovernment}. */
  readonly atlasForGovernment: boolean;
  readonly clusterKindTtlMs: number;
  readonly dispatcher: Dispatcher | undefined;
  readonly userAgent: string | undefined;
  readonly timeouts: Required<ShimTimeouts>;
  readonly retry: RetryPolicy;
  readonly environment: string | undefined;
  readonly appVersion: string | undefined;
  readonly strictFlags: boolean;
  readonly flagTimeoutMs: number;
  readonly onEvent: ShimEventListener | undefined;
  readonly logger: ShimLogger | undefined;
}

/** The default sunset instant of the tenant endpoints (`x-sunset: 2026-01-22`). */
export const DEFAULT_SUNSET_DATE = '2026-01-22T00:00:00Z';
/** The default Atlas origin. */
export const DEFAULT_BASE_URL = 'https://cloud.mongodb.com';

// Secrets are hashed (digest) or base64-encoded (Basic), so any text will do, but a control character is a paste error.
const secret = z.string().min(1).max(4096).regex(/^[^\x00-\x1f\x7f]+$/);
const token = z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const millis = z.number().int().min(0).max(MAX_TIMER_MS);

/** The one thing said of credentials that were refused: their shape, never their values. */
function describeCredentialShape(value: unknown): string {
  if (typeof value !== 'object' || value === null) return describeValue(value);
  const keys = Object.keys(value);
  return keys.length ? `an object with keys ${keys.join(', ')}` : 'an empty object';
}

// Each option's rule: its schema and the words that tell a caller what is allowed.
const fields = {
  baseUrl: rule(
    z.string().refine(isAtlasOrigin),
    `an https origin such as 'https://cloud.mongodb.com' (http only for a loopback host), without path, query or credentials, ` +
      `at most ${MAX_BASE_URL_LENGTH} characters, with a host name DNS allows (${MAX_HOST_NAME_LENGTH} characters, ${MAX_HOST_LABEL_LENGTH} per label)`,
  ),
  credentials: rule(
    z.union([
      z.strictObject({ publicKey: token, privateKey: secret }),
      // Basic authentication cannot carry a ':' in the user id (RFC 7617 §2).
      z.strictObject({ clientId: token.regex(/^[^:]+$/), clientSecret: secret }),
    ]),
    "either { publicKey, privateKey } (an API key) or { clientId, clientSecret } (a service account), non-empty strings without control characters (and no ':' in clientId)",
    describeCredentialShape,
  ),
  route: rule(
    z.union([z.enum(['auto', 'tenant', 'flex']), z.custom<RouteFlagSource>((value) => typeof value === 'function')]),
    "'auto', 'tenant', 'flex', or a function (context) => route",
  ),
  sunsetDate: rule(
    z.union([z.date(), z.iso.datetime({ offset: true })]).refine((value) => !Number.isNaN(new Date(value).getTime())),
    'a valid Date or an ISO 8601 date-time string with a time zone',
  ),
  now: rule(z.custom<() => Date>((value) => typeof value === 'function'), 'a function returning a Date'),
  allowSunsetEndpoint: BOOLEAN,
  atlasForGovernment: BOOLEAN,
  clusterKindTtlMs: rule(millis, 'an integer number of milliseconds, 0 or more'),
  dispatcher: rule(
    z.custom<Dispatcher>((value) => typeof value === 'object' && value !== null && typeof (value as Dispatcher).dispatch === 'function'),
    'an undici Dispatcher (Agent, Pool, MockAgent…)',
  ),
  userAgent: rule(z.string().max(256).regex(/^[\x20-\x7e]*$/), 'printable ASCII, at most 256 characters'),
  timeouts: rule(
    z.strictObject({ connectMs: millis.optional(), headersMs: millis.optional(), bodyMs: millis.optional(), deadlineMs: millis.min(1).optional() }),
    '{ connectMs?, headersMs?, bodyMs?, deadlineMs? }, each an integer number of milliseconds (deadlineMs at least 1)',
  ),
  retry: rule(
    z
      .strictObject({
        limit: z.number().int().min(0).max(100).optional(),
        baseDelayMs: millis.optional(),
        maxDelayMs: millis.optional(),
        maxElapsedMs: millis.optional(),
        random: z.custom<() => number>((value) => typeof value === 'function').optional(),
        timer: z
          .custom<RetryTimer>((value) => {
            const timer = value as Partial<RetryTimer> | null;
            return typeof timer === 'object' && timer !== null && typeof timer.now === 'function' && typeof timer.sleep === 'function';
          })
          .optional(),
      })
      .refine((retry) => (retry.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs) <= (retry.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs)),
    '{ limit?, baseDelayMs?, maxDelayMs?, maxElapsedMs?, random?, timer? }: limit an integer from 0 to 100, the delays integer milliseconds with baseDelayMs <= maxDelayMs, random () => number, timer { now, sleep }',
  ),
  environment: rule(z.string().min(1).max(128), 'a non-empty string of at most 128 characters'),
  appVersion: rule(z.string().min(1).max(128), 'a non-empty string of at most 128 characters'),
  strictFlags: BOOLEAN,
  flagTimeoutMs: rule(z.number().int().min(1).max(60_000), 'an integer number of milliseconds from 1 to 60000'),
  onEvent: rule(z.custom<ShimEventListener>((value) => typeof value === 'function'), 'a function (event) => void'),
  logger: rule(z.custom<ShimLogger>(isShimLogger), 'a pino-compatible logger: an object with debug, info, warn and error methods (child optional)'),
} as const satisfies Record<string, Rule<unknown>>;

function check<K extends keyof typeof fields>(name: K, value: unknown): z.output<(typeof fields)[K]['schema']> | undefined {
  return checkOptional(`options.${name}`, value, fields[name] as Rule<z.output<(typeof fields)[K]['schema']>>);
}

/** Atlas for Government's domain: `cloud.mongodbgov.com`, and its other hosts. */
const GOVERNMENT_HOST = /(^|\.)mongodbgov\.com$/i;

/** Whether an Atlas origin is Atlas for Government's (a host on `mongodbgov.com`). Pure. */
function isAtlasForGovernment(origin: string): boolean {
  return URL.canParse(origin) && GOVERNMENT_HOST.test(new URL(origin).hostname);
}

/**
 * Validates {@link SnapshotShimOptions} and applies the defaults.
 *
 * @throws {ValidationError} naming the first wrong option (`options.<name>`) and what it allows.
 */
export function resolveShimOptions(input: unknown): ResolvedShimOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('options', 'an object with at least { credentials }', describeValue(input));
  }
  const options = input as Record<string, unknown>;
  checkKnownKeys('options', options, Object.keys(fields));
  const credentials = check('credentials', options.credentials);
  if (credentials === undefined) throw new ValidationError('options.credentials', fields.credentials.allowed, 'undefined');
  const timeouts = check('timeouts', options.timeouts) ?? {};
  const sunsetDate = check('sunsetDate', options.sunsetDate);
  const givenNow = check('now', options.now);
  const clock = givenNow === undefined ? learnedClock() : trustedClock(givenNow);
  const baseUrl = new URL(check('baseUrl', options.baseUrl) ?? DEFAULT_BASE_URL).origin;
  return {
    baseUrl,
    credentials,
    route: check('route', options.route) ?? 'auto',
    sunsetDate: new Date(sunsetDate ?? DEFAULT_SUNSET_DATE),
    now: clock.now,
    clock,
    allowSunsetEndpoint: check('allowSunsetEndpoint', options.allowSunsetEndpoint) ?? false,
    atlasForGovernment: check('atlasForGovernment', options.atlasForGovernment) ?? isAtlasForGovernment(baseUrl),
    clusterKindTtlMs: check('clusterKindTtlMs', options.clusterKindTtlMs) ?? 600_000,
    dispatcher: check('dispatcher', options.dispatcher),
    userAgent: check('userAgent', options.userAgent),
    timeouts: {
      connectMs: timeouts.connectMs ?? 10_000,
      headersMs: timeouts.headersMs ?? 30_000,
      bodyMs: timeouts.bodyMs ?? 30_000,
      deadlineMs: timeouts.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS,
    },
    retry: retryPolicy(check('retry', options.retry)),
    environment: check('environment', options.environment),
    appVersion: check('appVersion', options.appVersion),
    strictFlags: check('strictFlags', options.strictFlags) ?? false,
    flagTimeoutMs: check('flagTimeoutMs', options.flagTimeoutMs) ?? 1_000,
    onEvent: check('onEvent', options.onEvent),
    logger: check('logger', options.logger),
  };
}

