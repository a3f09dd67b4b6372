import type { Route } from '../atlas/operations.js';

/** Status values Atlas documents for restore jobs; Atlas may add others, which pass through as strings. */
export type KnownDownloadStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'FAILED' | 'COMPLETED';
/** A job status: a documented value, or any other string Atlas sends. */
export type DownloadStatus = KnownDownloadStatus | (string & {});

/** Delivery types Atlas documents; others pass through as strings. */
export type DeliveryType = 'RESTORE' | 'DOWNLOAD' | (string & {});

/** One RFC 5988 link of an Atlas resource. */
export interface AtlasLink {
  /** URL of the related Atlas resource, usually under `https://cloud.mongodb.com/api/atlas`; undefined when Atlas sent none. */
  readonly href?: string | undefined;
  /** How the linked resource relates to this one, such as `self`; undefined when Atlas sent none. */
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
  /** The project the job belongs to (24 hex). */
  readonly projectId: string | undefined;
  /** The source cluster: tenant `clusterName`, or Flex `instanceName`. */
  readonly clusterName: string | undefined;
  /** The snapshot the job serves (24 hex). */
  readonly snapshotId: string | undefined;
  /** Where the job is in Atlas's workflow when it was read; `COMPLETED` means `snapshotUrl` is ready. */
  readonly status: DownloadStatus | undefined;
  /** How Atlas delivers the snapshot: `DOWNLOAD` for a download, `RESTORE` for a job that restores into a cluster. */
  readonly deliveryType: DeliveryType | undefined;
  /** Where to download the snapshot from, once the job is COMPLETED. Valid for four hours. */
  readonly snapshotUrl: string | undefined;
  /** When `snapshotUrl` stops working; usually absent until the job is COMPLETED. */
  readonly expirationDate: Date | undefined;
  /** When Atlas scheduled the job, close to when it was requested. */
  readonly restoreScheduledDate: Date | undefined;
  /** When Atlas finished the job; absent until it has. */
  readonly restoreFinishedDate: Date | undefined;
  /** When Atlas finished taking the snapshot itself. */
  readonly snapshotFinishedDate: Date | undefined;
  /** The project of the cluster a restore writes into (24 hex); usually absent for a download. */
  readonly targetProjectId: string | undefined;
  /** The cluster a restore writes into; for a download, the source cluster. Flex jobs may leave it out. */
  readonly targetDeploymentItemName: string | undefined;
  /** Links to the job and related resources (RFC 5988); empty when Atlas sent none. */
  readonly links: readonly AtlasLink[];
  /** The body as Atlas sent it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * A snapshot's phase. The contract declares it an open string and lists no values;
 * `COMPLETED` is the one this library acts on (only a completed snapshot is downloadable).
 */
export type SnapshotStatus = 'COMPLETED' | (string & {});

/**
 * One snapshot of a cluster, the same shape whichever endpoint listed it
 * (`BackupTenantSnapshot` or `FlexBackupSnapshot20241113`), as `shim.listSnapshots` returns it.
 * Atlas's `startTime`, `finishTime` and `expiration` become `Date`s under names that say what
 * they are (undefined when absent or unreadable); `raw` is the untouched item.
 */
export interface SnapshotSummary {
  /** The snapshot id (24 hex): what `downloadSnapshot` takes. Undefined only when Atlas sent an item without one. */
  readonly snapshotId: string | undefined;
  /** The snapshot's phase; only a `COMPLETED` snapshot can be downloaded. */
  readonly status: SnapshotStatus | undefined;
  /** When Atlas started taking the snapshot (`startTime`). */
  readonly startedAt: Date | undefined;
  /** When Atlas finished taking it (`finishTime`). */
  readonly finishedAt: Date | undefined;
  /** When Atlas deletes it (`expiration`): it can be downloaded until then. */
  readonly expiresAt: Date | undefined;
  /** The MongoDB server version it was taken from, such as `8.0.4`. */
  readonly mongoDBVersion: string | undefined;
  /** The endpoint family that listed it: the one a download of it is routed to. */
  readonly route: Route;
  /** The item as Atlas sent it. */
  readonly raw: Readonly<Record<string, unknown>>;
}
