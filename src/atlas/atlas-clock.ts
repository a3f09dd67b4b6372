import { parseHttpDate } from './retry.js';

/**
 * Atlas's clock as this process can know it. Atlas decides the sunset, stamps job dates and
 * signs `snapshotUrl` expiry on its own clock; a machine whose clock runs ahead or behind
 * (a resumed VM, a container without time sync) would judge all three wrongly. Every Atlas
 * answer carries Atlas's time in its `Date` header, so the shim learns the offset from the
 * answers, as the AWS SDKs correct clock skew, and measures on the machine's clock plus
 * that offset.
 */
export interface AtlasClock {
  /** Atlas's current instant, as best known. */
  now(): Date;
  /** Learns from one answer's `Date` header (undefined or unreadable: ignored). */
  observe(dateHeader: string | undefined): void;
}

/**
 * A difference below this between the machine's clock and an answer's `Date` is not
 * corrected: `Date` has one-second resolution and arrives after a round trip, so small
 * differences are noise, and a clock within 30 s of Atlas's judges a sunset, a four-hour
 * URL and the one-minute job look-up window (`DEFAULT_JOB_LOOKUP_SKEW_MS`) rightly.
 */
export const CLOCK_SKEW_THRESHOLD_MS = 30_000;

/**
 * The offset to apply after an answer dated `serverMs` arrived at `localMs`: unchanged while
 * the corrected clock agrees with the answer within `thresholdMs`, else the new difference.
 * Pure.
 */
export function correctedOffset(serverMs: number, localMs: number, currentOffsetMs: number, thresholdMs: number = CLOCK_SKEW_THRESHOLD_MS): number {
  if (!Number.isFinite(serverMs)) return currentOffsetMs;
  const offset = serverMs - localMs;
  return Math.abs(offset - currentOffsetMs) >= thresholdMs ? offset : currentOffsetMs;
}

/** A clock that is told the time (the `now` option): trusted as it is, never corrected. */
export function trustedClock(now: () => Date): AtlasClock {
  return { now, observe() {} };
}

/**
 * The machine's clock, corrected by the offset learned from Atlas's `Date` headers (see
 * {@link correctedOffset}). Until an answer arrives it is the machine's clock.
 *
 * @param local the machine's clock. Default `Date.now`.
 */
export function learnedClock(local: () => number = Date.now): AtlasClock {
  let offsetMs = 0;
  // Date has one-second resolution: most answers repeat the header before, which is not parsed again.
  let lastHeader: string | undefined;
  return {
    now: () => new Date(local() + offsetMs),
    observe(dateHeader) {
      if (dateHeader === undefined || dateHeader === lastHeader) return;
      lastHeader = dateHeader;
      offsetMs = correctedOffset(parseHttpDate(dateHeader), local(), offsetMs);
    },
  };
}
