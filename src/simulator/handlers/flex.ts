import { clusterForFlexApi } from '../cluster-access.js';
import { backupHandlers } from './backup.js';
import { FLEX_DOWNLOAD_BODY } from './body-rules.js';

/** The five Flex backup operations (2024-11-13): every Flex cluster, and M2/M5 ones after the sunset. */
export const flexHandlers = backupHandlers({
  family: 'flex',
  resolveCluster: clusterForFlexApi,
  clusterParam: 'name',
  jobParam: 'restoreJobId',
  downloadBody: FLEX_DOWNLOAD_BODY,
});
