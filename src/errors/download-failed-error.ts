import { ShimError } from './shim-error.js';

/** The snapshot job's fields a failure report needs; a `SnapshotDownload` fits. */
export interface FailedJob {
  readonly id: string | undefined;
  readonly route: string;
  readonly status: string | undefined;
  readonly snapshotId: string | undefined;
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
