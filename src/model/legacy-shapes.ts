/**
 * Turns Flex answers back into the exact JSON shapes of the deprecated tenant operations,
 * for code that still expects them. Pure; unknown fields of the Flex body are dropped,
 * since the legacy shapes do not have them.
 */

import { TENANT_RESTORE_READ_ONLY_FIELDS, TENANT_RESTORE_WRITABLE_FIELDS } from './tenant-restore-fields.js';

type Json = Record<string, unknown>;

// Every TenantRestore field but clusterName (from the Flex body's instanceName), in name order.
const RESTORE_FIELDS: readonly string[] = [...TENANT_RESTORE_READ_ONLY_FIELDS, ...TENANT_RESTORE_WRITABLE_FIELDS]
  .filter((field) => field !== 'clusterName')
  .sort();

const SNAPSHOT_FIELDS = ['expiration', 'finishTime', 'id', 'links', 'mongoDBVersion', 'scheduledTime', 'startTime', 'status'] as const;

function pick(body: Json, fields: readonly string[]): Json {
  const out: Json = {};
  for (const field of fields) if (body[field] !== undefined) out[field] = body[field];
  return out;
}

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/**
 * A `FlexBackupRestoreJob20241113` as a `TenantRestore`: `instanceName` becomes
 * `clusterName`; `snapshotId` and `targetDeploymentItemName`, required by `TenantRestore`,
 * fall back to the request's snapshot and the cluster's name when the Flex body lacks them.
 */
export function flexRestoreJobToTenantRestore(body: unknown, fallback: { clusterName: string; snapshotId?: string | undefined }): Json {
  const job = record(body);
  const clusterName = typeof job.instanceName === 'string' ? job.instanceName : fallback.clusterName;
  return {
    clusterName,
    ...pick(job, RESTORE_FIELDS),
    snapshotId: typeof job.snapshotId === 'string' ? job.snapshotId : (fallback.snapshotId ?? ''),
    targetDeploymentItemName: typeof job.targetDeploymentItemName === 'string' ? job.targetDeploymentItemName : clusterName,
  };
}

/** A `FlexBackupSnapshot20241113` as a `BackupTenantSnapshot` (the fields are the same). */
export function flexSnapshotToTenantSnapshot(body: unknown): Json {
  return pick(record(body), SNAPSHOT_FIELDS);
}

/** A paginated Flex answer as its paginated tenant twin, each result converted with `convert`. */
export function flexPageToTenantPage(body: unknown, convert: (item: unknown) => Json): Json {
  const page = record(body);
  const out: Json = {};
  if (Array.isArray(page.links)) out.links = page.links;
  out.results = Array.isArray(page.results) ? page.results.map(convert) : [];
  if (typeof page.totalCount === 'number') out.totalCount = page.totalCount;
  return out;
}
