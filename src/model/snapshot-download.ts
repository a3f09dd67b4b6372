import type { Route } from '../policy/types.js';

/** Status values Atlas documents for restore jobs; Atlas may add others, which pass through as strings. */
export type KnownDownloadStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'FAILED' | 'COMPLETED';
/** A job status: a documented value, or any other string Atlas sends. */
export type DownloadStatus = KnownDownloadStatus | (string & {});

/** Delivery types Atlas documents; others pass through as strings. */
export type DeliveryType = 'RESTORE' | 'DOWNLOAD' | (string & {});

/** One RFC 5988 link of an Atlas resource. */
export interface AtlasLink {
  readonly href?: string | undefined;
  readonly rel?: string | undefined;
}

/**
 * One snapshot download job, the same shape whichever endpoint created it.
 *
 * Field names are Atlas's (`TenantRestore` and `FlexBackupRestoreJob20241113` share them);
 * `clusterName` unifies the tenant `clusterName` and the Flex `instanceName`; date-times
 * are `Date`s (undefined when absent or unreadable); `raw` is the untouched body, with any
 * field this model does not name.
 */
export interface SnapshotDownload {
  /** The endpoint family that created the job and answers for it. */
  readonly route: Route;
  /** The restore job id (24 hex). */
  readonly id: string | undefined;
  readonly projectId: string | undefined;
  /** The source cluster: tenant `clusterName`, or Flex `instanceName`. */
  readonly clusterName: string | undefined;
  readonly snapshotId: string | undefined;
  readonly status: DownloadStatus | undefined;
  readonly deliveryType: DeliveryType | undefined;
  /** Where to download the snapshot from, once the job is COMPLETED. Valid for four hours. */
  readonly snapshotUrl: string | undefined;
  readonly expirationDate: Date | undefined;
  readonly restoreScheduledDate: Date | undefined;
  readonly restoreFinishedDate: Date | undefined;
  readonly snapshotFinishedDate: Date | undefined;
  readonly targetProjectId: string | undefined;
  readonly targetDeploymentItemName: string | undefined;
  readonly links: readonly AtlasLink[];
  /** The body as Atlas sent it. */
  readonly raw: Readonly<Record<string, unknown>>;
}
