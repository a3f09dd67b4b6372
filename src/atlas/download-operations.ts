import type { Route } from '../policy/types.js';
import { atlasPaths, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from './endpoints.js';

/** What a route needs to request a download and re-read its job. */
export interface DownloadOperations {
  /** operationId of the POST that requests a download. */
  readonly requestOperationId: 'downloadClusterBackupTenant' | 'downloadFlexBackup';
  readonly mediaType: string;
  readonly requestPath: (groupId: string, clusterName: string) => string;
  readonly jobPath: (groupId: string, clusterName: string, jobId: string) => string;
  /** Path of the GET that lists the cluster's restore jobs (`listBackupTenantRestores`, `listFlexRestoreJobs`): where a job of an ambiguous POST is looked for. */
  readonly listPath: (groupId: string, clusterName: string) => string;
  /** The POST body the contract requires for this route. */
  readonly requestBody: (snapshotId: string, targetDeploymentItemName: string) => Record<string, string>;
}

/** The two endpoint families, by route. */
export const downloadOperations: Readonly<Record<Route, DownloadOperations>> = {
  tenant: {
    requestOperationId: 'downloadClusterBackupTenant',
    mediaType: TENANT_MEDIA_TYPE,
    requestPath: atlasPaths.downloadClusterBackupTenant,
    jobPath: atlasPaths.getBackupTenantRestore,
    listPath: atlasPaths.listBackupTenantRestores,
    // TenantRestore requires both; a download's target is the source cluster itself.
    requestBody: (snapshotId, targetDeploymentItemName) => ({ snapshotId, targetDeploymentItemName }),
  },
  flex: {
    requestOperationId: 'downloadFlexBackup',
    mediaType: FLEX_MEDIA_TYPE,
    requestPath: atlasPaths.downloadFlexBackup,
    jobPath: atlasPaths.getFlexRestoreJob,
    listPath: atlasPaths.listFlexRestoreJobs,
    requestBody: (snapshotId) => ({ snapshotId }),
  },
};
