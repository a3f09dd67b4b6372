import { SunsetError } from '../errors/sunset-error.js';
import { UnsupportedClusterError } from '../errors/unsupported-cluster-error.js';
import type { ClusterKind, Route, RouteFlag, RoutePolicyDecision, RoutePolicyInput } from './types.js';

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
 * @throws {UnsupportedClusterError} for a dedicated cluster.
 * @throws {SunsetError} for the tenant flag at or after the sunset without `allowSunsetEndpoint`.
 */
export function decideRoute(input: RoutePolicyInput, subject: RouteSubject = {}): RoutePolicyDecision {
  const { clusterKind, now, sunsetDate, flag } = input;
  // Comparing two instants needs no date library, whose import costs the cold start. Written
  // as "not before", as date-fns's isBefore read it: an invalid date counts as after the sunset.
  const afterSunset = !(now.getTime() < sunsetDate.getTime());
  const when = afterSunset ? 'at or after' : 'before';
  const decided = (route: Route, reason: string, fallbackRoute: Route | undefined): RoutePolicyDecision =>
    decision(clusterKind, flag, sunsetDate, afterSunset, route, reason, fallbackRoute);

  if (clusterKind === 'dedicated') {
    throw new UnsupportedClusterError(subject.groupId ?? '', subject.clusterName ?? '', subject.instanceSize);
  }

  if (flag === 'flex') {
    return decided(
      'flex',
      `The route flag is 'flex': downloadFlexBackup is used for every cluster kind.`,
      // A flex flag on a cluster Atlas says is not Flex may go to the tenant endpoint once, while it exists.
      afterSunset && !input.allowSunsetEndpoint ? undefined : 'tenant',
    );
  }

  if (flag === 'tenant') {
    if (afterSunset && !input.allowSunsetEndpoint) throw new SunsetError(sunsetDate, now);
    return decided(
      'tenant',
      afterSunset
        ? `The route flag is 'tenant' and allowSunsetEndpoint is set: calling the tenant endpoint after its sunset (${sunsetDate.toISOString()}).`
        : `The route flag is 'tenant' ${when} the sunset (${sunsetDate.toISOString()}): the tenant endpoint is tried ` +
            `for a ${clusterKind} cluster, with the Flex endpoint as a fallback if Atlas refuses it.`,
      'flex',
    );
  }

  // flag === 'auto'
  if (clusterKind === 'shared' && !afterSunset) {
    return decided('tenant', `A shared M2/M5 cluster before the sunset (${sunsetDate.toISOString()}): the tenant endpoint still serves it.`, 'flex');
  }
  return decided(
    'flex',
    clusterKind === 'shared'
      ? `A shared M2/M5 cluster at or after the sunset (${sunsetDate.toISOString()}): Atlas migrated it to Flex.`
      : clusterKind === 'flex'
        ? `A Flex cluster: downloadFlexBackup serves it ${when} the sunset.`
        : `Atlas did not tell the cluster's kind: the Flex endpoint, the current one, is used.`,
    afterSunset && !input.allowSunsetEndpoint ? undefined : 'tenant',
  );
}

/**
 * One decision, every field written out: in Node 20 (V8 11.3) each property added after an
 * object spread costs about a microsecond, against nanoseconds for a literal.
 */
function decision(
  clusterKind: ClusterKind,
  flag: RouteFlag,
  sunsetDate: Date,
  afterSunset: boolean,
  route: Route,
  reason: string,
  fallbackRoute: Route | undefined,
): RoutePolicyDecision {
  return { clusterKind, flag, sunsetDate, afterSunset, route, reason, fallbackRoute };
}
