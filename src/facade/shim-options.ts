import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import type { ShimEventListener } from '../events/shim-event.js';
import { isShimLogger, type ShimLogger } from '../observability/shim-logger.js';
import type { RouteFlag } from '../policy/types.js';
import { describeValue } from '../validation/describe-value.js';
import { isAtlasOrigin, MAX_BASE_URL_LENGTH, MAX_HOST_LABEL_LENGTH, MAX_HOST_NAME_LENGTH } from '../validation/base-url.js';
import { DEFAULT_CALL_DEADLINE_MS } from '../retry/call-deadline.js';
import { RETRY_DEFAULTS, retryPolicy, type RetryOptions, type RetryPolicy, type RetryTimer } from '../retry/retry-policy.js';

/** A programmatic API key: HTTP Digest, public key as user, private key as password. */
export interface ApiKeyCredentials {
  /** The key's public half: the digest user name. Shown in logs and `toJSON()`. */
  readonly publicKey: string;
  /** The key's private half: the digest password. A secret: never logged, never in an error. */
  readonly privateKey: string;
}

/** A Service Account: OAuth 2.0 client credentials, exchanged for a Bearer token. */
export interface ServiceAccountCredentials {
  /** The service account's client id (`mdb_sa_id_…`). Shown in logs and `toJSON()`. */
  readonly clientId: string;
  /** The service account's client secret (`mdb_sa_sk_…`). A secret: never logged, never in an error. */
  readonly clientSecret: string;
}

/** What a route flag source is asked with, once per call. */
export interface RouteFlagContext {
  /** The project (24 hex) of the call. */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The `environment` option, when given. */
  readonly environment?: string | undefined;
  /** The `appVersion` option, when given. */
  readonly appVersion?: string | undefined;
}

/** A flag source: evaluated per call, it answers the route flag for that cluster. */
export type RouteFlagSource = (context: RouteFlagContext) => RouteFlag | Promise<RouteFlag>;

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
  /** The clock. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** Let the `tenant` flag call the tenant endpoint after its sunset. Default `false`. */
  readonly allowSunsetEndpoint?: boolean;
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
  readonly now: () => Date;
  readonly allowSunsetEndpoint: boolean;
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

const secret = z.string().min(1).max(4096);
const token = z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const millis = z.number().int().min(0).max(2_147_483_647);

// Each entry: the schema and the words that tell a caller what is allowed.
const fields = {
  baseUrl: [
    z.string().refine(isAtlasOrigin),
    `an https origin such as 'https://cloud.mongodb.com' (http only for a loopback host), without path, query or credentials, ` +
      `at most ${MAX_BASE_URL_LENGTH} characters, with a host name DNS allows (${MAX_HOST_NAME_LENGTH} characters, ${MAX_HOST_LABEL_LENGTH} per label)`,
  ],
  credentials: [
    z.union([
      z.strictObject({ publicKey: token, privateKey: secret }),
      z.strictObject({ clientId: token, clientSecret: secret }),
    ]),
    'either { publicKey, privateKey } (an API key) or { clientId, clientSecret } (a service account), non-empty strings',
  ],
  route: [
    z.union([z.enum(['auto', 'tenant', 'flex']), z.custom<RouteFlagSource>((value) => typeof value === 'function')]),
    "'auto', 'tenant', 'flex', or a function (context) => route",
  ],
  sunsetDate: [
    z.union([z.date(), z.iso.datetime({ offset: true })]).refine((value) => !Number.isNaN(new Date(value).getTime())),
    'a valid Date or an ISO 8601 date-time string with a time zone',
  ],
  now: [z.custom<() => Date>((value) => typeof value === 'function'), 'a function returning a Date'],
  allowSunsetEndpoint: [z.boolean(), 'true or false'],
  clusterKindTtlMs: [millis, 'an integer number of milliseconds, 0 or more'],
  dispatcher: [
    z.custom<Dispatcher>((value) => typeof value === 'object' && value !== null && typeof (value as Dispatcher).dispatch === 'function'),
    'an undici Dispatcher (Agent, Pool, MockAgent…)',
  ],
  userAgent: [z.string().max(256).regex(/^[\x20-\x7e]*$/), 'printable ASCII, at most 256 characters'],
  timeouts: [
    z.strictObject({ connectMs: millis.optional(), headersMs: millis.optional(), bodyMs: millis.optional(), deadlineMs: millis.min(1).optional() }),
    '{ connectMs?, headersMs?, bodyMs?, deadlineMs? }, each an integer number of milliseconds (deadlineMs at least 1)',
  ],
  retry: [
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
  ],
  environment: [z.string().min(1).max(128), 'a non-empty string of at most 128 characters'],
  appVersion: [z.string().min(1).max(128), 'a non-empty string of at most 128 characters'],
  strictFlags: [z.boolean(), 'true or false'],
  flagTimeoutMs: [z.number().int().min(1).max(60_000), 'an integer number of milliseconds from 1 to 60000'],
  onEvent: [z.custom<ShimEventListener>((value) => typeof value === 'function'), 'a function (event) => void'],
  logger: [z.custom<ShimLogger>(isShimLogger), 'a pino-compatible logger: an object with debug, info, warn and error methods (child optional)'],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

function check<K extends keyof typeof fields>(name: K, value: unknown): z.output<(typeof fields)[K][0]> | undefined {
  if (value === undefined) return undefined;
  const [schema, allowed] = fields[name];
  const result = schema.safeParse(value);
  // Credentials are secret: say which shape was wrong, never echo the values.
  if (!result.success) {
    const received = name === 'credentials' ? describeCredentialShape(value) : describeValue(value);
    throw new ValidationError(`options.${name}`, allowed, received);
  }
  return result.data as z.output<(typeof fields)[K][0]>;
}

function describeCredentialShape(value: unknown): string {
  if (typeof value !== 'object' || value === null) return describeValue(value);
  const keys = Object.keys(value);
  return keys.length ? `an object with keys ${keys.join(', ')}` : 'an empty object';
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
  const known = new Set(Object.keys(fields));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ValidationError(`options.${key}`, `one of the known options: ${[...known].join(', ')}`, 'an unknown option');
  }
  const credentials = check('credentials', options.credentials);
  if (credentials === undefined) throw new ValidationError('options.credentials', fields.credentials[1], 'undefined');
  const timeouts = check('timeouts', options.timeouts) ?? {};
  const sunsetDate = check('sunsetDate', options.sunsetDate);
  return {
    baseUrl: new URL(check('baseUrl', options.baseUrl) ?? DEFAULT_BASE_URL).origin,
    credentials,
    route: check('route', options.route) ?? 'auto',
    sunsetDate: new Date(sunsetDate ?? DEFAULT_SUNSET_DATE),
    now: check('now', options.now) ?? (() => new Date()),
    allowSunsetEndpoint: check('allowSunsetEndpoint', options.allowSunsetEndpoint) ?? false,
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

/** True when the credentials are a programmatic API key (digest). */
export function isApiKey(credentials: ApiKeyCredentials | ServiceAccountCredentials): credentials is ApiKeyCredentials {
  return 'publicKey' in credentials;
}

