import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';
import type { SaveProgress } from './progress.js';

/** Options of a save. Every one is optional. */
export interface SaveSnapshotOptions {
  /** Aborts the request and the write; the save rejects with the signal's reason. Default none. */
  signal?: AbortSignal;
  /** Called at most once per `progressIntervalMs`, plus once at the end with the final size. Default none. */
  onProgress?: (progress: SaveProgress) => void;
  /** Resume from a partial temporary file with a Range request, and keep it when interrupted. Default `true`. */
  resume?: boolean;
  /** Least time between two `onProgress` calls, in milliseconds (0: on every chunk). Default 250. */
  progressIntervalMs?: number;
  /** Connection cuts and truncated bodies survived within one call by resuming. Default 3. */
  maxResumeAttempts?: number;
}

/** {@link SaveSnapshotOptions} checked, with the defaults applied. */
export interface ResolvedSaveOptions {
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: SaveProgress) => void) | undefined;
  readonly resume: boolean;
  readonly progressIntervalMs: number;
  readonly maxResumeAttempts: number;
}

function optional<T>(field: string, value: unknown, valid: (value: unknown) => boolean, allowed: string): T | undefined {
  if (value === undefined) return undefined;
  if (!valid(value)) throw new ValidationError(field, allowed, describeValue(value));
  return value as T;
}

const isCount = (max: number) => (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

/**
 * Checks the save options and applies the defaults. `fieldPrefix` (default `'options.'`)
 * is how errors name a field: `shim.download` takes these options as top-level fields of
 * its one argument, and passes `''`.
 *
 * @throws {ValidationError} naming the first wrong option.
 */
export function resolveSaveOptions(options: SaveSnapshotOptions, fieldPrefix = 'options.'): ResolvedSaveOptions {
  const at = (name: string): string => `${fieldPrefix}${name}`;
  return {
    signal: optional<AbortSignal>(at('signal'), options.signal, (value) => value instanceof AbortSignal, 'an AbortSignal'),
    onProgress: optional(at('onProgress'), options.onProgress, (value) => typeof value === 'function', 'a function (progress) => void'),
    resume: optional<boolean>(at('resume'), options.resume, (value) => typeof value === 'boolean', 'true or false') ?? true,
    progressIntervalMs:
      optional<number>(at('progressIntervalMs'), options.progressIntervalMs, isCount(2_147_483_647), 'an integer number of milliseconds, 0 or more') ??
      250,
    maxResumeAttempts: optional<number>(at('maxResumeAttempts'), options.maxResumeAttempts, isCount(1_000), 'an integer from 0 to 1000') ?? 3,
  };
}
