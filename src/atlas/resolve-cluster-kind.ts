import { AtlasApiError } from '../errors/atlas-api-error.js';
import { classifyClusterDescription, type ClusterKindFinding } from '../policy/classify-cluster.js';
import type { ClusterTarget } from '../validation/inputs.js';
import type { AtlasClient } from './atlas-client.js';
import { ATLAS_ERROR_CODES, atlasPaths, CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE } from './endpoints.js';

/** Statuses that say nothing about the kind and must not be guessed past: bad credentials. */
const AUTH_STATUSES = new Set([401]);

/**
 * Asks Atlas what kind of cluster `target` is: `getCluster` first (it answers shared,
 * dedicated and migrated Flex clusters, and refuses native Flex ones with
 * `CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`), then `getFlexCluster` when that did not tell.
 *
 * @throws {AtlasApiError} when the credentials are refused, or when neither operation
 *   knows the cluster (404 from both): there is nothing to download.
 */
export async function resolveClusterKind(
  client: AtlasClient,
  target: ClusterTarget,
  signal?: AbortSignal,
): Promise<ClusterKindFinding> {
  const { groupId, clusterName } = target;
  let clusterNotFound: AtlasApiError | undefined;
  try {
    const { body } = await client.call({ method: 'GET', path: atlasPaths.getCluster(groupId, clusterName), mediaType: CLUSTER_MEDIA_TYPE, signal });
    const finding = classifyClusterDescription(body);
    if (finding.kind !== 'unknown') return finding;
  } catch (error) {
    if (!(error instanceof AtlasApiError) || AUTH_STATUSES.has(error.status)) throw error;
    if (error.errorCode === ATLAS_ERROR_CODES.flexInClusterApi) return { kind: 'flex', source: 'getCluster' };
    if (error.status === 404) clusterNotFound = error;
  }
  try {
    await client.call({ method: 'GET', path: atlasPaths.getFlexCluster(groupId, clusterName), mediaType: FLEX_MEDIA_TYPE, signal });
    return { kind: 'flex', source: 'getFlexCluster' };
  } catch (error) {
    if (!(error instanceof AtlasApiError) || AUTH_STATUSES.has(error.status)) throw error;
    // Not Flex, and getCluster could not say which other kind: leave it to the policy.
    if (error.errorCode === ATLAS_ERROR_CODES.nonFlexInFlexApi) return { kind: 'unknown', source: 'not-told' };
    if (error.status === 404 && clusterNotFound) throw clusterNotFound;
    return { kind: 'unknown', source: 'not-told' };
  }
}
