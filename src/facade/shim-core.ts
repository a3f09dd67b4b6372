import { createAtlasClient, type AtlasClient } from '../atlas/atlas-client.js';
import { ClusterKindCache } from '../atlas/cluster-kind-cache.js';
import { resolveClusterKind } from '../atlas/resolve-cluster-kind.js';
import type { ShimEvent } from '../events/shim-event.js';
import type { DecisionPurpose } from '../observability/channel-messages.js';
import { createShimObserver, type ShimObserver } from '../observability/shim-observer.js';
import type { ClusterKindFinding } from '../policy/classify-cluster.js';
import { decideRoute } from '../policy/decide-route.js';
import { abortable } from '../signals/abortable.js';
import type { ClusterTarget } from '../validation/inputs.js';
import { VERSION } from '../version.js';
import { createAtlasDispatcher } from './atlas-dispatcher.js';
import { evaluateFlag } from './evaluate-flag.js';
import { toRouteDecision, type RouteDecision } from './route-decision.js';
import { resolveShimOptions, type ResolvedShimOptions, type SnapshotShimOptions } from './shim-options.js';

/**
 * What the facade and the drop-in adapters share: validated options, the authenticated
 * Atlas client, and route decisions with their cluster-kind cache.
 */
export interface ShimCore {
  readonly options: ResolvedShimOptions;
  readonly client: AtlasClient;
  /**
   * The route decision for a cluster now (flag, cached kind, policy). `purpose` (default
   * `'call'`: a request follows) is `'explain'` for `explainRoute`, which sends nothing and
   * so does not count as a use of the tenant endpoint.
   */
  decide(target: ClusterTarget, signal: AbortSignal | undefined, purpose?: DecisionPurpose): Promise<RouteDecision>;
  /** Asks Atlas the kind again, after it contradicted the cached one, and caches the answer. */
  refreshKind(target: ClusterTarget, signal: AbortSignal | undefined): Promise<ClusterKindFinding>;
  /** Reports an event to the observer (channels, logger) and the `onEvent` option. */
  emit(event: ShimEvent): void;
  /** Diagnostics channels, the `logger` option and the tenant-endpoint warning of this shim. */
  readonly observer: ShimObserver;
  close(): Promise<void>;
}

/**
 * Builds the shared core. Options are validated here: a wrong one throws a
 * `ValidationError` naming it, before anything is sent.
 */
export function createShimCore(options: SnapshotShimOptions): ShimCore {
  const resolved = resolveShimOptions(options);
  const observer = createShimObserver(resolved);
  const atlas = createAtlasDispatcher(resolved);
  // Observed here, around the client, so every Atlas call of the facade and the adapters is traced once.
  const client = observer.traceClient(createAtlasClient({
    baseUrl: resolved.baseUrl,
    dispatcher: atlas.dispatcher,
    userAgent: `atlas-snapshot-shim/${VERSION} node/${process.versions.node}${resolved.userAgent ? ` ${resolved.userAgent}` : ''}`,
    headersTimeoutMs: resolved.timeouts.headersMs,
    bodyTimeoutMs: resolved.timeouts.bodyMs,
    connectTimeoutMs: resolved.timeouts.connectMs,
    deadlineMs: resolved.timeouts.deadlineMs,
    retry: resolved.retry,
    now: resolved.now,
  }));
  const kinds = new ClusterKindCache(resolved.clusterKindTtlMs);
  // Atlas migrates shared clusters to Flex at the sunset: a kind found on one side of it says nothing of the other.
  const cacheKey = (target: ClusterTarget): string =>
    `${resolved.baseUrl}|${target.groupId}|${target.clusterName}|${resolved.now() >= resolved.sunsetDate ? 'after' : 'before'}-sunset`;

  return {
    options: resolved,
    client,
    observer,
    async decide(target, signal, purpose = 'call') {
      // A static flag is the answer itself: no context to build, no promise to wait for.
      const route = resolved.route;
      const flag =
        typeof route === 'function'
          ? await evaluateFlag(
              route,
              { groupId: target.groupId, clusterName: target.clusterName, environment: resolved.environment, appVersion: resolved.appVersion },
              { strict: resolved.strictFlags, timeoutMs: resolved.flagTimeoutMs, onEvent: observer.onEvent },
            )
          : route;
      // A 'flex' flag routes every kind to the Flex endpoint: no need to ask Atlas. The
      // look-up is shared by concurrent callers, so it runs without any one caller's signal.
      const finding: ClusterKindFinding =
        flag === 'flex' ? { kind: 'unknown', source: 'not-asked' } : await abortable(kinds.get(cacheKey(target), () => resolveClusterKind(client, target)), signal);
      const policy = decideRoute(
        { clusterKind: finding.kind, now: resolved.now(), sunsetDate: resolved.sunsetDate, flag, allowSunsetEndpoint: resolved.allowSunsetEndpoint },
        { groupId: target.groupId, clusterName: target.clusterName, instanceSize: finding.instanceSize },
      );
      const decision = toRouteDecision(policy, target, finding);
      observer.routeDecided(decision, purpose);
      return decision;
    },
    refreshKind(target, signal) {
      // Forget, then look up through the cache: the fresh kind is kept for the next call,
      // and concurrent refreshes of one cluster share one request.
      const key = cacheKey(target);
      kinds.forget(key);
      return abortable(kinds.get(key, () => resolveClusterKind(client, target)), signal);
    },
    emit: (event) => observer.onEvent(event),
    close: () => atlas.close(),
  };
}
