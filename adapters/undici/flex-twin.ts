import { atlasPaths } from '../../src/atlas/endpoints.js';
import { flexPageToTenantPage, flexRestoreJobToTenantRestore, flexSnapshotToTenantSnapshot } from '../../src/model/legacy-shapes.js';
import type { TenantOperationId, TenantTarget } from './tenant-request.js';

type Json = Record<string, unknown>;

/** What the legacy conversion may need beyond the Flex body. */
export interface LegacyContext {
  readonly clusterName: string;
  /** The snapshot the caller asked to download (the download POST only). */
  readonly snapshotId?: string | undefined;
}

/** The Flex operation that replaces a tenant one, and how its answer becomes the legacy one. */
export interface FlexTwin {
  readonly operationId: 'downloadFlexBackup' | 'listFlexRestoreJobs' | 'getFlexRestoreJob' | 'listFlexBackupSnapshots' | 'getFlexBackupSnapshot';
  /** The Flex path (no query) for the same cluster and item. */
  path(target: TenantTarget): string;
  /** The Flex success body in the tenant operation's schema. */
  toLegacy(body: unknown, context: LegacyContext): Json;
}

// The single-item operations always carry an id: recognition only matches them with one.
const idOf = (target: TenantTarget): string => target.id ?? '';

/** Each tenant operation's Flex twin, as the contract's `externalDocs` of the tenant operations name them. */
export const flexTwins: Readonly<Record<TenantOperationId, FlexTwin>> = {
  downloadClusterBackupTenant: {
    operationId: 'downloadFlexBackup',
    path: (t) => atlasPaths.downloadFlexBackup(t.groupId, t.clusterName),
    toLegacy: (body, context) => flexRestoreJobToTenantRestore(body, context),
  },
  listBackupTenantRestores: {
    operationId: 'listFlexRestoreJobs',
    path: (t) => atlasPaths.listFlexRestoreJobs(t.groupId, t.clusterName),
    toLegacy: (body, context) => flexPageToTenantPage(body, (job) => flexRestoreJobToTenantRestore(job, { clusterName: context.clusterName })),
  },
  getBackupTenantRestore: {
    operationId: 'getFlexRestoreJob',
    path: (t) => atlasPaths.getFlexRestoreJob(t.groupId, t.clusterName, idOf(t)),
    toLegacy: (body, context) => flexRestoreJobToTenantRestore(body, { clusterName: context.clusterName }),
  },
  listClusterBackupSnapshots: {
    operationId: 'listFlexBackupSnapshots',
    path: (t) => atlasPaths.listFlexBackupSnapshots(t.groupId, t.clusterName),
    toLegacy: (body) => flexPageToTenantPage(body, flexSnapshotToTenantSnapshot),
  },
  getBackupTenantSnapshot: {
    operationId: 'getFlexBackupSnapshot',
    path: (t) => atlasPaths.getFlexBackupSnapshot(t.groupId, t.clusterName, idOf(t)),
    toLegacy: (body) => flexSnapshotToTenantSnapshot(body),
  },
};
