/** Which Atlas endpoint family serves a download. */
export type Route = 'tenant' | 'flex';

/** The route flag: let the policy decide (`auto`), or force an endpoint family. */
export type RouteFlag = 'auto' | 'tenant' | 'flex';

/** All route flag values, in the order the docs list them. */
export const ROUTE_FLAGS: readonly RouteFlag[] = ['auto', 'tenant', 'flex'];

/**
 * What kind of cluster a name is, as Atlas tells it:
 * - `shared`: an M2/M5 shared-tier cluster (`providerName: TENANT`);
 * - `flex`: a Flex cluster, native or created through createCluster / migrated from M2/M5;
 * - `dedicated`: an M10+ cluster, served by neither snapshot-download endpoint;
 * - `unknown`: Atlas would not say (or the flag made asking unnecessary).
 */
export type ClusterKind = 'shared' | 'flex' | 'dedicated' | 'unknown';

/** All cluster kinds. */
export const CLUSTER_KINDS: readonly ClusterKind[] = ['shared', 'flex', 'dedicated', 'unknown'];

/** Everything the route policy decides from. */
export interface RoutePolicyInput {
  /** The cluster's kind as Atlas told it; `unknown` when it would not say or was not asked. */
  readonly clusterKind: ClusterKind;
  /** The instant to decide for (the shim's `now` clock); compared with `sunsetDate`. */
  readonly now: Date;
  /** When the tenant endpoint is sunset; from `now` on, the decision is an after-sunset one. */
  readonly sunsetDate: Date;
  /** The route flag for this call, after any flag source was evaluated. */
  readonly flag: RouteFlag;
  /** Let a `tenant` flag call the tenant endpoint after its sunset. Default false. */
  readonly allowSunsetEndpoint?: boolean | undefined;
}

/** The policy's answer: which endpoint family, and why. */
export interface RoutePolicyDecision {
  /** The endpoint family to call. */
  readonly route: Route;
  /** A sentence a person can read in a log: why this route. */
  readonly reason: string;
  /** The cluster kind the decision was taken for; `unknown` when Atlas would not say or was not asked. */
  readonly clusterKind: ClusterKind;
  /** The route flag the decision applied; `auto` when a flag source failed or gave an invalid answer. */
  readonly flag: RouteFlag;
  /** The tenant endpoint's sunset instant the decision was measured against. */
  readonly sunsetDate: Date;
  /** True when the decision was taken at or after the sunset instant. */
  readonly afterSunset: boolean;
  /**
   * The other route to try once if Atlas contradicts this decision (refuses the cluster
   * on this endpoint, or answers as if the endpoint were gone), or undefined when no
   * fallback is allowed.
   */
  readonly fallbackRoute: Route | undefined;
}
