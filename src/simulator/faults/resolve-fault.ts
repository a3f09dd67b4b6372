import { MAX_TIMER_MS } from '../../validation.js';
import { SIMULATOR_FAULT_KINDS, type SimulatorFault, type SimulatorFaultKind, type SimulatorRandomFaults } from './types.js';

/** A fault with every parameter filled in: what the serving code reads. */
export type ResolvedFault =
  | { readonly kind: 'latency'; readonly delayMs: number }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number; readonly retryAfterForm: 'delta-seconds' | 'http-date' | 'omit' }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503 | 504; readonly retryAfterSeconds: number | undefined; readonly processed: boolean }
  | { readonly kind: 'reset-after-request'; readonly processed: boolean }
  | { readonly kind: 'reset-mid-body'; readonly afterBytes: number | undefined }
  | { readonly kind: 'truncated-body'; readonly afterBytes: number | undefined }
  | { readonly kind: 'malformed-json' }
  | { readonly kind: 'wrong-content-type'; readonly contentType: string }
  | { readonly kind: 'slow-drip'; readonly pieces: number; readonly intervalMs: number }
  | { readonly kind: 'expired-url' }
  | { readonly kind: 'stale-nonce' };

/** The filters of an injected fault. */
export interface FaultFilter {
  readonly operationId: string | undefined;
  readonly pathPrefix: string | undefined;
  readonly method: string | undefined;
}

/** An injected fault, resolved: what, to which requests, how many more times. */
export interface ArmedFault {
  readonly fault: ResolvedFault;
  readonly filter: FaultFilter;
  remaining: number;
}

const TARGET_KEYS = ['kind', 'times', 'operationId', 'pathPrefix', 'method'];
const PARAMETERS: Readonly<Record<SimulatorFaultKind, readonly string[]>> = {
  latency: ['delayMs'],
  'rate-limit': ['retryAfterSeconds', 'retryAfterForm'],
  'server-error': ['status', 'retryAfterSeconds', 'processed'],
  'reset-after-request': ['processed'],
  'reset-mid-body': ['afterBytes'],
  'truncated-body': ['afterBytes'],
  'malformed-json': [],
  'wrong-content-type': ['contentType'],
  'slow-drip': ['pieces', 'intervalMs'],
  'expired-url': [],
  'stale-nonce': [],
};

function bad(where: string, name: string, rule: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? 'an object' : String(value);
  throw new TypeError(`${where}: "${name}" must be ${rule}, got ${shown}`);
}

function integer(where: string, source: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = source[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) bad(where, name, `an integer from ${min} to ${max}`, value);
  return value;
}

function oneOf<T>(where: string, source: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = source[name];
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) bad(where, name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  return value as T;
}

function text(where: string, source: Record<string, unknown>, name: string): string | undefined {
  const value = source[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || /[\r\n]/.test(value)) bad(where, name, 'a non-empty one-line string', value);
  return value;
}

/** The parameters of one kind, defaults applied. */
function resolveParameters(where: string, kind: SimulatorFaultKind, source: Record<string, unknown>): ResolvedFault {
  const seconds = (): number | undefined => integer(where, source, 'retryAfterSeconds', 0, 86_400);
  switch (kind) {
    case 'latency':
      return { kind, delayMs: integer(where, source, 'delayMs', 0, MAX_TIMER_MS) ?? 1000 };
    case 'rate-limit':
      return { kind, retryAfterSeconds: seconds() ?? 1, retryAfterForm: oneOf(where, source, 'retryAfterForm', ['delta-seconds', 'http-date', 'omit'] as const) ?? 'delta-seconds' };
    case 'server-error':
      return {
        kind,
        status: oneOf(where, source, 'status', [500, 502, 503, 504] as const) ?? 503,
        retryAfterSeconds: seconds(),
        processed: oneOf(where, source, 'processed', [true, false]) ?? false,
      };
    case 'reset-after-request':
      return { kind, processed: oneOf(where, source, 'processed', [true, false]) ?? true };
    case 'reset-mid-body':
    case 'truncated-body':
      return { kind, afterBytes: integer(where, source, 'afterBytes', 0, Number.MAX_SAFE_INTEGER) };
    case 'wrong-content-type':
      return { kind, contentType: text(where, source, 'contentType') ?? 'text/html; charset=utf-8' };
    case 'slow-drip':
      return { kind, pieces: integer(where, source, 'pieces', 1, 100_000) ?? 16, intervalMs: integer(where, source, 'intervalMs', 0, MAX_TIMER_MS) ?? 25 };
    case 'malformed-json':
    case 'expired-url':
    case 'stale-nonce':
      return { kind };
  }
}

/**
 * Checks a fault given to `sim.faults.inject` and fills in its defaults. A misspelt member
 * would silently change nothing, so unknown members are refused too.
 *
 * @throws TypeError naming the wrong member.
 */
export function armFault(input: SimulatorFault): ArmedFault {
  const where = 'faults.inject';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError(`${where}: expected a fault object`);
  const source = input as unknown as Record<string, unknown>;
  const kind = oneOf(where, source, 'kind', SIMULATOR_FAULT_KINDS);
  if (kind === undefined) bad(where, 'kind', `one of ${SIMULATOR_FAULT_KINDS.join(', ')}`, undefined);
  const known = new Set([...TARGET_KEYS, ...PARAMETERS[kind]]);
  for (const key of Object.keys(source)) {
    if (!known.has(key)) throw new TypeError(`${where}: unknown member "${key}" for kind "${kind}" (known: ${[...known].join(', ')})`);
  }
  const times = source.times;
  if (times !== undefined && times !== Infinity && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    bad(where, 'times', 'a positive integer or Infinity', times);
  }
  return {
    fault: resolveParameters(where, kind, source),
    filter: { operationId: text(where, source, 'operationId'), pathPrefix: text(where, source, 'pathPrefix'), method: text(where, source, 'method')?.toUpperCase() },
    remaining: (times as number | undefined) ?? 1,
  };
}

/** Random-fault options, checked; undefined stays undefined (no random faults). */
export interface ResolvedRandomFaults {
  readonly rate: number;
  readonly seed: number;
  readonly kinds: readonly SimulatorFaultKind[];
}

/**
 * Checks random-fault options (the `faults` option, or `sim.faults.random`).
 *
 * @throws TypeError naming the wrong member.
 */
export function resolveRandomFaults(where: string, input: SimulatorRandomFaults | undefined): ResolvedRandomFaults | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError(`${where}: expected { rate, seed?, kinds? } or undefined`);
  for (const key of Object.keys(input)) {
    if (!['rate', 'seed', 'kinds'].includes(key)) throw new TypeError(`${where}: unknown member "${key}" (known: rate, seed, kinds)`);
  }
  const { rate, seed, kinds } = input;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) bad(where, 'rate', 'a number from 0 to 1', rate);
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) bad(where, 'seed', 'a safe integer', seed);
  if (kinds !== undefined && (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !SIMULATOR_FAULT_KINDS.includes(k)))) {
    bad(where, 'kinds', `a non-empty array of ${SIMULATOR_FAULT_KINDS.join(', ')}`, kinds);
  }
  return { rate, seed: seed ?? 1, kinds: kinds ?? SIMULATOR_FAULT_KINDS };
}
