import { z } from 'zod';
import type { Route } from '../atlas/operations.js';
import { ValidationError } from '../errors/shim-error.js';
import { describeValue, OBJECT_ID_PATTERN } from '../validation.js';
import type { SnapshotDownload, SnapshotSummary } from './snapshot-download.js';

// Tolerant readers: a field of the wrong type reads as absent instead of failing the whole
// body, because a download must not fail over a field it does not need.
const text = z.string().optional().catch(undefined);

const dateTime = z
  .string()
  .optional()
  .catch(undefined)
  .transform((value) => {
    if (value === undefined) return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  });

const link = z.looseObject({ href: text, rel: text }).catch({});
const links = z.array(link).optional().catch(undefined).transform((value) => value ?? []);

/** Fields both restore-job shapes share, read tolerantly. Built once, at module load. */
const restoreJobFields = {
  id: text,
  projectId: text,
  snapshotId: text,
  status: text,
  deliveryType: text,
  snapshotUrl: text,
  expirationDate: dateTime,
  restoreScheduledDate: dateTime,
  restoreFinishedDate: dateTime,
  snapshotFinishedDate: dateTime,
  targetProjectId: text,
  targetDeploymentItemName: text,
  links,
};

/** The shared fields, as read. */
type RestoreJobFields = z.output<z.ZodObject<typeof restoreJobFields>>;

/** `TenantRestore`, tolerant: unknown fields are allowed (and kept in `raw` by the caller). */
const tenantRestoreSchema = z.looseObject({ ...restoreJobFields, clusterName: text });

/** `FlexBackupRestoreJob20241113`, tolerant. */
const flexRestoreJobSchema = z.looseObject({ ...restoreJobFields, instanceName: text });

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

/** `BackupTenantSnapshot` and `FlexBackupSnapshot20241113` share these fields; read tolerantly. */
const snapshotSchema = z.looseObject({ id: text, status: text, startTime: dateTime, finishTime: dateTime, expiration: dateTime, mongoDBVersion: text });

/**
 * Turns one item of a snapshot list (either family's) into a `SnapshotSummary`. Pure;
 * tolerant as {@link normalizeTenantRestore}: an item that is not an object reads as an
 * empty one, so one odd item never hides the others.
 */
export function normalizeSnapshot(route: Route, item: unknown): SnapshotSummary {
  const raw = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
  const fields = snapshotSchema.parse(raw);
  return {
    snapshotId: fields.id,
    status: fields.status,
    startedAt: fields.startTime,
    finishedAt: fields.finishTime,
    expiresAt: fields.expiration,
    mongoDBVersion: fields.mongoDBVersion,
    route,
    raw,
  };
}

/** When a snapshot was taken, for ordering: started, else finished; -Infinity when Atlas said neither. */
function takenAt(snapshot: SnapshotSummary): number {
  return (snapshot.startedAt ?? snapshot.finishedAt)?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/** A copy of `snapshots`, newest first (by when each was started); snapshots without a date last, in Atlas's order. Pure. */
export function newestFirst(snapshots: readonly SnapshotSummary[]): SnapshotSummary[] {
  return snapshots
    .map((snapshot, index) => ({ snapshot, index, at: takenAt(snapshot) }))
    .sort((a, b) => (a.at === b.at ? a.index - b.index : b.at - a.at))
    .map(({ snapshot }) => snapshot);
}

/**
 * The newest `COMPLETED` snapshot whose id is one (24 hex, as the contract's pattern says):
 * an item with a malformed id could be neither requested nor named as a file. Pure.
 */
export function latestCompleted(snapshots: readonly SnapshotSummary[]): SnapshotSummary | undefined {
  return newestFirst(snapshots).find((snapshot) => snapshot.status === 'COMPLETED' && snapshot.snapshotId !== undefined && OBJECT_ID_PATTERN.test(snapshot.snapshotId));
}
