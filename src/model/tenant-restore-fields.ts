/**
 * The fields of the contract's `TenantRestore`, the body of the deprecated tenant download
 * operations, split as the contract marks them. One list for the adapters that accept
 * such bodies and for the conversion that produces them; a contract test checks both
 * against `TenantRestore` itself.
 */

/** Fields a download request writes (`snapshotId` and `targetDeploymentItemName` are required). */
export const TENANT_RESTORE_WRITABLE_FIELDS = ['snapshotId', 'targetDeploymentItemName', 'targetProjectId'] as const;

/** Fields Atlas writes (`readOnly` in the contract): they describe the job, not the request. */
export const TENANT_RESTORE_READ_ONLY_FIELDS = [
  'clusterName',
  'deliveryType',
  'expirationDate',
  'id',
  'links',
  'projectId',
  'restoreFinishedDate',
  'restoreScheduledDate',
  'snapshotFinishedDate',
  'snapshotUrl',
  'status',
] as const;
