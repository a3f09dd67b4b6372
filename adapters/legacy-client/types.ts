/**
 * The JSON shapes of the deprecated shared-tier (tenant) operations, as the contract
 * (`snapshot-download.yaml`) declares them, and the arguments of the legacy client's
 * methods. Field types are the contract's: date-times stay ISO 8601 strings, and `status`
 * and `deliveryType` are open strings, since Atlas may send values the docs do not list.
 */

/** The contract's `Link` (RFC 5988). */
export interface TenantLink {
  /** URL of the related Atlas resource, usually under `https://cloud.mongodb.com/api/atlas`. */
  readonly href?: string;
  /** How the linked resource relates to this one, such as `self`. */
  readonly rel?: string;
}

/**
 * The contract's `TenantRestore`: a snapshot download (or restore) job of a shared-tier
 * cluster. As a request body only `snapshotId`, `targetDeploymentItemName` and
 * `targetProjectId` are writable; every other field is read-only.
 */
export interface TenantRestore {
  /** The source cluster (read-only). */
  readonly clusterName?: string;
  /** `DOWNLOAD` or `RESTORE`, or another value Atlas sends (read-only). */
  readonly deliveryType?: string;
  /** When `snapshotUrl` stops working, ISO 8601 (read-only). */
  readonly expirationDate?: string;
  /** The restore job id, 24 hex (read-only). */
  readonly id?: string;
  /** Links to this job and related resources, RFC 5988 (read-only). */
  readonly links?: readonly TenantLink[];
  /** The project the job belongs to, 24 hex (read-only). */
  readonly projectId?: string;
  /** When Atlas finished the job, ISO 8601 UTC; absent until it has (read-only). */
  readonly restoreFinishedDate?: string;
  /** When Atlas scheduled the job to run, ISO 8601 UTC (read-only). */
  readonly restoreScheduledDate?: string;
  /** When Atlas finished taking the snapshot this job serves, ISO 8601 UTC (read-only). */
  readonly snapshotFinishedDate?: string;
  /** The snapshot to download, 24 hex. Required. */
  readonly snapshotId: string;
  /** Where to download it from once the job is COMPLETED; valid for four hours (read-only). */
  readonly snapshotUrl?: string;
  /** PENDING, QUEUED, RUNNING, COMPLETED, FAILED, or another value Atlas sends (read-only). */
  readonly status?: string;
  /** The cluster the snapshot is for; for a download, the source cluster itself. Required. */
  readonly targetDeploymentItemName: string;
  /** The project of the target cluster, 24 hex. In a download request, omit it or give the `groupId` itself: another project is refused. */
  readonly targetProjectId?: string;
}

/** One page of a list operation's answer, as the contract's `Paginated…` schemas have it. */
export interface TenantPage<Item> {
  /** Links to this page and related resources, RFC 5988. */
  readonly links?: readonly TenantLink[];
  /** The items on this page. */
  readonly results?: readonly Item[];
  /** Absent when the query said `includeCount: false`. */
  readonly totalCount?: number;
}

/** The contract's `PaginatedTenantRestore`: the cluster's restore and download jobs, a page at a time. */
export type PaginatedTenantRestore = TenantPage<TenantRestore>;

/** The contract's `BackupTenantSnapshot`: one daily snapshot of a shared-tier cluster. */
export interface BackupTenantSnapshot {
  /** When the snapshot expires and can no longer be downloaded, ISO 8601 UTC (read-only). */
  readonly expiration?: string;
  /** When Atlas finished taking the snapshot, ISO 8601 UTC (read-only). */
  readonly finishTime?: string;
  /** The snapshot id, 24 hex. */
  readonly id?: string;
  /** Links to this snapshot and related resources, RFC 5988 (read-only). */
  readonly links?: readonly TenantLink[];
  /** The MongoDB server version the snapshot was taken from, such as `8.0.4` (read-only). */
  readonly mongoDBVersion?: string;
  /** When Atlas scheduled the snapshot to be taken, ISO 8601 UTC (read-only). */
  readonly scheduledTime?: string;
  /** When Atlas started taking the snapshot, ISO 8601 UTC (read-only). */
  readonly startTime?: string;
  /** The snapshot's phase, such as `COMPLETED`; an open string, as Atlas may send others (read-only). */
  readonly status?: string;
}

/** The contract's `PaginatedTenantSnapshot`: the cluster's snapshots, a page at a time. */
export type PaginatedTenantSnapshot = TenantPage<BackupTenantSnapshot>;

/** The pagination query of the list operations, as Atlas reads it. */
export interface TenantListQuery {
  /** The page to return, from 1. Default (Atlas's) 1. */
  readonly pageNum?: number;
  /** Items per page, 1 to 500. Default (Atlas's) 100. */
  readonly itemsPerPage?: number;
  /** Whether the answer carries `totalCount`. Default (Atlas's) true. */
  readonly includeCount?: boolean;
}

/** Per-call options, after the operation's own arguments. Not part of the legacy signatures. */
export interface LegacyCallOptions {
  /** Aborts the call, including any cluster-kind look-up it waits for. Default none. */
  readonly signal?: AbortSignal;
}

/**
 * The deprecated tenant snapshot operations, by their Atlas Admin API operation names.
 * Each takes the path parameters in path order, then the body or query, and resolves to
 * the legacy JSON shape whichever endpoint family served it.
 */
export interface LegacyOperations {
  /**
   * `POST …/clusters/{clusterName}/backup/tenant/download`, or `downloadFlexBackup` when
   * the route policy says Flex. Requests a download of one snapshot.
   */
  downloadClusterBackupTenant(groupId: string, clusterName: string, body: TenantRestore, options?: LegacyCallOptions): Promise<TenantRestore>;
  /** `GET …/backup/tenant/restores/{restoreId}`, or `getFlexRestoreJob`. */
  getBackupTenantRestore(groupId: string, clusterName: string, restoreId: string, options?: LegacyCallOptions): Promise<TenantRestore>;
  /** `GET …/backup/tenant/restores`, or `listFlexRestoreJobs`. */
  listBackupTenantRestores(groupId: string, clusterName: string, query?: TenantListQuery, options?: LegacyCallOptions): Promise<PaginatedTenantRestore>;
  /** `GET …/backup/tenant/snapshots`, or `listFlexBackupSnapshots`. */
  listClusterBackupSnapshots(groupId: string, clusterName: string, query?: TenantListQuery, options?: LegacyCallOptions): Promise<PaginatedTenantSnapshot>;
  /** `GET …/backup/tenant/snapshots/{snapshotId}`, or `getFlexBackupSnapshot`. */
  getBackupTenantSnapshot(groupId: string, clusterName: string, snapshotId: string, options?: LegacyCallOptions): Promise<BackupTenantSnapshot>;
}

/**
 * The same operations under the other names they were published as
 * (`TENANT_OPERATION_ALIASES` in the operations table): the Atlas SDKs' before 2024 and the
 * API reference's since 2025. Each is the very same function as the operation it names.
 */
export interface LegacyOperationAliases {
  /** The SDKs' name of {@link LegacyOperations.downloadClusterBackupTenant}: the very same function. */
  downloadSharedClusterBackup: LegacyOperations['downloadClusterBackupTenant'];
  /** The API reference's name of {@link LegacyOperations.downloadClusterBackupTenant}: the very same function. */
  downloadGroupClusterBackupTenant: LegacyOperations['downloadClusterBackupTenant'];
  /** The SDKs' name of {@link LegacyOperations.listBackupTenantRestores}: the very same function. */
  listSharedClusterBackupRestoreJobs: LegacyOperations['listBackupTenantRestores'];
  /** The API reference's name of {@link LegacyOperations.listBackupTenantRestores}: the very same function. */
  listGroupClusterBackupTenantRestores: LegacyOperations['listBackupTenantRestores'];
  /** The SDKs' name of {@link LegacyOperations.getBackupTenantRestore}: the very same function. */
  getSharedClusterBackupRestoreJob: LegacyOperations['getBackupTenantRestore'];
  /** The API reference's name of {@link LegacyOperations.getBackupTenantRestore}: the very same function. */
  getGroupClusterBackupTenantRestore: LegacyOperations['getBackupTenantRestore'];
  /** The SDKs' name of {@link LegacyOperations.listClusterBackupSnapshots}: the very same function. */
  listSharedClusterBackups: LegacyOperations['listClusterBackupSnapshots'];
  /** The API reference's name of {@link LegacyOperations.listClusterBackupSnapshots}: the very same function. */
  listGroupClusterBackupTenantSnapshots: LegacyOperations['listClusterBackupSnapshots'];
  /** The SDKs' name of {@link LegacyOperations.getBackupTenantSnapshot}: the very same function. */
  getSharedClusterBackup: LegacyOperations['getBackupTenantSnapshot'];
  /** The API reference's name of {@link LegacyOperations.getBackupTenantSnapshot}: the very same function. */
  getGroupClusterBackupTenantSnapshot: LegacyOperations['getBackupTenantSnapshot'];
}

/** The legacy client: every tenant operation under every name it had, and `close`. */
export interface LegacyClient extends LegacyOperations, LegacyOperationAliases {
  /** Releases the connections the client opened (not a `dispatcher` the caller gave). Idempotent. */
  close(): Promise<void>;
}
