import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadFailedError } from '../errors/download-failed-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { SnapshotDownload } from '../model/snapshot-download.js';
import { describeValue } from '../validation/describe-value.js';
import { pollDelay } from './poll-delay.js';

/** Options of `waitForDownload`. */
export interface WaitForDownloadOptions<T extends SnapshotDownload = SnapshotDownload> {
  /** Stops waiting; rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Gives up after this long, with a `TimeoutError`. Default 1 800 000 (30 minutes). */
  readonly timeoutMs?: number;
  /** The first delay between polls. Default 2 000; later delays grow by half, up to `maxPollIntervalMs`. */
  readonly pollIntervalMs?: number;
  /** The longest delay between polls. Default 15 000. */
  readonly maxPollIntervalMs?: number;
  /** Told the job after every poll whose status differs from the one before, known or not. */
  readonly onStatus?: (job: T) => void;
}

const DEFAULTS = { timeoutMs: 1_800_000, pollIntervalMs: 2_000, maxPollIntervalMs: 15_000 };

function millis(field: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2_147_483_647) {
    throw new ValidationError(field, `an integer number of milliseconds, ${min} or more`, describeValue(value));
  }
  return value;
}

/**
 * Polls a download job until Atlas reports it COMPLETED (resolves with it) or FAILED
 * (rejects with `DownloadFailedError`). Any other status, documented or not, keeps it
 * waiting. `reread` re-reads the job from the endpoint family that created it.
 *
 * @throws {TimeoutError} after `timeoutMs`, naming the last status seen.
 * @throws {ValidationError} for a wrong option, before the first poll.
 */
export async function waitForDownload<T extends SnapshotDownload>(
  download: T,
  reread: (job: T, signal: AbortSignal) => Promise<T>,
  options: WaitForDownloadOptions<T> = {},
  monotonicNow: () => number = () => performance.now(),
): Promise<T> {
  const timeoutMs = millis('options.timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs, 1);
  const pollIntervalMs = millis('options.pollIntervalMs', options.pollIntervalMs, DEFAULTS.pollIntervalMs, 0);
  const maxPollIntervalMs = Math.max(pollIntervalMs, millis('options.maxPollIntervalMs', options.maxPollIntervalMs, DEFAULTS.maxPollIntervalMs, 0));
  const { onStatus } = options;
  if (onStatus !== undefined && typeof onStatus !== 'function') {
    throw new ValidationError('options.onStatus', 'a function (job) => void', describeValue(onStatus));
  }
  options.signal?.throwIfAborted();

  // One signal for the caller's abort and our deadline, so a poll in flight is cancelled by either.
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const started = monotonicNow();
  let job = download;
  try {
    for (let attempt = 0; ; attempt += 1) {
      if (job.status === 'COMPLETED') return job;
      if (job.status === 'FAILED') throw new DownloadFailedError(job);
      await sleep(pollDelay(attempt, { pollIntervalMs, maxPollIntervalMs }), undefined, { signal });
      const next = await reread(job, signal);
      if (next.status !== job.status) onStatus?.(next);
      job = next;
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) throw new TimeoutError('Waiting for the snapshot download job', Math.round(monotonicNow() - started), job.status);
    throw error;
  }
}
