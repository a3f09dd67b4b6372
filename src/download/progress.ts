import { performance } from 'node:perf_hooks';

/** One progress report of a save. */
export interface SaveProgress {
  /** Bytes of the snapshot saved so far, including those resumed from a partial file. */
  bytes: number;
  /** The snapshot's size, when the host gave one. */
  total: number | undefined;
  /** Moving average of the transfer rate of this call, in bytes per second (0 until measurable), over all its connections. */
  bytesPerSecond: number;
  /** Connections the bytes come over: more than 1 for a save in parts, else 1. */
  connections: number;
}

// Time constant of the rate's moving average: long enough to smooth bursts, short enough to follow a slowdown.
const RATE_TIME_CONSTANT_MS = 2_000;

/** The caller's `onProgress` threw; the save stops and rethrows what it threw. */
export class ProgressCallbackFailure extends Error {
  constructor(cause: unknown) {
    super('onProgress threw', { cause });
  }
}

/**
 * Throttles `onProgress` to at most one call per `intervalMs` on the monotonic clock
 * (`performance.now()`, immune to wall-clock jumps), plus one final call. The rate is an
 * exponentially weighted moving average over the bytes received in this call only, so
 * resumed bytes do not inflate it.
 */
export class ProgressMeter {
  readonly #onProgress: ((progress: SaveProgress) => void) | undefined;
  readonly #intervalMs: number;
  #position = 0;
  #total: number | undefined;
  #connections = 1;
  #received = 0;
  #lastReportAt = Number.NEGATIVE_INFINITY;
  #sampleAt = performance.now();
  #sampleReceived = 0;
  #rate: number | undefined;

  constructor(onProgress: ((progress: SaveProgress) => void) | undefined, intervalMs: number) {
    this.#onProgress = onProgress;
    this.#intervalMs = intervalMs;
  }

  /** Bytes of the snapshot saved so far, as counted by {@link advance}. */
  get position(): number {
    return this.#position;
  }

  /**
   * Where the next bytes start (0 when starting over, the bytes already saved when
   * resuming), the size when known, and over how many connections they come.
   */
  startAt(position: number, total: number | undefined, connections = 1): void {
    this.#position = position;
    this.#total = total;
    this.#connections = connections;
  }

  /** Counts received bytes; reports when the interval has passed. */
  advance(bytes: number): void {
    this.#position += bytes;
    this.#received += bytes;
    if (this.#onProgress === undefined) return;
    const now = performance.now();
    if (now - this.#lastReportAt >= this.#intervalMs) this.#report(now);
  }

  /** The final report, made whatever the interval: `bytes` is the saved size. */
  finish(bytes: number): void {
    this.#position = bytes;
    if (this.#onProgress !== undefined) this.#report(performance.now());
  }

  #report(now: number): void {
    this.#lastReportAt = now;
    const elapsed = now - this.#sampleAt;
    if (elapsed > 0) {
      const instant = ((this.#received - this.#sampleReceived) * 1000) / elapsed;
      const weight = 1 - Math.exp(-elapsed / RATE_TIME_CONSTANT_MS);
      this.#rate = this.#rate === undefined ? instant : this.#rate + weight * (instant - this.#rate);
      this.#sampleAt = now;
      this.#sampleReceived = this.#received;
    }
    try {
      this.#onProgress?.({ bytes: this.#position, total: this.#total, bytesPerSecond: Math.round(this.#rate ?? 0), connections: this.#connections });
    } catch (error) {
      throw new ProgressCallbackFailure(error);
    }
  }
}
