import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';
import type { Route } from '../policy/types.js';
import { flexRestoreJobSchema, tenantRestoreSchema, type RestoreJobFields } from './restore-job-schema.js';
import type { SnapshotDownload } from './snapshot-download.js';

function asRecord(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'a JSON object (an Atlas restore job)', describeValue(body));
  }
  return body as Record<string, unknown>;
}

function toModel(
  route: Route,
  raw: Record<string, unknown>,
  fields: RestoreJobFields,
  clusterName: string | undefined,
): SnapshotDownload {
  return {
    route,
    id: fields.id,
    projectId: fields.projectId,
    clusterName,
    snapshotId: fields.snapshotId,
    status: fields.status,
    deliveryType: fields.deliveryType,
    snapshotUrl: fields.snapshotUrl,
    expirationDate: fields.expirationDate,
    restoreScheduledDate: fields.restoreScheduledDate,
    restoreFinishedDate: fields.restoreFinishedDate,
    snapshotFinishedDate: fields.snapshotFinishedDate,
    targetProjectId: fields.targetProjectId,
    targetDeploymentItemName: fields.targetDeploymentItemName,
    links: fields.links,
    raw,
  };
}

/**
 * Turns a `TenantRestore` body (the deprecated tenant endpoint's answer) into a
 * `SnapshotDownload` with `route: 'tenant'`. Pure; tolerant of missing, extra and
 * wrongly typed fields.
 *
 * @throws {ValidationError} only when the body is not a JSON object at all.
 */
export function normalizeTenantRestore(body: unknown): SnapshotDownload {
  const raw = asRecord(body);
  const fields = tenantRestoreSchema.parse(raw);
  return toModel('tenant', raw, fields, fields.clusterName);
}

/**
 * Turns a `FlexBackupRestoreJob20241113` body (downloadFlexBackup's answer) into a
 * `SnapshotDownload` with `route: 'flex'`; `instanceName` becomes `clusterName`. Pure;
 * tolerant as {@link normalizeTenantRestore}.
 *
 * @throws {ValidationError} only when the body is not a JSON object at all.
 */
export function normalizeFlexRestoreJob(body: unknown): SnapshotDownload {
  const raw = asRecord(body);
  const fields = flexRestoreJobSchema.parse(raw);
  return toModel('flex', raw, fields, fields.instanceName);
}

/** Normalizes a restore job body of the given route. */
export function normalizeRestoreJob(route: Route, body: unknown): SnapshotDownload {
  return route === 'tenant' ? normalizeTenantRestore(body) : normalizeFlexRestoreJob(body);
}
