import { randomBytes } from 'node:crypto';

/** Restore job statuses, in the order a job moves through them. */
export type RestoreJobStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** One download job. Jobs belong to the cluster, not to the API family that created them. */
export interface RestoreJob {
  readonly id: string;
  readonly projectId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  readonly deliveryType: 'DOWNLOAD';
  /** Atlas-clock instant of creation (`restoreScheduledDate`). */
  readonly scheduledAt: Date;
  /** Monotonic creation time: the status moves with real elapsed time. */
  readonly createdMonoMs: number;
  readonly fails: boolean;
  /** The unguessable part of `snapshotUrl`. */
  readonly downloadToken: string;
  readonly targetProjectId?: string;
  readonly targetDeploymentItemName?: string;
}

/** Where a job is now. `finishedAt`/`expiresAt` are Atlas-clock instants, present once it COMPLETED. */
export interface RestoreJobProgress {
  readonly status: RestoreJobStatus;
  /** Scheduled date plus the job duration: derived, so it does not depend on when someone polled. */
  readonly finishedAt?: Date;
  /** When `snapshotUrl` stops working. */
  readonly expiresAt?: Date;
}

/** `snapshotUrl` stays valid for four hours (per the contract's description). */
export const SNAPSHOT_URL_LIFETIME_MS = 4 * 3_600_000;
const STEPS: readonly RestoreJobStatus[] = ['PENDING', 'QUEUED', 'RUNNING'];

/** Creates, finds and paces the simulator's restore jobs. */
export class RestoreJobStore {
  readonly #now: () => number;
  readonly #durationMs: number;
  readonly #byId = new Map<string, RestoreJob>();
  readonly #byToken = new Map<string, RestoreJob>();
  readonly #failing = new Set<string>();

  constructor(monotonicMs: () => number, durationMs: number) {
    this.#now = monotonicMs;
    this.#durationMs = durationMs;
  }

  /** Starts a job at the Atlas instant `scheduledAt` (the request's), paced from now on the monotonic clock. */
  create(input: {
    scheduledAt: Date;
    projectId: string;
    clusterName: string;
    snapshotId: string;
    targetProjectId?: string | undefined;
    targetDeploymentItemName?: string | undefined;
  }): RestoreJob {
    const { scheduledAt } = input;
    // ObjectId layout (seconds, then random bytes), so ids sort by creation like Atlas's.
    const seconds = Math.max(0, Math.floor(scheduledAt.getTime() / 1000)) % 2 ** 32;
    const job: RestoreJob = {
      id: seconds.toString(16).padStart(8, '0') + randomBytes(8).toString('hex'),
      projectId: input.projectId,
      clusterName: input.clusterName,
      snapshotId: input.snapshotId,
      deliveryType: 'DOWNLOAD',
      scheduledAt,
      createdMonoMs: this.#now(),
      fails: this.#failing.has(input.snapshotId),
      downloadToken: randomBytes(32).toString('base64url'),
      ...(input.targetProjectId !== undefined ? { targetProjectId: input.targetProjectId } : {}),
      ...(input.targetDeploymentItemName !== undefined ? { targetDeploymentItemName: input.targetDeploymentItemName } : {}),
    };
    this.#byId.set(job.id, job);
    this.#byToken.set(job.downloadToken, job);
    return job;
  }

  /** The cluster's job with that id, if any. */
  get(clusterName: string, id: string): RestoreJob | undefined {
    const job = this.#byId.get(id);
    return job?.clusterName === clusterName ? job : undefined;
  }

  /** The cluster's jobs, newest first. */
  list(clusterName: string): RestoreJob[] {
    return [...this.#byId.values()].filter((job) => job.clusterName === clusterName).reverse();
  }

  /** The jobs of a snapshot, oldest first. */
  forSnapshot(snapshotId: string): RestoreJob[] {
    return [...this.#byId.values()].filter((job) => job.snapshotId === snapshotId);
  }

  /** The job a `snapshotUrl` token belongs to. */
  byDownloadToken(token: string): RestoreJob | undefined {
    return this.#byToken.get(token);
  }

  /** Jobs created for this snapshot from now on end FAILED. */
  failFor(snapshotId: string): void {
    this.#failing.add(snapshotId);
  }

  /** Status from real elapsed time, in four equal quarters of the job duration. */
  progress(job: RestoreJob): RestoreJobProgress {
    const elapsed = this.#now() - job.createdMonoMs;
    const quarter = this.#durationMs / 4;
    const step = quarter === 0 ? STEPS.length : Math.floor(elapsed / quarter);
    if (step < STEPS.length) return { status: STEPS[step] as RestoreJobStatus };
    if (job.fails) return { status: 'FAILED' };
    const finishedAt = new Date(job.scheduledAt.getTime() + this.#durationMs);
    return { status: 'COMPLETED', finishedAt, expiresAt: new Date(finishedAt.getTime() + SNAPSHOT_URL_LIFETIME_MS) };
  }
}
