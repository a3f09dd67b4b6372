import { MAX_TIMER_MS } from '../validation.js';
import { resolveRandomFaults, type ResolvedRandomFaults } from './faults/resolve-fault.js';
import type { AtlasSimulatorOptions, SimulatorDigestAlgorithm } from './types.js';

/** {@link AtlasSimulatorOptions} after validation, with every default filled in. */
export interface ResolvedSimulatorOptions {
  readonly now: () => Date;
  readonly sunsetDate: Date;
  readonly port: number;
  readonly jobDurationMs: number;
  readonly snapshotSizeBytes: number;
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

const KNOWN = new Set(['now', 'sunsetDate', 'port', 'jobDurationMs', 'snapshotSizeBytes', 'digestAlgorithm', 'nonceTtlMs', 'tokenTtlSeconds', 'faults']);

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
  const digestAlgorithm = options.digestAlgorithm ?? SIMULATOR_DEFAULTS.digestAlgorithm;
  if (digestAlgorithm !== 'MD5' && digestAlgorithm !== 'SHA-256') bad('digestAlgorithm', '"MD5" or "SHA-256"', digestAlgorithm);
  return {
    now: now ?? (() => new Date()),
    sunsetDate,
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
    digestAlgorithm,
    nonceTtlMs: number('nonceTtlMs', options.nonceTtlMs, SIMULATOR_DEFAULTS.nonceTtlMs, 1, MAX_TIMER_MS, false),
    tokenTtlSeconds: number('tokenTtlSeconds', options.tokenTtlSeconds, SIMULATOR_DEFAULTS.tokenTtlSeconds, 0.001, MAX_TIMER_MS / 1000, false),
    faults: resolveRandomFaults('startAtlasSimulator: option "faults"', options.faults),
  };
}
