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
  readonly clusterKind: ClusterKind;
  readonly now: Date;
  readonly sunsetDate: Date;
  readonly flag: RouteFlag;
  /** Let a `tenant` flag call the tenant endpoint after its sunset. Default false. */
  readonly allowSunsetEndpoint?: boolean | undefined;
}

/** The policy's answer: which endpoint family, and why. */
export interface RoutePolicyDecision {
  readonly route: Route;
  /** A sentence a person can read in a log: why this route. */
  readonly reason: string;
  readonly clusterKind: ClusterKind;
  readonly flag: RouteFlag;
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
