import { MAX_TIMER_MS } from '../validation.js';
import { resolveRandomFaults, type ResolvedRandomFaults } from './faults/resolve-fault.js';
import type { AtlasSimulatorOptions, SimulatorDigestAlgorithm, SimulatorRateLimit, SimulatorSunsetAnswer } from './types.js';

/** The `rateLimit` option after validation: a bucket with every figure filled in. */
export type ResolvedRateLimit = Required<SimulatorRateLimit>;

/** {@link AtlasSimulatorOptions} after validation, with every default filled in. */
export interface ResolvedSimulatorOptions {
  readonly now: () => Date;
  readonly sunsetDate: Date;
  readonly sunsetAnswer: SimulatorSunsetAnswer;
  /** The token bucket; undefined (off) by default. */
  readonly rateLimit: ResolvedRateLimit | undefined;
  readonly port: number;
  readonly jobDurationMs: number;
  readonly snapshotSizeBytes: number;
  /** The snapshot host's throughput cap per connection, in bytes per second; undefined (no cap) by default. */
  readonly snapshotBytesPerSecondPerConnection: number | undefined;
  readonly digestAlgorithm: SimulatorDigestAlgorithm;
  readonly nonceTtlMs: number;
  readonly tokenTtlSeconds: number;
  /** Random faults; undefined (none) by default. */
  readonly faults: ResolvedRandomFaults | undefined;
}

/** The documented defaults. */
export const SIMULATOR_DEFAULTS = {
  /** When the tenant operations stop answering: Atlas's sunset. */
  sunsetDate: '2026-01-22T00:00:00Z',
  /** What they answer from then on: 410 `VERSION_GONE`, as Atlas answers a sunset API version. */
  sunsetAnswer: 'gone',
  /** No token bucket: the simulator throttles only when a test asks (a soak run would exceed Atlas's). */
  rateLimit: false,
  /** The figures a `rateLimit` object leaves out: Atlas's bucket of the Flex snapshot and restore-job operations. */
  rateLimitBucket: {
    /** Tokens a full bucket holds. */
    capacity: 1200,
    /** Tokens back per `refillIntervalMs`. */
    refillTokens: 500,
    /** One minute. */
    refillIntervalMs: 60_000,
    /** Atlas sends `Retry-After` with only some of its 429s. */
    retryAfter: 'sometimes',
  },
  /** 0: an ephemeral port chosen by the system. */
  port: 0,
  /** How long a restore job takes from PENDING to COMPLETED, in real milliseconds. */
  jobDurationMs: 1500,
  /** Size of each seeded snapshot file: 256 KiB. */
  snapshotSizeBytes: 262_144,
  /** The digest algorithm of the challenges (Atlas's). */
  digestAlgorithm: 'MD5',
  /** How long a digest nonce is accepted before it is answered `stale=true`. */
  nonceTtlMs: 300_000,
  /** Lifetime of a service-account access token, in seconds (Atlas's: one hour). */
  tokenTtlSeconds: 3600,
} as const;

const KNOWN = new Set([
  'now',
  'sunsetDate',
  'sunsetAnswer',
  'port',
  'jobDurationMs',
  'snapshotSizeBytes',
  'snapshotBytesPerSecondPerConnection',
  'digestAlgorithm',
  'nonceTtlMs',
  'tokenTtlSeconds',
  'faults',
  'rateLimit',
]);
/** Bounds of `snapshotBytesPerSecondPerConnection`: 1 KiB/s (slower pacing would be all timers) to 100 GB/s. */
const MIN_BYTES_PER_SECOND = 1024;
const MAX_BYTES_PER_SECOND = 1e11;
const RATE_LIMIT_KNOWN = ['capacity', 'refillTokens', 'refillIntervalMs', 'retryAfter'];

function bad(name: string, rule: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'function' ? 'a function' : String(value);
  throw new TypeError(`startAtlasSimulator: option "${name}" must be ${rule}, got ${shown}`);
}

function number(name: string, value: unknown, fallback: number, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    bad(name, `${integer ? 'an integer' : 'a finite number'} from ${min} to ${max}`, value);
  }
  return value;
}

/** A numeric option without a default: undefined when left out, else checked as {@link number} checks it. */
function optionalNumber(name: string, value: unknown, min: number, max: number, integer: boolean): number | undefined {
  return value === undefined ? undefined : number(name, value, min, min, max, integer);
}

/** The `rateLimit` option: undefined when off (`false`, or left out), else the bucket with Atlas's figures for what it leaves out. */
function rateLimit(value: unknown): ResolvedRateLimit | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('rateLimit', 'false or an object { capacity?, refillTokens?, refillIntervalMs?, retryAfter? }', value);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!RATE_LIMIT_KNOWN.includes(key)) {
      throw new TypeError(`startAtlasSimulator: unknown member "${key}" of option "rateLimit" (known: ${RATE_LIMIT_KNOWN.join(', ')})`);
    }
  }
  const defaults = SIMULATOR_DEFAULTS.rateLimitBucket;
  const retryAfter = given.retryAfter ?? defaults.retryAfter;
  if (retryAfter !== 'always' && retryAfter !== 'never' && retryAfter !== 'sometimes') {
    bad('rateLimit.retryAfter', '"always", "never" or "sometimes"', retryAfter);
  }
  return {
    capacity: number('rateLimit.capacity', given.capacity, defaults.capacity, 1, Number.MAX_SAFE_INTEGER, true),
    refillTokens: number('rateLimit.refillTokens', given.refillTokens, defaults.refillTokens, 1, Number.MAX_SAFE_INTEGER, true),
    refillIntervalMs: number('rateLimit.refillIntervalMs', given.refillIntervalMs, defaults.refillIntervalMs, 1, MAX_TIMER_MS, false),
    retryAfter,
  };
}

/** Parses a Date or ISO 8601 string; undefined when it is neither or not a valid instant. */
export function toInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/**
 * Validates the options and fills in defaults. Throws a TypeError naming the first bad option,
 * including unknown keys, since a misspelt option would otherwise be silently ignored.
 */
export function resolveSimulatorOptions(options: AtlasSimulatorOptions | undefined): ResolvedSimulatorOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('startAtlasSimulator: options must be an object or undefined');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`startAtlasSimulator: unknown option "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  const { now } = options;
  if (now !== undefined && typeof now !== 'function') bad('now', 'a function returning a Date', now);
  const sunsetDate = toInstant(options.sunsetDate ?? SIMULATOR_DEFAULTS.sunsetDate);
  if (sunsetDate === undefined) bad('sunsetDate', 'a valid Date or ISO 8601 string', options.sunsetDate);
  const sunsetAnswer = options.sunsetAnswer ?? SIMULATOR_DEFAULTS.sunsetAnswer;
  if (sunsetAnswer !== 'gone' && sunsetAnswer !== 'not-found') bad('sunsetAnswer', '"gone" or "not-found"', sunsetAnswer);
  const digestAlgorithm = options.digestAlgorithm ?? SIMULATOR_DEFAULTS.digestAlgorithm;
  if (digestAlgorithm !== 'MD5' && digestAlgorithm !== 'SHA-256') bad('digestAlgorithm', '"MD5" or "SHA-256"', digestAlgorithm);
  return {
    now: now ?? (() => new Date()),
    sunsetDate,
    sunsetAnswer,
    rateLimit: rateLimit(options.rateLimit),
    port: number('port', options.port, SIMULATOR_DEFAULTS.port, 0, 65_535, true),
    jobDurationMs: number('jobDurationMs', options.jobDurationMs, SIMULATOR_DEFAULTS.jobDurationMs, 0, MAX_TIMER_MS, false),
    snapshotSizeBytes: number(
      'snapshotSizeBytes',
      options.snapshotSizeBytes,
      SIMULATOR_DEFAULTS.snapshotSizeBytes,
      1,
      Number.MAX_SAFE_INTEGER,
      true,
    ),
    snapshotBytesPerSecondPerConnection: optionalNumber(
      'snapshotBytesPerSecondPerConnection',
      options.snapshotBytesPerSecondPerConnection,
      MIN_BYTES_PER_SECOND,
      MAX_BYTES_PER_SECOND,
      true,
    ),
    digestAlgorithm,
    nonceTtlMs: number('nonceTtlMs', options.nonceTtlMs, SIMULATOR_DEFAULTS.nonceTtlMs, 1, MAX_TIMER_MS, false),
    tokenTtlSeconds: number('tokenTtlSeconds', options.tokenTtlSeconds, SIMULATOR_DEFAULTS.tokenTtlSeconds, 0.001, MAX_TIMER_MS / 1000, false),
    faults: resolveRandomFaults('startAtlasSimulator: option "faults"', options.faults),
  };
}
