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
