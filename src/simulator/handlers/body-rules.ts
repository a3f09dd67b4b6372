import { OBJECT_ID_PATTERN, TARGET_DEPLOYMENT_ITEM_NAME_PATTERN } from '../../validation/patterns.js';
import type { AttributeRule } from '../request-body.js';

const objectId = (name: string, required: boolean): AttributeRule => ({
  name,
  required,
  pattern: OBJECT_ID_PATTERN,
  patternText: '^([a-f0-9]{24})$',
});

/** `TenantRestore` as a request: `snapshotId` and `targetDeploymentItemName` required. */
export const TENANT_DOWNLOAD_BODY: readonly AttributeRule[] = [
  objectId('snapshotId', true),
  {
    name: 'targetDeploymentItemName',
    required: true,
    pattern: TARGET_DEPLOYMENT_ITEM_NAME_PATTERN,
    patternText: "^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$",
  },
  objectId('targetProjectId', false),
];

/** `FlexBackupSnapshotDownloadCreate20241113`: `snapshotId` required. */
export const FLEX_DOWNLOAD_BODY: readonly AttributeRule[] = [objectId('snapshotId', true)];
