import type { ApiVersion, AtlasOperationId, PathParams } from '../atlas/operations.js';
import { backupHandlers } from './backup-handlers.js';
import { clusterHandlers } from './cluster-handlers.js';
import type { SimulatorState } from './state.js';

/**
 * What the simulator does for each operation of the table (`src/atlas/operations.ts`):
 * paths, methods, media types and families come from there; only the handlers are here.
 */

/** What an operation's handler gets once auth, version, path and body checks passed. */
export interface OperationContext {
  readonly state: SimulatorState;
  /** The path parameters, decoded and already checked against the contract's patterns (`clusterName` is `''` for a cluster list). */
  readonly params: PathParams;
  readonly query: URLSearchParams;
  /** The parsed JSON object of a POST; undefined for GET. */
  readonly body: Record<string, unknown> | undefined;
  /** Atlas clock for this request, read once so one answer never straddles the sunset. */
  readonly now: Date;
  readonly afterSunset: boolean;
  /** Request path without query, for pagination links. */
  readonly pathname: string;
  /** The API version the path is under: `v1.0` only for the tenant operations; links in the answer stay under it. */
  readonly apiVersion: ApiVersion;
}

/** Returns the 200 body, or throws a `SimulatorApiError`. */
export type OperationHandler = (context: OperationContext) => unknown;

// The look-ups and lists of the cluster API and of the Flex API; the deprecated shared-tier
// backup operations (2023-01-01, and v1.0), which the router answers as removed from the sunset
// on, and their Flex twins (2024-11-13): the same behaviour on the same jobs.
const cluster = clusterHandlers('cluster');
const flexCluster = clusterHandlers('flex');
const tenant = backupHandlers('tenant');
const flex = backupHandlers('flex');

/** The handler of every operation in the table: an operation added there fails typechecking until it has one. */
export const OPERATION_HANDLERS: Readonly<Record<AtlasOperationId, OperationHandler>> = {
  listClusters: cluster.listClusters,
  getCluster: cluster.describe,
  downloadClusterBackupTenant: tenant.download,
  listBackupTenantRestores: tenant.listJobs,
  getBackupTenantRestore: tenant.getJob,
  listClusterBackupSnapshots: tenant.listSnapshots,
  getBackupTenantSnapshot: tenant.getSnapshot,
  listFlexClusters: flexCluster.listClusters,
  getFlexCluster: flexCluster.describe,
  downloadFlexBackup: flex.download,
  listFlexRestoreJobs: flex.listJobs,
  getFlexRestoreJob: flex.getJob,
  listFlexBackupSnapshots: flex.listSnapshots,
  getFlexBackupSnapshot: flex.getSnapshot,
};
