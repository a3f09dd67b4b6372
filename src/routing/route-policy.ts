import { ATLAS_ERROR_CODES, ATLAS_OPERATIONS, atlasPath, operationFor, type Route } from '../atlas/operations.js';
import { AtlasForGovernmentError, SunsetError, UnsupportedClusterError } from '../errors/route-errors.js';

/**
 * Every routing decision as a pure function: which endpoint family serves a download
 * (DESIGN.md's route policy), what kind of cluster a `getCluster` answer describes, and
 * whether Atlas's refusal contradicts a decision. No I/O and no clock of their own: the
 * router passes in what it read.
 */

export type { Route };

/** The route flag: let the policy decide (`auto`), or force an endpoint family. */
export type RouteFlag = 'auto' | 'tenant' | 'flex';

/** All route flag values, in the order the docs list them. */
export const ROUTE_FLAGS: readonly RouteFlag[] = ['auto', 'tenant', 'flex'];

/** True when `value` is one of the three route flags. */
export function isRouteFlag(value: unknown): value is RouteFlag {
  return typeof value === 'string' && (ROUTE_FLAGS as readonly string[]).includes(value);
}

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
  /** Atlas for Government, which has no Flex endpoints: a decision for one is refused. Default false. */
  readonly atlasForGovernment?: boolean | undefined;
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

/** Cluster name and project, only for the text of an `UnsupportedClusterError`. */
export interface RouteSubject {
  /** The cluster's project (24 hex), copied to the error's `groupId`; `''` there when absent. */
  readonly groupId?: string | undefined;
  /** The cluster's name, copied to the error's `clusterName` and message; `''` there when absent. */
  readonly clusterName?: string | undefined;
  /** The instance size Atlas reported (M10, M30…), named in the error's message when known. */
  readonly instanceSize?: string | undefined;
}

/**
 * The route policy of DESIGN.md as a pure function: no I/O, no clock of its own.
 *
 * | kind | flag | before sunset | at or after |
 * |---|---|---|---|
 * | shared | auto | tenant | flex |
 * | flex, unknown | auto | flex | flex |
 * | shared, flex, unknown | tenant | tenant (fallback to flex once) | SunsetError unless allowSunsetEndpoint |
 * | shared, flex, unknown | flex | flex | flex |
 * | dedicated | any | UnsupportedClusterError | same |
 *
 * On Atlas for Government (`atlasForGovernment`), which has no Flex endpoint, every Flex
 * decision above is an `AtlasForGovernmentError` and no fallback goes to Flex.
 *
 * @throws {UnsupportedClusterError} for a dedicated cluster.
 * @throws {SunsetError} for the tenant flag at or after the sunset without `allowSunsetEndpoint`.
 * @throws {AtlasForGovernmentError} for a Flex decision on Atlas for Government.
 */
export function decideRoute(input: RoutePolicyInput, subject: RouteSubject = {}): RoutePolicyDecision {
  const { clusterKind, now, sunsetDate, flag } = input;
  // "Not before", as date-fns's isBefore reads it: an invalid date counts as after the sunset.
  const afterSunset = !(now.getTime() < sunsetDate.getTime());
  // The tenant endpoint may take a fallback only while it exists for this caller.
  const tenantReachable = !afterSunset || input.allowSunsetEndpoint === true;
  const government = input.atlasForGovernment === true;
  const decided = (route: Route, reason: string, fallbackRoute: Route | undefined): RoutePolicyDecision => {
    if (government && route === 'flex') throw new AtlasForGovernmentError(subject.groupId ?? '', subject.clusterName ?? '', reason.replace(/\.$/, ''));
    return { clusterKind, flag, sunsetDate, afterSunset, route, reason, fallbackRoute: government && fallbackRoute === 'flex' ? undefined : fallbackRoute };
  };

  if (clusterKind === 'dedicated') throw new UnsupportedClusterError(subject.groupId ?? '', subject.clusterName ?? '', subject.instanceSize);

  if (flag === 'flex') {
    // A flex flag on a cluster Atlas says is not Flex may go to the tenant endpoint once, while it exists.
    return decided('flex', `The route flag is 'flex': downloadFlexBackup is used for every cluster kind.`, tenantReachable ? 'tenant' : undefined);
  }

  if (flag === 'tenant') {
    if (!tenantReachable) throw new SunsetError(sunsetDate, now);
    return decided(
      'tenant',
      afterSunset
        ? `The route flag is 'tenant' and allowSunsetEndpoint is set: calling the tenant endpoint after its sunset (${sunsetDate.toISOString()}).`
        : `The route flag is 'tenant' before the sunset (${sunsetDate.toISOString()}): the tenant endpoint is tried ` +
            `for a ${clusterKind} cluster, with the Flex endpoint as a fallback if Atlas refuses it.`,
      'flex',
    );
  }

  // flag === 'auto'
  if (clusterKind === 'shared' && !afterSunset) {
    return decided('tenant', `A shared M2/M5 cluster before the sunset (${sunsetDate.toISOString()}): the tenant endpoint still serves it.`, 'flex');
  }
  const reason =
    clusterKind === 'shared'
      ? `A shared M2/M5 cluster at or after the sunset (${sunsetDate.toISOString()}): Atlas migrated it to Flex.`
      : clusterKind === 'flex'
        ? `A Flex cluster: downloadFlexBackup serves it ${afterSunset ? 'at or after' : 'before'} the sunset.`
        : `Atlas did not tell the cluster's kind: the Flex endpoint, the current one, is used.`;
  return decided('flex', reason, tenantReachable ? 'tenant' : undefined);
}

/** A cluster kind and the facts it was read from. */
export interface ClusterKindFinding {
  /** The kind found; `unknown` when `source` is `not-asked` or `not-told`. */
  readonly kind: ClusterKind;
  /** The instance size Atlas reported (M2, M5, M10…), when it did. */
  readonly instanceSize?: string | undefined;
  /** The Atlas operation that told the kind, or why nothing did. */
  readonly source: 'getCluster' | 'getFlexCluster' | 'not-asked' | 'not-told';
}

const SHARED_SIZES = new Set(['M0', 'M2', 'M5']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads a cluster's kind from a `getCluster` (2024-08-05) body, the way the Atlas CLI and
 * the Terraform provider do: a region config with `providerName: TENANT` is a shared
 * cluster (M0/M2/M5), `providerName: FLEX` a Flex cluster (one created through
 * createCluster or migrated from M2/M5), any cloud provider a dedicated one. Pure.
 */
export function classifyClusterDescription(body: unknown): ClusterKindFinding {
  const cluster = record(body);
  if (cluster === undefined) return { kind: 'unknown', source: 'not-told' };
  const specs = [cluster.replicationSpecs, cluster.effectiveReplicationSpecs].flatMap((list) => (Array.isArray(list) ? list : []));
  const configs = specs.flatMap((spec) => {
    const list = record(spec)?.regionConfigs;
    return Array.isArray(list) ? list.map(record).filter((config) => config !== undefined) : [];
  });
  for (const config of configs) {
    const provider = typeof config.providerName === 'string' ? config.providerName.toUpperCase() : undefined;
    const electable = record(config.electableSpecs) ?? record(config.effectiveElectableSpecs);
    const size = typeof electable?.instanceSize === 'string' ? electable.instanceSize : undefined;
    if (provider === 'TENANT') return { kind: 'shared', instanceSize: size, source: 'getCluster' };
    if (provider === 'FLEX') return { kind: 'flex', instanceSize: size, source: 'getCluster' };
    // A tenant size without a TENANT provider still means a shared cluster (older answers).
    if (size !== undefined && SHARED_SIZES.has(size.toUpperCase())) return { kind: 'shared', instanceSize: size, source: 'getCluster' };
    if (provider !== undefined) return { kind: 'dedicated', instanceSize: size, source: 'getCluster' };
  }
  return { kind: 'unknown', source: 'not-told' };
}

/** The parts of an Atlas refusal that tell whether the other route may help. */
export interface AtlasRefusal {
  readonly status: number;
  readonly errorCode: string | undefined;
}

/**
 * Whether Atlas's refusal of a request on `route` contradicts the route decision (the
 * endpoint is gone, or the cluster is of the other kind), and so the other route may be
 * tried once. Returns the reason in words, or undefined when it does not. Only 4xx
 * refusals qualify, which cannot have created a job, so a fallback never duplicates work.
 */
export function contradictionReason(route: Route, refusal: AtlasRefusal): string | undefined {
  const { status, errorCode } = refusal;
  if (route === 'tenant') {
    if (errorCode === ATLAS_ERROR_CODES.flexInClusterApi) return 'the cluster is a Flex cluster the tenant endpoint does not serve';
    if (status === 404 || status === 410) return `the tenant endpoint answered HTTP ${status}${errorCode ? ` ${errorCode}` : ''}, as a removed endpoint does`;
    if (status === 406) return 'the tenant endpoint no longer accepts its version';
    return undefined;
  }
  if (errorCode === ATLAS_ERROR_CODES.nonFlexInFlexApi) return 'the cluster is not a Flex cluster';
  return undefined;
}

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

/** The download endpoint a route calls for a cluster. Pure. */
export function endpointFor(route: Route, target: { readonly groupId: string; readonly clusterName: string }): RouteEndpoint {
  const operationId = operationFor(route, 'download');
  return { method: 'POST', path: atlasPath(operationId, target), operationId, mediaType: ATLAS_OPERATIONS[operationId].mediaType };
}

/** A {@link RouteDecision} from the policy's answer, the cluster it is for and how its kind was found. Pure. */
export function toRouteDecision(
  policy: RoutePolicyDecision,
  target: { readonly groupId: string; readonly clusterName: string },
  finding: ClusterKindFinding,
): RouteDecision {
  // Every field written out: in Node 20 each property added after a spread costs about a microsecond.
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
    endpoint: endpointFor(policy.route, target),
    clusterKindSource: finding.source,
    instanceSize: finding.instanceSize,
    fallback: undefined,
  };
}

/** The decision after a fallback to `fallback.to`. Pure. */
export function withFallback(decision: RouteDecision, fallback: RouteFallback): RouteDecision {
  return {
    ...decision,
    route: fallback.to,
    endpoint: endpointFor(fallback.to, decision),
    reason: `${decision.reason} Atlas refused the ${fallback.from} endpoint (${fallback.reason}), so the ${fallback.to} endpoint was used once instead.`,
    fallbackRoute: undefined,
    fallback,
  };
}
