import type { AtlasOperationId, PathParams } from '../atlas/operations.js';
import { backupHandlers } from './backup-handlers.js';
import { clusterForClusterApi, clusterForFlexApi } from './cluster-access.js';
import { clusterDescriptionView, flexClusterView } from './cluster-views.js';
import type { SimulatorState } from './state.js';

/**
 * What the simulator does for each operation of the table (`src/atlas/operations.ts`):
 * paths, methods, media types and families come from there; only the handlers are here.
 */

/** What an operation's handler gets once auth, version, path and body checks passed. */
export interface OperationContext {
  readonly state: SimulatorState;
  /** The path parameters, decoded and already checked against the contract's patterns. */
  readonly params: PathParams;
  readonly query: URLSearchParams;
  /** The parsed JSON object of a POST; undefined for GET. */
  readonly body: Record<string, unknown> | undefined;
  /** Atlas clock for this request, read once so one answer never straddles the sunset. */
  readonly now: Date;
  readonly afterSunset: boolean;
  /** Request path without query, for pagination links. */
  readonly pathname: string;
}

/** Returns the 200 body, or throws a `SimulatorApiError`. */
export type OperationHandler = (context: OperationContext) => unknown;

/** `getCluster`: shared (TENANT), dedicated and, before the sunset, legacy Flex clusters. */
const getCluster: OperationHandler = ({ state, params, afterSunset }) => {
  const cluster = clusterForClusterApi(state.project, params.groupId, params.clusterName, afterSunset);
  return clusterDescriptionView(state.baseUrl, params.groupId, cluster);
};

/** `getFlexCluster`: every Flex cluster, and M2/M5 clusters once the sunset migrated them. */
const getFlexCluster: OperationHandler = ({ state, params, afterSunset }) => {
  const cluster = clusterForFlexApi(state.project, params.groupId, params.clusterName, afterSunset);
  return flexClusterView(state.baseUrl, params.groupId, cluster);
};

// The deprecated shared-tier operations (2023-01-01), which the router answers as removed from
// the sunset on, and their Flex twins (2024-11-13): the same behaviour on the same jobs.
const tenant = backupHandlers('tenant');
const flex = backupHandlers('flex');

/** The handler of every operation in the table: an operation added there fails typechecking until it has one. */
export const OPERATION_HANDLERS: Readonly<Record<AtlasOperationId, OperationHandler>> = {
  getCluster,
  downloadClusterBackupTenant: tenant.download,
  listBackupTenantRestores: tenant.listJobs,
  getBackupTenantRestore: tenant.getJob,
  listClusterBackupSnapshots: tenant.listSnapshots,
  getBackupTenantSnapshot: tenant.getSnapshot,
  getFlexCluster,
  downloadFlexBackup: flex.download,
  listFlexRestoreJobs: flex.listJobs,
  getFlexRestoreJob: flex.getJob,
  listFlexBackupSnapshots: flex.listSnapshots,
  getFlexBackupSnapshot: flex.getSnapshot,
};
