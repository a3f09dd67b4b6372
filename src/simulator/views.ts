import { atlasPath, operationFor, type ApiVersion, type Route } from '../atlas/operations.js';
import type { RestoreJob, RestoreJobStore } from './jobs.js';
import type { SeedSnapshot } from './seed.js';
import { snapshotFileTarget } from './snapshot-files.js';

/** The contract's `Link`. */
export interface Link {
  readonly rel: string;
  readonly href: string;
}

/**
 * `BackupTenantSnapshot` or `FlexBackupSnapshot20241113`: the two carry the same fields. Its
 * `self` link is under the API version the request came in (v1.0 only for the tenant family).
 */
export function snapshotView(baseUrl: string, groupId: string, snapshot: SeedSnapshot, family: Route, apiVersion: ApiVersion): Record<string, unknown> {
  const path = atlasPath(operationFor(family, 'getSnapshot'), { groupId, clusterName: snapshot.clusterName, itemId: snapshot.id }, apiVersion);
  return {
    expiration: snapshot.expiration.toISOString(),
    finishTime: snapshot.finishTime.toISOString(),
    id: snapshot.id,
    links: [{ rel: 'self', href: `${baseUrl}${path}` }],
    mongoDBVersion: snapshot.mongoDBVersion,
    scheduledTime: snapshot.scheduledTime.toISOString(),
    startTime: snapshot.startTime.toISOString(),
    status: snapshot.status,
  };
}

/**
 * `TenantRestore` (tenant family, `clusterName`) or `FlexBackupRestoreJob20241113` (Flex family,
 * `instanceName`) for one job, whichever family (and API version) created it; its `self` link
 * is under the API version the request came in.
 */
export function restoreJobView(
  baseUrl: string,
  jobs: RestoreJobStore,
  job: RestoreJob,
  snapshot: SeedSnapshot,
  family: Route,
  apiVersion: ApiVersion,
): Record<string, unknown> {
  const progress = jobs.progress(job);
  const selfPath = atlasPath(operationFor(family, 'getJob'), { groupId: job.projectId, clusterName: job.clusterName, itemId: job.id }, apiVersion);
  // The contract makes `targetDeploymentItemName` required in `TenantRestore`; a job created
  // through the Flex family has none, and a download's target is the source cluster itself.
  const target = job.targetDeploymentItemName ?? (family === 'tenant' ? job.clusterName : undefined);
  return {
    ...(family === 'tenant' ? { clusterName: job.clusterName } : { instanceName: job.clusterName }),
    deliveryType: job.deliveryType,
    ...(progress.expiresAt !== undefined ? { expirationDate: progress.expiresAt.toISOString() } : {}),
    id: job.id,
    links: [{ rel: 'self', href: `${baseUrl}${selfPath}` }],
    projectId: job.projectId,
    ...(progress.finishedAt !== undefined ? { restoreFinishedDate: progress.finishedAt.toISOString() } : {}),
    restoreScheduledDate: job.scheduledAt.toISOString(),
    snapshotFinishedDate: snapshot.finishTime.toISOString(),
    snapshotId: job.snapshotId,
    ...(progress.status === 'COMPLETED' ? { snapshotUrl: `${baseUrl}${snapshotFileTarget(job)}` } : {}),
    status: progress.status,
    ...(target !== undefined ? { targetDeploymentItemName: target } : {}),
    ...(job.targetProjectId !== undefined ? { targetProjectId: job.targetProjectId } : {}),
  };
}
