import { downloadOperations } from '../atlas/download-operations.js';
import type { ClusterKindFinding } from '../policy/classify-cluster.js';
import type { Route, RoutePolicyDecision } from '../policy/types.js';

/** The request a route decision leads to. */
export interface RouteEndpoint {
  readonly method: 'POST';
  /** Path on the Atlas origin. */
  readonly path: string;
  readonly operationId: 'downloadClusterBackupTenant' | 'downloadFlexBackup';
  /** Versioned media type sent as Accept and Content-Type. */
  readonly mediaType: string;
}

/** A fallback that happened: Atlas contradicted the first decision, and the other route was tried once. */
export interface RouteFallback {
  readonly from: Route;
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
  readonly groupId: string;
  readonly clusterName: string;
  readonly endpoint: RouteEndpoint;
  /** Which Atlas operation told the cluster kind, `not-asked` when the flag made it unnecessary, `not-told` when Atlas would not say. */
  readonly clusterKindSource: ClusterKindFinding['source'];
  readonly instanceSize: string | undefined;
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

/** Assembles a {@link RouteDecision} from the policy's answer and what it was about. Pure. */
export function toRouteDecision(
  policy: RoutePolicyDecision,
  target: { groupId: string; clusterName: string },
  finding: ClusterKindFinding,
): RouteDecision {
  return {
    ...policy,
    ...target,
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
