import { SimulatorApiError } from '../api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from '../error-codes.js';
import { param, type OperationContext, type OperationHandler } from '../operation.js';
import { paginate, parsePageRequest } from '../pagination.js';
import { validateAttributes, type AttributeRule } from '../request-body.js';
import type { RestoreJob } from '../jobs.js';
import type { SeedCluster, SeedProject, SeedSnapshot } from '../seed.js';
import { restoreJobView, snapshotView, type ApiFamily } from '../views.js';

/** Resolves the cluster an operation family may serve, or throws the kind error Atlas gives. */
export type ClusterResolver = (project: SeedProject, groupId: string, name: string, afterSunset: boolean) => SeedCluster;

/** How one API family (tenant or Flex) names things; the behaviour is the same for both. */
export interface BackupFamily {
  readonly family: ApiFamily;
  readonly resolveCluster: ClusterResolver;
  /** Path parameter holding the cluster name: `clusterName` or `name`. */
  readonly clusterParam: string;
  /** Path parameter holding the restore job id: `restoreId` or `restoreJobId`. */
  readonly jobParam: string;
  /** The download body's attributes, as that family's request schema declares them. */
  readonly downloadBody: readonly AttributeRule[];
}

/** The five backup handlers (download, list/get restore jobs, list/get snapshots) of one family. */
export interface BackupHandlers {
  readonly download: OperationHandler;
  readonly listRestoreJobs: OperationHandler;
  readonly getRestoreJob: OperationHandler;
  readonly listSnapshots: OperationHandler;
  readonly getSnapshot: OperationHandler;
}

function snapshotOf(cluster: SeedCluster, snapshotId: string): SeedSnapshot {
  const snapshot = cluster.snapshots.find((s) => s.id === snapshotId);
  if (snapshot === undefined) {
    throw new SimulatorApiError(404, CODES.snapshotNotFound, `No snapshot with ID ${snapshotId} exists for cluster ${cluster.name}.`, {
      parameters: [snapshotId, cluster.name],
    });
  }
  return snapshot;
}

/** Builds the handlers of one family; jobs are shared, so either family reads the other's. */
export function backupHandlers(spec: BackupFamily): BackupHandlers {
  const clusterOf = (context: OperationContext): SeedCluster =>
    spec.resolveCluster(context.state.project, param(context, 'groupId'), param(context, spec.clusterParam), context.afterSunset);
  const jobView = (context: OperationContext, cluster: SeedCluster, job: RestoreJob): unknown =>
    restoreJobView(context.state.baseUrl, context.state.jobs, job, snapshotOf(cluster, job.snapshotId), spec.family);

  return {
    download(context) {
      const cluster = clusterOf(context);
      const body = context.body ?? {};
      validateAttributes(body, spec.downloadBody);
      const snapshot = snapshotOf(cluster, body.snapshotId as string);
      // Only attributes this family's request schema declares (and so were validated) reach the job.
      const declared = (name: string): string | undefined =>
        spec.downloadBody.some((rule) => rule.name === name) ? (body[name] as string | undefined) ?? undefined : undefined;
      const job = context.state.jobs.create({
        scheduledAt: context.now,
        projectId: context.state.project.groupId,
        clusterName: cluster.name,
        snapshotId: snapshot.id,
        targetProjectId: declared('targetProjectId'),
        targetDeploymentItemName: declared('targetDeploymentItemName'),
      });
      return jobView(context, cluster, job);
    },
    listRestoreJobs(context) {
      const cluster = clusterOf(context);
      const page = paginate(context.state.jobs.list(cluster.name), parsePageRequest(context.query), context.state.baseUrl + context.pathname);
      return { ...page, results: page.results.map((job) => jobView(context, cluster, job)) };
    },
    getRestoreJob(context) {
      const cluster = clusterOf(context);
      const id = param(context, spec.jobParam);
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
      return { ...page, results: page.results.map((s) => snapshotView(baseUrl, project.groupId, s, spec.family)) };
    },
    getSnapshot(context) {
      const cluster = clusterOf(context);
      const snapshot = snapshotOf(cluster, param(context, 'snapshotId'));
      return snapshotView(context.state.baseUrl, context.state.project.groupId, snapshot, spec.family);
    },
  };
}
