import type { ApiVersion, OperationRole, Route } from '../atlas/operations.js';
import { OBJECT_ID_PATTERN, OBJECT_ID_PATTERN_TEXT, TARGET_DEPLOYMENT_ITEM_NAME_PATTERN } from '../validation.js';
import { SimulatorApiError } from './api-error.js';
import { clusterForFlexApi, clusterForTenantApi } from './cluster-access.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';
import type { RestoreJob } from './jobs.js';
import type { OperationContext, OperationHandler } from './operations.js';
import { paginate, parsePageRequest } from './pagination.js';
import { validateAttributes, type AttributeRule } from './request-body.js';
import type { SeedCluster, SeedSnapshot } from './seed.js';
import { restoreJobView, snapshotView } from './views.js';

/** The roles a backup family plays beyond describing its cluster. */
export type BackupRole = Exclude<OperationRole, 'describe' | 'listClusters'>;

const objectId = (name: string, required: boolean): AttributeRule => ({
  name,
  required,
  pattern: OBJECT_ID_PATTERN,
  patternText: OBJECT_ID_PATTERN_TEXT,
});

const targetDeploymentItemName = (required: boolean): AttributeRule => ({
  name: 'targetDeploymentItemName',
  required,
  pattern: TARGET_DEPLOYMENT_ITEM_NAME_PATTERN,
  patternText: "^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$",
});

/** Where the two families differ. */
interface FamilyRules {
  /** The cluster the family may serve, or the kind error Atlas gives. */
  readonly resolveCluster: typeof clusterForTenantApi;
  /** The download body's attributes in each API version the family has, as its request schema declares them. */
  readonly downloadBody: Readonly<Partial<Record<ApiVersion, readonly AttributeRule[]>>>;
}

const FAMILIES: Readonly<Record<Route, FamilyRules>> = {
  // Shared M2/M5 and legacy Flex clusters; `TenantRestore` as a request. The v1.0 body was the
  // snapshot alone: a target, when one is given, is checked as v2 checks it.
  tenant: {
    resolveCluster: clusterForTenantApi,
    downloadBody: {
      v2: [objectId('snapshotId', true), targetDeploymentItemName(true), objectId('targetProjectId', false)],
      'v1.0': [objectId('snapshotId', true), targetDeploymentItemName(false), objectId('targetProjectId', false)],
    },
  },
  // Every Flex cluster, and M2/M5 ones after the sunset; `FlexBackupSnapshotDownloadCreate20241113`. The Flex API came with v2.
  flex: { resolveCluster: clusterForFlexApi, downloadBody: { v2: [objectId('snapshotId', true)] } },
};

function snapshotOf(cluster: SeedCluster, snapshotId: string): SeedSnapshot {
  const snapshot = cluster.snapshots.find((s) => s.id === snapshotId);
  if (snapshot === undefined) {
    throw new SimulatorApiError(404, CODES.snapshotNotFound, `No snapshot with ID ${snapshotId} exists for cluster ${cluster.name}.`, {
      parameters: [snapshotId, cluster.name],
    });
  }
  return snapshot;
}

/** The restore job or snapshot id of a single-item operation, which its template guarantees. */
function itemOf(context: OperationContext): string {
  const { itemId } = context.params;
  if (itemId === undefined) throw new Error('this operation has no item in its path');
  return itemId;
}

/**
 * The five backup handlers of one family, by role. Jobs belong to the cluster, so either family
 * (in either API version) reads the jobs the other created; the family only shapes the bodies
 * and picks the clusters, and the API version only the download body's rules and the links.
 */
export function backupHandlers(family: Route): Readonly<Record<BackupRole, OperationHandler>> {
  const { resolveCluster, downloadBody } = FAMILIES[family];
  const clusterOf = (context: OperationContext): SeedCluster =>
    resolveCluster(context.state.project, context.params.groupId, context.params.clusterName, context.afterSunset);
  const jobView = (context: OperationContext, cluster: SeedCluster, job: RestoreJob): unknown =>
    restoreJobView(context.state.baseUrl, context.state.jobs, job, snapshotOf(cluster, job.snapshotId), family, context.apiVersion);

  return {
    download(context) {
      const cluster = clusterOf(context);
      const body = context.body ?? {};
      const rules = downloadBody[context.apiVersion];
      if (rules === undefined) throw new Error(`the ${family} family has no download in API ${context.apiVersion}`);
      validateAttributes(body, rules);
      const snapshot = snapshotOf(cluster, body.snapshotId as string);
      // Only attributes this family's request schema declares (and so were validated) reach the job.
      const declared = (name: string): string | undefined =>
        rules.some((rule) => rule.name === name) ? (body[name] as string | undefined) ?? undefined : undefined;
      const job = context.state.jobs.create({
        scheduledAt: context.now,
        projectId: context.state.project.groupId,
        clusterName: cluster.name,
        snapshotId: snapshot.id,
        targetProjectId: declared('targetProjectId'),
        // A tenant download that names no target (v1.0's body) downloads the source cluster itself.
        targetDeploymentItemName: declared('targetDeploymentItemName') ?? (family === 'tenant' ? cluster.name : undefined),
      });
      return jobView(context, cluster, job);
    },
    listJobs(context) {
      const cluster = clusterOf(context);
      const page = paginate(context.state.jobs.list(cluster.name), parsePageRequest(context.query), context.state.baseUrl + context.pathname);
      return { ...page, results: page.results.map((job) => jobView(context, cluster, job)) };
    },
    getJob(context) {
      const cluster = clusterOf(context);
      const id = itemOf(context);
      const job = context.state.jobs.get(cluster.name, id);
      if (job === undefined) {
        throw new SimulatorApiError(404, CODES.restoreJobNotFound, `No restore job with ID ${id} exists for cluster ${cluster.name}.`, {
          parameters: [id, cluster.name],
        });
      }
      return jobView(context, cluster, job);
    },
    listSnapshots(context) {
      const cluster = clusterOf(context);
      const { baseUrl, project } = context.state;
      const page = paginate(cluster.snapshots, parsePageRequest(context.query), baseUrl + context.pathname);
      return { ...page, results: page.results.map((s) => snapshotView(baseUrl, project.groupId, s, family, context.apiVersion)) };
    },
    getSnapshot(context) {
      const cluster = clusterOf(context);
      const snapshot = snapshotOf(cluster, itemOf(context));
      return snapshotView(context.state.baseUrl, context.state.project.groupId, snapshot, family, context.apiVersion);
    },
  };
}
