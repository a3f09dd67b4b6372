import { FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { AtlasApiError } from '../../src/errors/atlas-api-error.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { contradictionReason } from '../../src/policy/contradiction.js';
import type { Route } from '../../src/policy/types.js';
import type { ClusterTarget } from '../../src/validation/inputs.js';
import { fallbackGuard } from './fallback-guard.js';
import { reportRewrite } from './rewrite-event.js';

const MEDIA_TYPES: Readonly<Record<Route, string>> = { tenant: TENANT_MEDIA_TYPE, flex: FLEX_MEDIA_TYPE };

/** One validated read of a tenant resource, and how its Flex twin answers in the legacy shape. */
export interface LegacyRead {
  /** The tenant operation the caller asked for. */
  readonly operationId: string;
  readonly target: ClusterTarget;
  /** The path of the resource on each route. */
  readonly paths: Readonly<Record<Route, string>>;
  /** Query parameters, named the same on both routes. */
  readonly query?: Readonly<Record<string, number | boolean>>;
  /** Turns the Flex twin's body into the tenant operation's. Pure. */
  readonly fromFlex: (body: unknown) => unknown;
}

/**
 * Reads on the route the core decides (flag, cached kind, sunset, policy). When Atlas
 * contradicts the decision (`contradictionReason`), the other route is tried once, never
 * more; if that one refuses as well because the cluster is not its kind either, the first
 * refusal is thrown, since it says more. A tenant answer is returned untouched; a Flex one
 * is converted and reported with a `legacy-rewrite` event.
 *
 * Reads are safe to repeat, so unlike the download any contradicting refusal qualifies.
 *
 * @throws {AtlasApiError} the refusal Atlas answered.
 * @throws {UnsupportedClusterError} for a dedicated cluster.
 * @throws {SunsetError} for the tenant flag after the sunset without `allowSunsetEndpoint`.
 */
export async function readLegacy(core: ShimCore, read: LegacyRead, signal: AbortSignal | undefined): Promise<unknown> {
  const decision = await core.decide(read.target, signal);
  try {
    return await readOn(core, decision.route, read, signal);
  } catch (error) {
    const to = decision.fallbackRoute;
    if (!(error instanceof AtlasApiError) || to === undefined || contradictionReason(decision.route, error) === undefined) throw error;
    await fallbackGuard(core, read.target, signal)(to, error);
    try {
      return await readOn(core, to, read, signal);
    } catch (second) {
      if (second instanceof AtlasApiError && contradictionReason(to, second) !== undefined) throw error;
      throw second;
    }
  }
}

async function readOn(core: ShimCore, route: Route, read: LegacyRead, signal: AbortSignal | undefined): Promise<unknown> {
  const { body } = await core.client.call({ method: 'GET', path: read.paths[route], mediaType: MEDIA_TYPES[route], query: read.query, signal });
  if (route === 'tenant') return body;
  reportRewrite(core, { operationId: read.operationId, method: 'GET', fromPath: read.paths.tenant, toPath: read.paths.flex });
  return read.fromFlex(body);
}
