/** One log method of a pino-compatible logger: a record object first, then a message. */
export type ShimLogMethod = (record: object, message?: string) => void;

/**
 * Any pino-compatible logger: `debug`, `info`, `warn` and `error` taking
 * `(record, message)`, and optionally `child(bindings)`. A pino logger fits as it is;
 * so does a bunyan one or a small adapter over `console`.
 */
export interface ShimLogger {
  /** Each Atlas request and retry. */
  debug: ShimLogMethod;
  /** Route decisions, saved snapshots, adapter rewrites. */
  info: ShimLogMethod;
  /** Fallbacks, flag problems, adopted download jobs, tenant-endpoint use before the sunset. */
  warn: ShimLogMethod;
  /** Never called by the shim (failures are thrown); required so any logger fits unchanged. */
  error: ShimLogMethod;
  /** When present, the shim logs through `child({ component: 'atlas-snapshot-shim' })`. */
  child?: (bindings: Record<string, unknown>) => ShimLogger;
}

/** True when `value` has the methods of a {@link ShimLogger} (prototype methods count, as pino's are). */
export function isShimLogger(value: unknown): value is ShimLogger {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  const methods = ['debug', 'info', 'warn', 'error'].every((name) => typeof logger[name] === 'function');
  return methods && (logger.child === undefined || typeof logger.child === 'function');
}

/** What every record of this library carries, to tell its records apart in a shared log. */
export const LOG_BINDINGS = { component: 'atlas-snapshot-shim' } as const;

/** The levels the shim logs at. It never logs at `error`: what fails is thrown, and the caller logs it once. */
export interface ShimLog {
  debug(record: object, message: string): void;
  info(record: object, message: string): void;
  warn(record: object, message: string): void;
}

/**
 * Wraps the `logger` option: records carry {@link LOG_BINDINGS} (through `child` when the
 * logger has one, else on each record), and a logger that throws is ignored, so logging
 * never breaks a download. Undefined when there is no logger: callers skip building records.
 */
export function createShimLog(logger: ShimLogger | undefined): ShimLog | undefined {
  if (logger === undefined) return undefined;
  let target: ShimLogger = logger;
  let bindings: object = LOG_BINDINGS;
  if (typeof logger.child === 'function') {
    try {
      const child = logger.child({ ...LOG_BINDINGS });
      if (isShimLogger(child)) {
        target = child;
        bindings = {};
      }
    } catch {
      // A logger whose child() throws still logs through itself.
    }
  }
  const write = (level: keyof ShimLog) => (record: object, message: string) => {
    try {
      target[level]({ ...bindings, ...record }, message);
    } catch {
      // A broken logger must not fail the call it observes.
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn') };
}
