/**
 * `atlas-snapshot-shim/adapters/legacy-client`: a drop-in for code that still calls the
 * deprecated shared-tier ("tenant") snapshot operations of the Atlas Admin API
 * (sunset 2026-01-22). Same operation names, same arguments, same JSON answers; behind
 * them, the facade's route policy picks the tenant endpoint or its Flex twin.
 *
 * @packageDocumentation
 */
import { ATLAS_OPERATIONS, atlasPath, TENANT_OPERATION_ALIASES, twinOf, type PathParams, type TenantOperationId } from '../src/atlas/operations.js';
import { createShimCore, requestDownload, type ShimCore } from '../src/facade/shim-core.js';
import type { SnapshotShimOptions } from '../src/facade/shim-options.js';
import { tenantAnswerOf } from '../src/model/legacy-shapes.js';
import type { Routed } from '../src/routing/router.js';
import { check, OBJECT_ID } from '../src/validation.js';
import { validateCallOptions, validateDownloadBody, validateListQuery, validateTarget, type DownloadBody } from './legacy-client/inputs.js';
import type { BackupTenantSnapshot, LegacyClient, LegacyOperationAliases, LegacyOperations, PaginatedTenantRestore, PaginatedTenantSnapshot, TenantRestore } from './legacy-client/types.js';

export type {
  BackupTenantSnapshot,
  LegacyCallOptions,
  LegacyClient,
  LegacyOperationAliases,
  LegacyOperations,
  PaginatedTenantRestore,
  PaginatedTenantSnapshot,
  TenantLink,
  TenantListQuery,
  TenantPage,
  TenantRestore,
} from './legacy-client/types.js';
export type { SnapshotShimOptions } from '../src/facade/shim-options.js';
export type { LegacyRewriteEvent, ShimEvent, ShimEventListener } from '../src/observability/shim-events.js';
export { ShimError, ValidationError } from '../src/errors/shim-error.js';
export { AtlasApiError } from '../src/errors/atlas-errors.js';
export { AtlasForGovernmentError, SunsetError, UnsupportedClusterError } from '../src/errors/route-errors.js';

/**
 * Creates a client whose methods are the deprecated tenant snapshot operations
 * (`downloadClusterBackupTenant`, `getBackupTenantRestore`, `listBackupTenantRestores`,
 * `listClusterBackupSnapshots`, `getBackupTenantSnapshot`), each also under the names the
 * SDKs and the API reference published it as (`downloadSharedClusterBackup`,
 * `downloadGroupClusterBackupTenant`…: see `LegacyOperationAliases`), each resolving to the
 * parsed JSON body in the exact legacy shape, whichever endpoint served it.
 *
 * Each call:
 * - validates its arguments first (a `ValidationError` naming the field, before any request);
 * - routes as the facade does: the `route` option or flag source, the cached cluster kind,
 *   the sunset; a dedicated cluster is an `UnsupportedClusterError`, the `tenant` flag after
 *   the sunset a `SunsetError` (unless `allowSunsetEndpoint`), a Flex route on Atlas for
 *   Government an `AtlasForGovernmentError`;
 * - on the tenant route, returns Atlas's body untouched; on the Flex route, calls the Flex
 *   twin and converts its answer (`instanceName` becomes `clusterName`; `links` keep
 *   pointing at the Flex resources, the ones that still answer after the sunset) and
 *   reports it with a `legacy-rewrite` event through `onEvent`;
 * - when Atlas contradicts the route (the endpoint is gone, or the cluster is of the other
 *   kind), tries the other family once, never more, and reports it with a `route-fallback` event;
 * - lets Atlas's refusals through as `AtlasApiError`.
 *
 * Methods are closures, not `this`-bound, so they can be passed around detached (as
 * `const { getBackupTenantRestore } = client`).
 *
 * Options are those of `createSnapshotShim`, with the same defaults (only `credentials` is
 * required; `route` defaults to `'auto'`, `sunsetDate` to `2026-01-22T00:00:00Z`, `baseUrl`
 * to `https://cloud.mongodb.com`), and are validated at once.
 *
 * @throws {ValidationError} naming the first wrong option.
 */
export function createLegacyClient(shimOptions: SnapshotShimOptions): LegacyClient {
  const core = createShimCore(shimOptions);

  const operations: LegacyOperations = {
    async downloadClusterBackupTenant(groupId, clusterName, body, options) {
      const target = validateTarget(groupId, clusterName);
      const request = validateDownloadBody(body, target);
      const signal = validateCallOptions(options);
      const routed = await requestDownload(core, target, { ...request, signal });
      return legacyAnswer(core, 'downloadClusterBackupTenant', target, routed, request) as TenantRestore;
    },
    async getBackupTenantRestore(groupId, clusterName, restoreId, options) {
      const params = { ...validateTarget(groupId, clusterName), itemId: check('restoreId', restoreId, OBJECT_ID) };
      return (await read(core, 'getBackupTenantRestore', params, undefined, validateCallOptions(options))) as TenantRestore;
    },
    async listBackupTenantRestores(groupId, clusterName, query, options) {
      const target = validateTarget(groupId, clusterName);
      return (await read(core, 'listBackupTenantRestores', target, validateListQuery(query), validateCallOptions(options))) as PaginatedTenantRestore;
    },
    async listClusterBackupSnapshots(groupId, clusterName, query, options) {
      const target = validateTarget(groupId, clusterName);
      return (await read(core, 'listClusterBackupSnapshots', target, validateListQuery(query), validateCallOptions(options))) as PaginatedTenantSnapshot;
    },
    async getBackupTenantSnapshot(groupId, clusterName, snapshotId, options) {
      const params = { ...validateTarget(groupId, clusterName), itemId: check('snapshotId', snapshotId, OBJECT_ID) };
      return (await read(core, 'getBackupTenantSnapshot', params, undefined, validateCallOptions(options))) as BackupTenantSnapshot;
    },
  };
  // Every other name is the very same function as the operation it names, so either compares
  // equal to the other. The names come from the operations table, which ALIASES_MATCH below
  // holds equal to LegacyOperationAliases, so the built object is one.
  const aliases = Object.fromEntries(
    (Object.keys(TENANT_OPERATION_ALIASES) as TenantOperationId[]).flatMap((operationId) => TENANT_OPERATION_ALIASES[operationId].map((alias) => [alias, operations[operationId]])),
  ) as unknown as LegacyOperationAliases;
  return {
    ...operations,
    ...aliases,
    async close() {
      await core.close();
    },
  };
}

/**
 * Reads a tenant resource on the route the core decides, falling back once when Atlas
 * contradicts it (reads are safe to repeat, so any contradicting refusal qualifies).
 */
async function read(
  core: ShimCore,
  operationId: TenantOperationId,
  params: PathParams,
  query: Readonly<Record<string, number | boolean>> | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const decision = await core.router.decide(params, signal);
  const routed = await core.router.followRoute(decision, signal, (route) =>
    core.client.call({ operationId: route === 'tenant' ? operationId : twinOf(operationId), params, query, signal }),
  );
  return legacyAnswer(core, operationId, params, routed);
}

/**
 * The answer in the tenant operation's shape: a tenant answer untouched; a Flex one
 * converted, and reported with a `legacy-rewrite` event (only once the Flex endpoint
 * answered, so the event means the rewrite happened, not that it was tried).
 */
function legacyAnswer(core: ShimCore, operationId: TenantOperationId, params: PathParams, routed: Routed<{ readonly body: unknown }>, request?: DownloadBody): unknown {
  if (routed.decision.route === 'tenant') return routed.value.body;
  const { method } = ATLAS_OPERATIONS[operationId];
  core.observer.emit({ type: 'legacy-rewrite', operationId, method, fromPath: atlasPath(operationId, params), toPath: atlasPath(twinOf(operationId), params), route: 'flex' });
  return tenantAnswerOf(operationId, routed.value.body, { clusterName: params.clusterName, ...request });
}

/** The other names of the operations table, and those `LegacyOperationAliases` declares: a name in one fails typechecking until the other has it. */
type TableAliasName = (typeof TENANT_OPERATION_ALIASES)[TenantOperationId][number];
const ALIASES_MATCH: [TableAliasName, keyof LegacyOperationAliases] extends [keyof LegacyOperationAliases, TableAliasName] ? true : never = true;
void ALIASES_MATCH;
