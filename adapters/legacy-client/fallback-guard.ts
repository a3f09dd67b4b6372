import type { BeforeFallback } from '../../src/facade/request-download.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { UnsupportedClusterError } from '../../src/errors/unsupported-cluster-error.js';
import type { ClusterTarget } from '../../src/validation/inputs.js';

/**
 * What runs before the one fallback a call may take, the same as the facade's: Atlas
 * contradicted the kind the decision was taken on, so the cached kind is forgotten and
 * asked again; a cluster the Flex endpoint refused that turns out to be dedicated ends in
 * an `UnsupportedClusterError` instead of a tenant request that could not serve it either.
 */
export function fallbackGuard(core: ShimCore, target: ClusterTarget, signal: AbortSignal | undefined): BeforeFallback {
  return async (to) => {
    const finding = await core.refreshKind(target, signal);
    if (to === 'tenant' && finding.kind === 'dedicated') {
      throw new UnsupportedClusterError(target.groupId, target.clusterName, finding.instanceSize);
    }
  };
}
