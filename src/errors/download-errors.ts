import { ShimError, toError } from './shim-error.js';

/** Errors of the download workflow: a job Atlas failed, a snapshot that could not be saved. */

/** The snapshot job's fields a failure report needs; a `SnapshotDownload` fits. */
export interface FailedJob {
  /** The restore job id (24 hex), when Atlas sent one. */
  readonly id: string | undefined;
  /** The endpoint family that ran the job: `tenant` or `flex`. */
  readonly route: string;
  /** The status Atlas last reported; the message says `FAILED` when absent. */
  readonly status: string | undefined;
  /** The snapshot the job was for (24 hex), when Atlas said. */
  readonly snapshotId: string | undefined;
  /** The source cluster, when Atlas said. */
  readonly clusterName: string | undefined;
}

/**
 * Atlas reported the download job FAILED. `job` is the job as last read; request a new
 * download to try again.
 */
export class DownloadFailedError<Job extends FailedJob = FailedJob> extends ShimError {
  /** The job as Atlas last reported it. */
  readonly job: Job;

  constructor(job: Job) {
    super(
      `Atlas reported snapshot download job ${job.id ?? '(no id)'} of snapshot ${job.snapshotId ?? '(unknown)'} on cluster ` +
        `${job.clusterName ?? '(unknown)'} as ${job.status ?? 'FAILED'} (${job.route} endpoint). Request a new download to try again.`,
      'DOWNLOAD_FAILED',
    );
    this.job = job;
  }

  override toJSON(): Record<string, unknown> {
    const { id, route, status, snapshotId, clusterName } = this.job;
    return { ...super.toJSON(), job: { id, route, status, snapshotId, clusterName } };
  }
}

/**
 * Waiting for a download job ended because the job could not be read: `missedPolls`
 * polls in a row failed, each after the retries of its own call (Atlas or the way to it
 * answering 5xx, 429, something other than JSON, or not at all). `cause` is the last
 * poll's error; `job` the job as last read. The job itself may still complete: wait for it
 * again, or read it with `getDownload`, once Atlas answers.
 */
export class JobPollError<Job extends FailedJob = FailedJob> extends ShimError {
  /** The job as last read. */
  readonly job: Job;
  /** The failed polls in a row that ended the wait. */
  readonly missedPolls: number;

  constructor(job: Job, missedPolls: number, cause: unknown) {
    super(
      `Reading snapshot download job ${job.id ?? '(no id)'} (${job.route} endpoint) failed ${missedPolls} times in a row; the last status seen ` +
        `was ${job.status ?? '(none)'}. The last failure: ${toError(cause).message}`,
      'JOB_POLL_FAILED',
      { cause },
    );
    this.job = job;
    this.missedPolls = missedPolls;
  }

  override toJSON(): Record<string, unknown> {
    const { id, route, status, snapshotId, clusterName } = this.job;
    return { ...super.toJSON(), missedPolls: this.missedPolls, job: { id, route, status, snapshotId, clusterName } };
  }
}

/**
 * Saving a snapshot failed: the snapshot host answered with an error, the connection
 * broke more times than allowed, the size did not match, or the destination could not be
 * written. `phase` says which; `status` is the host's HTTP status when there was one.
 * The URL's query string (its signature) never appears here.
 */
export class SnapshotTransferError extends ShimError {
  /** Where it failed: before any request (`destination`), talking to the host (`transfer`), or writing (`write`). */
  readonly phase: 'destination' | 'transfer' | 'write';
  /** The snapshot host's HTTP status, when it answered with one. */
  readonly status: number | undefined;
  /** Bytes safely written before the failure. */
  readonly bytesWritten: number;

  constructor(
    message: string,
    init: { phase: 'destination' | 'transfer' | 'write'; status?: number | undefined; bytesWritten?: number; cause?: unknown },
  ) {
    super(message, 'SNAPSHOT_TRANSFER', { cause: init.cause });
    this.phase = init.phase;
    this.status = init.status;
    this.bytesWritten = init.bytesWritten ?? 0;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase, status: this.status, bytesWritten: this.bytesWritten };
  }
}

/**
 * `snapshotId: 'latest'` found no snapshot to download: the cluster's snapshot list (read
 * whole, on the route the policy decided) has no `COMPLETED` snapshot. `listed` is how many
 * snapshots it had in any status; a new shared or Flex cluster has none until its first
 * daily snapshot.
 */
export class NoCompletedSnapshotError extends ShimError {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster. */
  readonly clusterName: string;
  /** The endpoint family whose list was read. */
  readonly route: string;
  /** Snapshots in the list, in any status. */
  readonly listed: number;

  constructor(groupId: string, clusterName: string, route: string, listed: number) {
    super(
      `Cluster ${clusterName} of project ${groupId} has no COMPLETED snapshot to download as 'latest' ` +
        `(${listed === 0 ? 'its snapshot list is empty' : `none of its ${listed} snapshots is COMPLETED`}; read through the ${route} endpoint).`,
      'NO_COMPLETED_SNAPSHOT',
    );
    this.groupId = groupId;
    this.clusterName = clusterName;
    this.route = route;
    this.listed = listed;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), groupId: this.groupId, clusterName: this.clusterName, route: this.route, listed: this.listed };
  }
}
