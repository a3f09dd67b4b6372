// Transitional: the paths and media types now live in the operations table (operations.ts).
import { atlasPath, type AtlasOperationId } from './operations.js';

export { ATLAS_ERROR_CODES, CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, OAUTH_TOKEN_PATH, TENANT_MEDIA_TYPE } from './operations.js';

const build =
  (operationId: AtlasOperationId) =>
  (groupId: string, clusterName: string, itemId?: string): string =>
    atlasPath(operationId, { groupId, clusterName, itemId });

/** Transitional path builders, one per contract operation. */
export const atlasPaths = {
  getCluster: build('getCluster'),
  downloadClusterBackupTenant: build('downloadClusterBackupTenant'),
  listBackupTenantRestores: build('listBackupTenantRestores'),
  getBackupTenantRestore: build('getBackupTenantRestore'),
  listClusterBackupSnapshots: build('listClusterBackupSnapshots'),
  getBackupTenantSnapshot: build('getBackupTenantSnapshot'),
  getFlexCluster: build('getFlexCluster'),
  downloadFlexBackup: build('downloadFlexBackup'),
  listFlexRestoreJobs: build('listFlexRestoreJobs'),
  getFlexRestoreJob: build('getFlexRestoreJob'),
  listFlexBackupSnapshots: build('listFlexBackupSnapshots'),
  getFlexBackupSnapshot: build('getFlexBackupSnapshot'),
} as const;
