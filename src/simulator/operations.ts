import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from '../atlas/endpoints.js';
import { getCluster, getFlexCluster } from './handlers/clusters.js';
import { flexHandlers } from './handlers/flex.js';
import { tenantHandlers } from './handlers/tenant.js';
import type { OperationHandler } from './operation.js';

/** One of the contract's 12 operations, as the router serves it. */
export interface AtlasOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** The contract's path template. */
  readonly template: string;
  /** `tenant` operations disappear at the sunset. */
  readonly family: 'cluster' | 'tenant' | 'flex';
  /** The one media type the contract lists for it (Accept, and Content-Type of a POST). */
  readonly mediaType: string;
  /** The operation that replaces a tenant one, named in its "removed" answer. */
  readonly replacedBy?: string;
  readonly handler: OperationHandler;
}

const G = '/api/atlas/v2/groups/{groupId}';
const TENANT = `${G}/clusters/{clusterName}/backup/tenant`;
const FLEX = `${G}/flexClusters/{name}`;

/** The contract's operations, keyed by nothing: the router matches templates in order. */
export const ATLAS_OPERATIONS: readonly AtlasOperation[] = [
  {
    operationId: 'getCluster',
    method: 'GET',
    template: `${G}/clusters/{clusterName}`,
    family: 'cluster',
    mediaType: CLUSTER_MEDIA_TYPE,
    handler: getCluster,
  },
  {
    operationId: 'downloadClusterBackupTenant',
    method: 'POST',
    template: `${TENANT}/download`,
    family: 'tenant',
    mediaType: TENANT_MEDIA_TYPE,
    replacedBy: 'downloadFlexBackup',
    handler: tenantHandlers.download,
  },
  {
    operationId: 'listBackupTenantRestores',
    method: 'GET',
    template: `${TENANT}/restores`,
    family: 'tenant',
    mediaType: TENANT_MEDIA_TYPE,
    replacedBy: 'listFlexRestoreJobs',
    handler: tenantHandlers.listRestoreJobs,
  },
  {
    operationId: 'getBackupTenantRestore',
    method: 'GET',
    template: `${TENANT}/restores/{restoreId}`,
    family: 'tenant',
    mediaType: TENANT_MEDIA_TYPE,
    replacedBy: 'getFlexRestoreJob',
    handler: tenantHandlers.getRestoreJob,
  },
  {
    operationId: 'listClusterBackupSnapshots',
    method: 'GET',
    template: `${TENANT}/snapshots`,
    family: 'tenant',
    mediaType: TENANT_MEDIA_TYPE,
    replacedBy: 'listFlexBackupSnapshots',
    handler: tenantHandlers.listSnapshots,
  },
  {
    operationId: 'getBackupTenantSnapshot',
    method: 'GET',
    template: `${TENANT}/snapshots/{snapshotId}`,
    family: 'tenant',
    mediaType: TENANT_MEDIA_TYPE,
    replacedBy: 'getFlexBackupSnapshot',
    handler: tenantHandlers.getSnapshot,
  },
  { operationId: 'getFlexCluster', method: 'GET', template: FLEX, family: 'flex', mediaType: FLEX_MEDIA_TYPE, handler: getFlexCluster },
  {
    operationId: 'downloadFlexBackup',
    method: 'POST',
    template: `${FLEX}/backup/download`,
    family: 'flex',
    mediaType: FLEX_MEDIA_TYPE,
    handler: flexHandlers.download,
  },
  {
    operationId: 'listFlexRestoreJobs',
    method: 'GET',
    template: `${FLEX}/backup/restoreJobs`,
    family: 'flex',
    mediaType: FLEX_MEDIA_TYPE,
    handler: flexHandlers.listRestoreJobs,
  },
  {
    operationId: 'getFlexRestoreJob',
    method: 'GET',
    template: `${FLEX}/backup/restoreJobs/{restoreJobId}`,
    family: 'flex',
    mediaType: FLEX_MEDIA_TYPE,
    handler: flexHandlers.getRestoreJob,
  },
  {
    operationId: 'listFlexBackupSnapshots',
    method: 'GET',
    template: `${FLEX}/backup/snapshots`,
    family: 'flex',
    mediaType: FLEX_MEDIA_TYPE,
    handler: flexHandlers.listSnapshots,
  },
  {
    operationId: 'getFlexBackupSnapshot',
    method: 'GET',
    template: `${FLEX}/backup/snapshots/{snapshotId}`,
    family: 'flex',
    mediaType: FLEX_MEDIA_TYPE,
    handler: flexHandlers.getSnapshot,
  },
];
