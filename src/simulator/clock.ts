import { performance } from 'node:perf_hooks';
import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES } from './error-codes.js';
import { toInstant } from './options.js';

/**
 * The simulated Atlas wall clock (sunset switch, dates in bodies, URL expiry) and the monotonic
 * clock that paces jobs, nonces and tokens. Kept apart so a test can jump Atlas's date across
 * the sunset without making every job and nonce look ancient.
 */
export class SimulatorClock {
  readonly #source: () => Date;
  #pinned: Date | undefined;

  constructor(source: () => Date) {
    this.#source = source;
  }

  /** The current Atlas instant. Throws a 500 ApiError if the `now` option returns no valid date. */
  now(): Date {
    if (this.#pinned !== undefined) return new Date(this.#pinned.getTime());
    const value: unknown = this.#source();
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new SimulatorApiError(500, SIMULATOR_ERROR_CODES.unexpectedError, 'The simulator clock (option "now") did not return a valid Date.');
    }
    return new Date(value.getTime());
  }

  /**
   * The instant an answer's `Date` header states: the Atlas instant, or real time when the `now`
   * option returns no valid date, since the 500 that reports that must still go out dated.
   */
  dateForHeaders(): Date {
    try {
      return this.now();
    } catch {
      return new Date();
    }
  }

  /**
   * Pins the clock at `date`, or unpins it with undefined. Pinned, not offset: a test that sets the
   * clock one millisecond before the sunset must stay before it however long the test runs.
   */
  set(date: Date | string | undefined): void {
    if (date === undefined) {
      this.#pinned = undefined;
      return;
    }
    const instant = toInstant(date);
    if (instant === undefined) throw new TypeError(`setNow: expected a valid Date, an ISO 8601 string or undefined, got ${String(date)}`);
    this.#pinned = instant;
  }

  /** Monotonic milliseconds, immune to `setNow` and to system clock changes. */
  monotonicMs(): number {
    return performance.now();
  }
}
