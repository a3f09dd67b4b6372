import { normalizeFlexRestoreJob, normalizeTenantRestore } from '../../src/model/normalize.js';

/** The contract's two restore-job schemas, each with its normalizer, its route, and the field that names the cluster. */
export const RESTORE_SHAPES = [
  { schema: 'TenantRestore', normalize: normalizeTenantRestore, route: 'tenant', nameField: 'clusterName' },
  { schema: 'FlexBackupRestoreJob20241113', normalize: normalizeFlexRestoreJob, route: 'flex', nameField: 'instanceName' },
] as const;
