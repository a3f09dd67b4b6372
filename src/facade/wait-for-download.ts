import { setTimeout as sleep } from 'node:timers/promises';
import { isTransientCallError } from '../atlas/atlas-answer.js';
import { TimeoutError } from '../errors/atlas-errors.js';
import { DownloadFailedError, JobPollError } from '../errors/download-errors.js';
import type { SnapshotDownload } from '../model/snapshot-download.js';
import { ABORT_SIGNAL, checkObject, checkOptional, checkOptionsObject, func, integer, milliseconds } from '../validation.js';

/** A poll that failed after its own retries; the wait goes on until `maxMissedPolls` fail in a row. */
export interface MissedPoll<T extends SnapshotDownload = SnapshotDownload> {
  /** The job as last read. */
  readonly job: T;
  /** Why the poll failed: the error its call ended with (`AtlasApiError`, `AtlasResponseError`, `AtlasConnectionError`, `TimeoutError`). */
  readonly error: unknown;
  /** Failed polls in a row, this one included. */
  readonly missedPolls: number;
  /** How many in a row end the wait. */
  readonly maxMissedPolls: number;
}

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
  /**
   * Failed polls in a row that end the wait with a `JobPollError`. A poll fails when its call
   * still fails after its retries (see the `retry` option) with a transient failure: 5xx,
   * 429, an answer that is not Atlas's JSON, a broken connection, a call timeout. Fewer are
   * missed polls: reported, and the wait goes on. Any other failure (404, 401…) ends the
   * wait at once. Default 5; 0 ends it at the first.
   */
  readonly maxMissedPolls?: number;
  /** Told each missed poll. */
  readonly onMissedPoll?: (miss: MissedPoll<T>) => void;
}

/** {@link WaitForDownloadOptions} checked, with the defaults applied. */
export interface ResolvedWaitOptions<T extends SnapshotDownload = SnapshotDownload> {
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Give up after this long, in milliseconds. */
  readonly timeoutMs: number;
  /** The first delay between polls, in milliseconds. */
  readonly pollIntervalMs: number;
  /** The longest delay between polls, in milliseconds; never below `pollIntervalMs`. */
  readonly maxPollIntervalMs: number;
  /** Told each change of status, if given. */
  readonly onStatus: ((job: T) => void) | undefined;
  /** Failed polls in a row that end the wait. */
  readonly maxMissedPolls: number;
  /** Told each missed poll, if given. */
  readonly onMissedPoll: ((miss: MissedPoll<T>) => void) | undefined;
}

const DEFAULTS = { timeoutMs: 1_800_000, pollIntervalMs: 2_000, maxPollIntervalMs: 15_000, maxMissedPolls: 5 };
const ON_STATUS = func<(job: SnapshotDownload) => void>('a function (job) => void');
const ON_MISSED_POLL = func<(miss: MissedPoll) => void>('a function (miss) => void');
const MISSED_POLLS = integer(0, 1000);

/**
 * Checks the options of a wait and applies the defaults. Pure, so a caller can refuse
 * wrong options before it creates the job it would wait for (`shim.download` does).
 *
 * `fieldPrefix` is how errors name the fields: `'options.'` (the default) for
 * `waitForDownload(job, options)`, `''` for `shim.download(input)`, whose one argument
 * carries them at its top level. The options object itself may be undefined (no options);
 * anything else that is not an object is refused, named by the prefix without its dot.
 *
 * @throws {ValidationError} naming the first wrong option.
 */
export function resolveWaitOptions<T extends SnapshotDownload = SnapshotDownload>(options: unknown, fieldPrefix = 'options.'): ResolvedWaitOptions<T> {
  const given = checkOptionsObject(fieldPrefix.replace(/\.$/, '') || 'argument', options);
  const onStatus = checkOptional(`${fieldPrefix}onStatus`, given.onStatus, ON_STATUS);
  const pollIntervalMs = checkOptional(`${fieldPrefix}pollIntervalMs`, given.pollIntervalMs, milliseconds(0)) ?? DEFAULTS.pollIntervalMs;
  const signal = checkOptional(`${fieldPrefix}signal`, given.signal, ABORT_SIGNAL);
  const timeoutMs = checkOptional(`${fieldPrefix}timeoutMs`, given.timeoutMs, milliseconds(1)) ?? DEFAULTS.timeoutMs;
  const maxPollIntervalMs = checkOptional(`${fieldPrefix}maxPollIntervalMs`, given.maxPollIntervalMs, milliseconds(0)) ?? DEFAULTS.maxPollIntervalMs;
  const maxMissedPolls = checkOptional(`${fieldPrefix}maxMissedPolls`, given.maxMissedPolls, MISSED_POLLS) ?? DEFAULTS.maxMissedPolls;
  const onMissedPoll = checkOptional(`${fieldPrefix}onMissedPoll`, given.onMissedPoll, ON_MISSED_POLL);
  return {
    signal,
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs: Math.max(pollIntervalMs, maxPollIntervalMs),
    onStatus: onStatus as ((job: T) => void) | undefined,
    maxMissedPolls,
    onMissedPoll: onMissedPoll as ((miss: MissedPoll<T>) => void) | undefined,
  };
}

/**
 * Polls a download job until Atlas reports it COMPLETED (resolves with it) or FAILED
 * (rejects with `DownloadFailedError`). Any other status, documented or not, keeps it
 * waiting. `reread` re-reads the job from the endpoint family that created it; a re-read
 * that fails transiently is a missed poll (see `maxMissedPolls`), and the wait goes on.
 *
 * @throws {TimeoutError} after `timeoutMs`, naming the last status seen.
 * @throws {JobPollError} after `maxMissedPolls` + 1 failed polls in a row, with the last failure as `cause`.
 * @throws the re-read's error when it is not transient (the job is gone, the credentials refused).
 * @throws {ValidationError} for a job that is not an object (`download`) or a wrong option
 *   (see {@link resolveWaitOptions}), before the first poll.
 *
 * @param reportMissedPoll the caller of this function's own report of a missed poll (the
 *   shim's event), told before the `onMissedPoll` option.
 */
export async function waitForDownload<T extends SnapshotDownload>(
  download: T,
  reread: (job: T, signal: AbortSignal) => Promise<T>,
  options?: WaitForDownloadOptions<T>,
  reportMissedPoll?: (miss: MissedPoll<T>) => void,
): Promise<T> {
  // Checked before its status is read, so a null job is a ValidationError, not a TypeError.
  checkObject('download', download);
  const { signal: callerSignal, timeoutMs, pollIntervalMs, maxPollIntervalMs, onStatus, maxMissedPolls, onMissedPoll } = resolveWaitOptions<T>(options);
  callerSignal?.throwIfAborted();

  // One signal for the caller's abort and our deadline, so a poll in flight is cancelled by either.
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
  const started = performance.now();
  let job = download;
  let missedPolls = 0;
  try {
    for (let attempt = 0; ; attempt += 1) {
      if (job.status === 'COMPLETED') return job;
      if (job.status === 'FAILED') throw new DownloadFailedError(job);
      await sleep(pollDelay(attempt, { pollIntervalMs, maxPollIntervalMs }), undefined, { signal });
      let next: T;
      try {
        next = await reread(job, signal);
      } catch (error) {
        if (signal.aborted || !isTransientCallError(error)) throw error;
        missedPolls += 1;
        if (missedPolls > maxMissedPolls) throw new JobPollError(job, missedPolls, error);
        const miss = { job, error, missedPolls, maxMissedPolls };
        reportMissedPoll?.(miss);
        onMissedPoll?.(miss);
        continue;
      }
      missedPolls = 0;
      if (next.status !== job.status) onStatus?.(next);
      job = next;
    }
  } catch (error) {
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (deadline.aborted) throw new TimeoutError('Waiting for the snapshot download job', Math.round(performance.now() - started), job.status);
    throw error;
  }
}

/** How the wait for a job spaces its polls. */
export interface PollSchedule {
  /** The first delay, in milliseconds. */
  readonly pollIntervalMs: number;
  /** The longest delay, in milliseconds. */
  readonly maxPollIntervalMs: number;
}

/** Each delay is this much longer than the one before, until the cap. */
const GROWTH = 1.5;
/** ±10 %: enough to keep many waiting processes from polling Atlas in step. */
const JITTER = 0.1;

/**
 * The delay before poll number `attempt` (0 for the first): starts near `pollIntervalMs`,
 * grows by half each time, is capped at `maxPollIntervalMs`, with a little jitter. Pure:
 * `random` is passed in.
 */
export function pollDelay(attempt: number, schedule: PollSchedule, random: () => number = Math.random): number {
  const base = Math.min(schedule.maxPollIntervalMs, schedule.pollIntervalMs * GROWTH ** Math.max(0, attempt));
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.max(0, Math.round(Math.min(jittered, schedule.maxPollIntervalMs)));
}
