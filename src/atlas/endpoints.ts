/**
 * Paths and versioned media types of the Atlas Admin API v2 operations this library
 * calls, as the contract (`snapshot-download.yaml`) declares them. Path parameters are
 * validated before they reach these builders, and encoded here all the same.
 */

/** Media type of the deprecated shared-tier (tenant) operations. */
export const TENANT_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
/** Media type of the Flex cluster operations. */
export const FLEX_MEDIA_TYPE = 'application/vnd.atlas.2024-11-13+json';
/** Media type of `getCluster` in the version that tells cluster kinds apart. */
export const CLUSTER_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';

const e = encodeURIComponent;
const group = (groupId: string): string => `/api/atlas/v2/groups/${e(groupId)}`;

/** Path builders, one per contract operation, named by `operationId`. */
export const atlasPaths = {
  getCluster: (groupId: string, clusterName: string) => `${group(groupId)}/clusters/${e(clusterName)}`,
  downloadClusterBackupTenant: (groupId: string, clusterName: string) =>
    `${group(groupId)}/clusters/${e(clusterName)}/backup/tenant/download`,
  listBackupTenantRestores: (groupId: string, clusterName: string) =>
    `${group(groupId)}/clusters/${e(clusterName)}/backup/tenant/restores`,
  getBackupTenantRestore: (groupId: string, clusterName: string, restoreId: string) =>
    `${group(groupId)}/clusters/${e(clusterName)}/backup/tenant/restores/${e(restoreId)}`,
  listClusterBackupSnapshots: (groupId: string, clusterName: string) =>
    `${group(groupId)}/clusters/${e(clusterName)}/backup/tenant/snapshots`,
  getBackupTenantSnapshot: (groupId: string, clusterName: string, snapshotId: string) =>
    `${group(groupId)}/clusters/${e(clusterName)}/backup/tenant/snapshots/${e(snapshotId)}`,
  getFlexCluster: (groupId: string, name: string) => `${group(groupId)}/flexClusters/${e(name)}`,
  downloadFlexBackup: (groupId: string, name: string) => `${group(groupId)}/flexClusters/${e(name)}/backup/download`,
  listFlexRestoreJobs: (groupId: string, name: string) => `${group(groupId)}/flexClusters/${e(name)}/backup/restoreJobs`,
  getFlexRestoreJob: (groupId: string, name: string, restoreJobId: string) =>
    `${group(groupId)}/flexClusters/${e(name)}/backup/restoreJobs/${e(restoreJobId)}`,
  listFlexBackupSnapshots: (groupId: string, name: string) => `${group(groupId)}/flexClusters/${e(name)}/backup/snapshots`,
  getFlexBackupSnapshot: (groupId: string, name: string, snapshotId: string) =>
    `${group(groupId)}/flexClusters/${e(name)}/backup/snapshots/${e(snapshotId)}`,
} as const;

/** Path of the service-account token endpoint (OAuth 2.0 client credentials). */
export const OAUTH_TOKEN_PATH = '/api/oauth/token';

/** Error codes with which Atlas tells cluster kinds apart (as the Atlas CLI and Terraform provider read them). */
export const ATLAS_ERROR_CODES = {
  flexInClusterApi: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
  nonFlexInFlexApi: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
} as const;
