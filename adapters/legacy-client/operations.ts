import { atlasPaths } from '../../src/atlas/endpoints.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { flexPageToTenantPage, flexRestoreJobToTenantRestore, flexSnapshotToTenantSnapshot } from '../../src/model/legacy-shapes.js';
import { validateObjectId } from '../../src/validation/inputs.js';
import { downloadLegacy } from './download-legacy.js';
import { validateCallOptions, validateDownloadBody, validateListQuery, validateTarget } from './inputs.js';
import { readLegacy } from './read-legacy.js';
import type { BackupTenantSnapshot, LegacyClient, PaginatedTenantRestore, PaginatedTenantSnapshot, TenantRestore } from './types.js';

/**
 * The legacy operations over a shim core. Every method validates all its arguments before
 * any request, then routes as the facade does. Methods are closures, not `this`-bound, so
 * they can be passed around detached (as `const { getBackupTenantRestore } = client`).
 */
export function legacyOperations(core: ShimCore): Omit<LegacyClient, 'close'> {
  const downloadClusterBackupTenant: LegacyClient['downloadClusterBackupTenant'] = async (groupId, clusterName, body, options) => {
    const target = validateTarget(groupId, clusterName);
    const request = validateDownloadBody(body, target);
    const signal = validateCallOptions(options);
    return (await downloadLegacy(core, target, request, signal)) as TenantRestore;
  };

  return {
    downloadClusterBackupTenant,
    // The older SDKs' name: one function under two names, so either compares equal to the other.
    downloadSharedClusterBackup: downloadClusterBackupTenant,

    async getBackupTenantRestore(groupId, clusterName, restoreId, options) {
      const target = validateTarget(groupId, clusterName);
      const id = validateObjectId('restoreId', restoreId);
      const signal = validateCallOptions(options);
      const body = await readLegacy(
        core,
        {
          operationId: 'getBackupTenantRestore',
          target,
          paths: {
            tenant: atlasPaths.getBackupTenantRestore(target.groupId, target.clusterName, id),
            flex: atlasPaths.getFlexRestoreJob(target.groupId, target.clusterName, id),
          },
          fromFlex: (job) => flexRestoreJobToTenantRestore(job, { clusterName: target.clusterName }),
        },
        signal,
      );
      return body as TenantRestore;
    },

    async listBackupTenantRestores(groupId, clusterName, query, options) {
      const target = validateTarget(groupId, clusterName);
      const params = validateListQuery(query);
      const signal = validateCallOptions(options);
      const body = await readLegacy(
        core,
        {
          operationId: 'listBackupTenantRestores',
          target,
          paths: {
            tenant: atlasPaths.listBackupTenantRestores(target.groupId, target.clusterName),
            flex: atlasPaths.listFlexRestoreJobs(target.groupId, target.clusterName),
          },
          query: params,
          fromFlex: (page) => flexPageToTenantPage(page, (job) => flexRestoreJobToTenantRestore(job, { clusterName: target.clusterName })),
        },
        signal,
      );
      return body as PaginatedTenantRestore;
    },

    async listClusterBackupSnapshots(groupId, clusterName, query, options) {
      const target = validateTarget(groupId, clusterName);
      const params = validateListQuery(query);
      const signal = validateCallOptions(options);
      const body = await readLegacy(
        core,
        {
          operationId: 'listClusterBackupSnapshots',
          target,
          paths: {
            tenant: atlasPaths.listClusterBackupSnapshots(target.groupId, target.clusterName),
            flex: atlasPaths.listFlexBackupSnapshots(target.groupId, target.clusterName),
          },
          query: params,
          fromFlex: (page) => flexPageToTenantPage(page, flexSnapshotToTenantSnapshot),
        },
        signal,
      );
      return body as PaginatedTenantSnapshot;
    },

    async getBackupTenantSnapshot(groupId, clusterName, snapshotId, options) {
      const target = validateTarget(groupId, clusterName);
      const id = validateObjectId('snapshotId', snapshotId);
      const signal = validateCallOptions(options);
      const body = await readLegacy(
        core,
        {
          operationId: 'getBackupTenantSnapshot',
          target,
          paths: {
            tenant: atlasPaths.getBackupTenantSnapshot(target.groupId, target.clusterName, id),
            flex: atlasPaths.getFlexBackupSnapshot(target.groupId, target.clusterName, id),
          },
          fromFlex: flexSnapshotToTenantSnapshot,
        },
        signal,
      );
      return body as BackupTenantSnapshot;
    },
  };
}
