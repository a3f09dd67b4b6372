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

// Which API presents a cluster: the one rule each look-up and each list applies, so that
// `listClusters` holds exactly the clusters `getCluster` describes, and likewise for Flex.
/** The cluster API: everything but a Flex cluster (legacy ones only before the sunset). */
const inClusterApi = (cluster: SeedCluster, afterSunset: boolean): boolean => presentedKind(cluster, afterSunset) !== 'flex';
/** The Flex API: every Flex cluster, and M2/M5 clusters once Atlas migrated them. */
const inFlexApi = (cluster: SeedCluster, afterSunset: boolean): boolean => {
  const kind = presentedKind(cluster, afterSunset);
  return kind === 'flex' || kind === 'flexLegacy';
};

/** The seeded project when `groupId` names it; 404 `GROUP_NOT_FOUND` for any other, as Atlas answers a project the key does not reach. */
function projectFor(project: SeedProject, groupId: string): SeedProject {
  if (groupId !== project.groupId) {
    throw new SimulatorApiError(404, CODES.groupNotFound, `No group with ID ${groupId} exists.`, { parameters: [groupId] });
  }
  return project;
}

/** Finds a cluster of the seeded project; 404 `GROUP_NOT_FOUND` / `CLUSTER_NOT_FOUND` as Atlas answers. */
function findCluster(project: SeedProject, groupId: string, name: string): SeedCluster {
  const cluster = projectFor(project, groupId).clusters.get(name);
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
  if (!inClusterApi(cluster, afterSunset)) throw flexInClusterApi(name);
  return cluster;
}

/** The clusters `listClusters` lists, in the seed's order: those {@link clusterForClusterApi} serves. */
export function clustersForClusterApi(project: SeedProject, groupId: string, afterSunset: boolean): readonly SeedCluster[] {
  return [...projectFor(project, groupId).clusters.values()].filter((cluster) => inClusterApi(cluster, afterSunset));
}

/** A cluster the tenant operations serve: shared M2/M5, and Flex clusters created through `createCluster`. */
export function clusterForTenantApi(project: SeedProject, groupId: string, name: string, afterSunset: boolean): SeedCluster {
  const cluster = findCluster(project, groupId, name);
  if (!inClusterApi(cluster, afterSunset)) throw flexInClusterApi(name);
  if (presentedKind(cluster, afterSunset) === 'dedicated') {
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
  if (!inFlexApi(cluster, afterSunset)) {
    throw new SimulatorApiError(400, CODES.nonFlexInFlexApi, `Cluster ${name} is not a Flex cluster and cannot be used in the Flex API.`, {
      parameters: [name],
    });
  }
  return cluster;
}

/** The clusters `listFlexClusters` lists, in the seed's order: those {@link clusterForFlexApi} serves. */
export function clustersForFlexApi(project: SeedProject, groupId: string, afterSunset: boolean): readonly SeedCluster[] {
  return [...projectFor(project, groupId).clusters.values()].filter((cluster) => inFlexApi(cluster, afterSunset));
}
