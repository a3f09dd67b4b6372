import { clusterForTenantApi } from '../cluster-access.js';
import { backupHandlers } from './backup.js';
import { TENANT_DOWNLOAD_BODY } from './body-rules.js';

/**
 * The five deprecated shared-tier operations (2023-01-01). Before the sunset they serve M2/M5 and
 * legacy Flex clusters; the router answers them as removed from the sunset on.
 */
export const tenantHandlers = backupHandlers({
  family: 'tenant',
  resolveCluster: clusterForTenantApi,
  clusterParam: 'clusterName',
  jobParam: 'restoreId',
  downloadBody: TENANT_DOWNLOAD_BODY,
});
