import { normalizeRestoreJob } from '../model/normalize.js';
import type { Route } from '../policy/types.js';

/** Default allowance for clock skew between this process and Atlas when judging whether a job is recent: 1 minute. */
export const DEFAULT_JOB_LOOKUP_SKEW_MS = 60_000;

/** What a job must match to be the one an ambiguous download POST created. */
export interface AdoptableJobCriteria {
  readonly route: Route;
  readonly snapshotId: string;
  /** When the POST's first attempt started, by the `now` clock. */
  readonly since: Date;
  /** Jobs scheduled up to this long before `since` still count. */
  readonly skewMs: number;
  /** Ids of jobs that are not the one looked for (a renewal must not adopt the job whose URL expired). */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Picks, among listed restore jobs, the one a download POST started at `since` may have
 * created: same snapshot, a download (or no `deliveryType` said), not FAILED, not excluded,
 * scheduled at or after `since - skewMs`; the most recently scheduled when several match. Returns the job's raw
 * body, or undefined. Pure; an entry that is not a JSON object is skipped.
 *
 * Several matches mean another client asked for the same snapshot at the same time; any
 * of them serves the same bytes, and adopting one beats adding another job.
 */
export function chooseAdoptableJob(results: readonly unknown[], criteria: AdoptableJobCriteria): unknown {
  const earliest = criteria.since.getTime() - criteria.skewMs;
  let best: { body: unknown; at: number; id: string } | undefined;
  for (const body of results) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
    const job = normalizeRestoreJob(criteria.route, body);
    if (job.snapshotId !== criteria.snapshotId || job.id === undefined || criteria.exclude?.has(job.id)) continue;
    // A FAILED job cannot be what a POST just created and still serves nothing: asking again is right.
    if (job.status === 'FAILED') continue;
    // A RESTORE job of the same snapshot writes into a cluster: it is not ours to adopt.
    if (job.deliveryType !== undefined && job.deliveryType.toUpperCase() !== 'DOWNLOAD') continue;
    // Without a scheduled date nothing says the job is recent: an old job would serve an expired URL.
    const at = job.restoreScheduledDate?.getTime();
    if (at === undefined || at < earliest) continue;
    // Ties broken by id: Atlas ids begin with their creation second, so the larger is the newer.
    if (best === undefined || at > best.at || (at === best.at && job.id > best.id)) best = { body, at, id: job.id };
  }
  return best?.body;
}
