/**
 * `atlas-snapshot-shim/adapters/legacy-client`: a drop-in for code that still calls the
 * deprecated shared-tier ("tenant") snapshot operations of the Atlas Admin API
 * (sunset 2026-01-22). Same operation names, same arguments, same JSON answers; behind
 * them, the facade's route policy picks the tenant endpoint or its Flex twin.
 *
 * @packageDocumentation
 */
import { createShimCore } from '../src/facade/shim-core.js';
import type { SnapshotShimOptions } from '../src/facade/shim-options.js';
import { legacyOperations } from './legacy-client/operations.js';
import type { LegacyClient } from './legacy-client/types.js';

export type {
  BackupTenantSnapshot,
  LegacyCallOptions,
  LegacyClient,
  PaginatedTenantRestore,
  PaginatedTenantSnapshot,
  TenantLink,
  TenantListQuery,
  TenantRestore,
} from './legacy-client/types.js';
export type { SnapshotShimOptions } from '../src/facade/shim-options.js';
export type { LegacyRewriteEvent, ShimEvent, ShimEventListener } from '../src/events/shim-event.js';
export { AtlasApiError, ShimError, SunsetError, UnsupportedClusterError, ValidationError } from '../src/errors/index.js';

/**
 * Creates a client whose methods are the deprecated tenant snapshot operations
 * (`downloadClusterBackupTenant` and its older name `downloadSharedClusterBackup`,
 * `getBackupTenantRestore`, `listBackupTenantRestores`, `listClusterBackupSnapshots`,
 * `getBackupTenantSnapshot`), each resolving to the parsed JSON body in the exact legacy
 * shape, whichever endpoint served it.
 *
 * Each call:
 * - validates its arguments first (a `ValidationError` naming the field, before any request);
 * - routes as the facade does: the `route` option or flag source, the cached cluster kind,
 *   the sunset; a dedicated cluster is an `UnsupportedClusterError`, the `tenant` flag after
 *   the sunset a `SunsetError` (unless `allowSunsetEndpoint`);
 * - on the tenant route, returns Atlas's body untouched; on the Flex route, calls the Flex
 *   twin and converts its answer (`instanceName` becomes `clusterName`; `links` keep
 *   pointing at the Flex resources, the ones that still answer after the sunset) and
 *   reports it with a `legacy-rewrite` event through `onEvent`;
 * - when Atlas contradicts the route (the endpoint is gone, or the cluster is of the other
 *   kind), tries the other family once, never more;
 * - lets Atlas's refusals through as `AtlasApiError`.
 *
 * Options are those of `createSnapshotShim`, with the same defaults (only `credentials` is
 * required; `route` defaults to `'auto'`, `sunsetDate` to `2026-01-22T00:00:00Z`, `baseUrl`
 * to `https://cloud.mongodb.com`), and are validated at once.
 *
 * @throws {ValidationError} naming the first wrong option.
 */
export function createLegacyClient(shimOptions: SnapshotShimOptions): LegacyClient {
  const core = createShimCore(shimOptions);
  return {
    ...legacyOperations(core),
    async close() {
      await core.close();
    },
  };
}
