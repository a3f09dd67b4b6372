import type { OperationFamily } from '../atlas/operations.js';
import { clusterForClusterApi, clusterForFlexApi, clustersForClusterApi, clustersForFlexApi } from './cluster-access.js';
import { clusterDescriptionView, flexClusterView } from './cluster-views.js';
import type { OperationHandler } from './operations.js';
import { paginate, parsePageRequest } from './pagination.js';
import type { SeedCluster } from './seed.js';

/** The two APIs that describe clusters: the cluster API (`getCluster`, `listClusters`) and the Flex API. */
export type ClusterApi = Exclude<OperationFamily, 'tenant'>;

/** What one API describes, and how. */
interface ApiRules {
  /** The cluster a look-up may describe, or the kind error Atlas gives. */
  readonly find: typeof clusterForClusterApi;
  /** Every cluster of a project the API describes: exactly those `find` accepts. */
  readonly list: typeof clustersForClusterApi;
  /** The body of one cluster (`ClusterDescription20240805` or `FlexClusterDescription20241113`). */
  readonly view: (baseUrl: string, groupId: string, cluster: SeedCluster) => Record<string, unknown>;
}

const APIS: Readonly<Record<ClusterApi, ApiRules>> = {
  // Shared (TENANT) M2/M5, dedicated and, before the sunset, legacy Flex clusters.
  cluster: { find: clusterForClusterApi, list: clustersForClusterApi, view: clusterDescriptionView },
  // Every Flex cluster, and M2/M5 clusters once the sunset migrated them.
  flex: { find: clusterForFlexApi, list: clustersForFlexApi, view: flexClusterView },
};

/**
 * The look-up (`describe`) and the project list (`listClusters`) of one API. Both read the same
 * access rule and the same view, so a list's item is exactly what the look-up of that cluster
 * answers at the same instant.
 */
export function clusterHandlers(api: ClusterApi): Readonly<Record<'describe' | 'listClusters', OperationHandler>> {
  const { find, list, view } = APIS[api];
  return {
    describe({ state, params, afterSunset }) {
      return view(state.baseUrl, params.groupId, find(state.project, params.groupId, params.clusterName, afterSunset));
    },
    listClusters({ state, params, query, afterSunset, pathname }) {
      const clusters = list(state.project, params.groupId, afterSunset);
      const page = paginate(clusters, parsePageRequest(query), state.baseUrl + pathname);
      return { ...page, results: page.results.map((cluster) => view(state.baseUrl, params.groupId, cluster)) };
    },
  };
}
