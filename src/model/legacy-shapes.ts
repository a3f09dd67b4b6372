/**
 * Turns Flex answers back into the exact JSON shapes of the deprecated tenant operations,
 * for code that still expects them. Pure; unknown fields of the Flex body are dropped,
 * since the legacy shapes do not have them.
 */

import type { TenantOperationId } from '../atlas/operations.js';

// The fields of the contract's `TenantRestore`, split as the contract marks them: one list
// for the adapters that accept such bodies and for the conversion that produces them (a
// contract test checks both against `TenantRestore` itself).

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
 * fall back to the request's when the Flex body lacks them (`targetDeploymentItemName`
 * to the cluster's name when the request named none).
 */
export function flexRestoreJobToTenantRestore(body: unknown, fallback: LegacyContext): Json {
  const job = record(body);
  const clusterName = typeof job.instanceName === 'string' ? job.instanceName : fallback.clusterName;
  return {
    clusterName,
    ...pick(job, RESTORE_FIELDS),
    snapshotId: typeof job.snapshotId === 'string' ? job.snapshotId : (fallback.snapshotId ?? ''),
    targetDeploymentItemName: typeof job.targetDeploymentItemName === 'string' ? job.targetDeploymentItemName : (fallback.targetDeploymentItemName ?? clusterName),
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

/** What the legacy conversion may need beyond the Flex body. */
export interface LegacyContext {
  /** The cluster the caller named: the legacy `clusterName` when the Flex body has no `instanceName`. */
  readonly clusterName: string;
  /** The snapshot the caller asked to download (the download POST only). */
  readonly snapshotId?: string | undefined;
  /** The `targetDeploymentItemName` the caller sent (the download POST only), which the tenant endpoint echoed. */
  readonly targetDeploymentItemName?: string | undefined;
}

/**
 * The answer of a tenant operation, from the answer of its Flex twin: each of the five
 * tenant operations' success body in its own legacy schema. Pure.
 */
export function tenantAnswerOf(operationId: TenantOperationId, flexBody: unknown, context: LegacyContext): Json {
  const restore = (job: unknown): Json => flexRestoreJobToTenantRestore(job, { clusterName: context.clusterName });
  switch (operationId) {
    case 'downloadClusterBackupTenant':
      return flexRestoreJobToTenantRestore(flexBody, context);
    case 'getBackupTenantRestore':
      return restore(flexBody);
    case 'listBackupTenantRestores':
      return flexPageToTenantPage(flexBody, restore);
    case 'listClusterBackupSnapshots':
      return flexPageToTenantPage(flexBody, flexSnapshotToTenantSnapshot);
    case 'getBackupTenantSnapshot':
      return flexSnapshotToTenantSnapshot(flexBody);
  }
}
