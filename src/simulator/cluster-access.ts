import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';
import type { SeedCluster, SeedClusterKind, SeedProject } from './seed.js';

/**
 * How Atlas presents a cluster at a given instant. At the sunset Atlas migrated every M2/M5
 * cluster to Flex and stopped serving Flex clusters through the cluster API, so `shared` and
 * `flexLegacy` both collapse into `flex`.
 */
function presentedKind(cluster: SeedCluster, afterSunset: boolean): SeedClusterKind {
  if (afterSunset && (cluster.kind === 'shared' || cluster.kind === 'flexLegacy')) return 'flex';
  return cluster.kind;
}

/** Finds a cluster of the seeded project; 404 `GROUP_NOT_FOUND` / `CLUSTER_NOT_FOUND` as Atlas answers. */
function findCluster(project: SeedProject, groupId: string, name: string): SeedCluster {
  if (groupId !== project.groupId) {
    throw new SimulatorApiError(404, CODES.groupNotFound, `No group with ID ${groupId} exists.`, { parameters: [groupId] });
  }
  const cluster = project.clusters.get(name);
  if (cluster === undefined) {
    throw new SimulatorApiError(404, CODES.clusterNotFound, `No cluster named ${name} exists in group ${groupId}.`, {
      parameters: [name, groupId],
    });
  }
  return cluster;
}

const flexInClusterApi = (name: string): SimulatorApiError =>
  new SimulatorApiError(400, CODES.flexInClusterApi, `Flex cluster ${name} cannot be used in the Cluster API.`, { parameters: [name] });

/** A cluster `getCluster` may describe: everything but a Flex cluster (legacy ones only before the sunset). */
export function clusterForClusterApi(project: SeedProject, groupId: string, name: string, afterSunset: boolean): SeedCluster {
  const cluster = findCluster(project, groupId, name);
  if (presentedKind(cluster, afterSunset) === 'flex') throw flexInClusterApi(name);
  return cluster;
}

/** A cluster the tenant operations serve: shared M2/M5, and Flex clusters created through `createCluster`. */
export function clusterForTenantApi(project: SeedProject, groupId: string, name: string, afterSunset: boolean): SeedCluster {
  const cluster = findCluster(project, groupId, name);
  const kind = presentedKind(cluster, afterSunset);
  if (kind === 'flex') throw flexInClusterApi(name);
  if (kind === 'dedicated') {
    throw new SimulatorApiError(
      400,
      CODES.tenantClusterRequired,
      `Cluster ${name} is a dedicated cluster (${cluster.instanceSize}); this operation requires a shared-tier (M2/M5) tenant cluster. ` +
        'Use Cloud Backup snapshots and restore jobs for dedicated clusters.',
      { parameters: [name] },
    );
  }
  return cluster;
}

/** A cluster the Flex operations serve: any Flex cluster, and M2/M5 clusters once Atlas migrated them. */
export function clusterForFlexApi(project: SeedProject, groupId: string, name: string, afterSunset: boolean): SeedCluster {
  const cluster = findCluster(project, groupId, name);
  const kind = presentedKind(cluster, afterSunset);
  if (kind !== 'flex' && kind !== 'flexLegacy') {
    throw new SimulatorApiError(400, CODES.nonFlexInFlexApi, `Cluster ${name} is not a Flex cluster and cannot be used in the Flex API.`, {
      parameters: [name],
    });
  }
  return cluster;
}
