/**
 * A route flag source backed by an OpenFeature client, so the route can be targeted per
 * environment, project or cluster from whatever flag service the application already uses.
 *
 * `@openfeature/server-sdk` is an optional peer: this module imports its types only, so
 * loading it (or the core) never requires the package; the caller brings the client.
 *
 * @packageDocumentation
 */
import type { Client, EvaluationContext } from '@openfeature/server-sdk';
import { z } from 'zod';
import { isRouteFlag, type RouteFlag } from '../src/routing/route-policy.js';
import type { RouteFlagContext, RouteFlagSource } from '../src/routing/router.js';
import { check, checkOptional, checkOptionsObject, rule } from '../src/validation.js';

/** The flag key {@link openFeatureFlag} evaluates unless told otherwise. */
export const DEFAULT_ROUTE_FLAG_KEY = 'atlas-snapshot-route';

// OpenFeature's `ErrorCode.FLAG_NOT_FOUND`, as a string: the enum is a runtime value of the optional peer.
const FLAG_NOT_FOUND = 'FLAG_NOT_FOUND';

const CLIENT = rule(
  z.custom<Pick<Client, 'getStringDetails'>>((value) => typeof (value as Partial<Client> | null)?.getStringDetails === 'function'),
  'an OpenFeature client (OpenFeature.getClient())',
);
const FLAG_KEY = rule(z.string().min(1), 'a non-empty string');
const ROUTE_FLAG = rule(z.custom<RouteFlag>(isRouteFlag), "'auto', 'tenant' or 'flex'");

/** Options of {@link openFeatureFlag}. */
export interface OpenFeatureFlagOptions {
  /** The string flag to evaluate. Default `'atlas-snapshot-route'`. */
  readonly flagKey?: string;
  /** What the client answers when the flag is missing or its evaluation fails. Default `'auto'`. */
  readonly defaultValue?: RouteFlag;
}

/**
 * A flag source that evaluates a string flag with an OpenFeature client at each call.
 *
 * The evaluation context is the call's: `targetingKey` is `<groupId>/<clusterName>`, with
 * `groupId`, `clusterName`, and `environment` and `appVersion` when the shim has them, so a
 * provider can target by any of them.
 *
 * The answer is returned as the provider gave it: one that is not a route flag makes the
 * shim route as `auto` and report `flag-invalid` (or refuse the call with `strictFlags`).
 * A flag the provider does not know (`FLAG_NOT_FOUND`) answers `defaultValue`: leaving the
 * flag unset for an environment is a configuration, not a failure. Any other evaluation
 * error (provider not ready or failed, type mismatch, parse error, …) is thrown as an
 * `Error` naming the OpenFeature error code, so the shim routes the call as `auto` and
 * reports `flag-failed`: a broken flag service never routes silently.
 *
 * @param client - an OpenFeature client (`OpenFeature.getClient()`); only `getStringDetails` is used.
 * @throws {ValidationError} at creation, when the client has no `getStringDetails`, or an option is of the wrong kind.
 */
export function openFeatureFlag(client: Pick<Client, 'getStringDetails'>, options: OpenFeatureFlagOptions = {}): RouteFlagSource {
  check('client', client, CLIENT);
  const given = checkOptionsObject('options', options);
  const flagKey = checkOptional('options.flagKey', given.flagKey, FLAG_KEY) ?? DEFAULT_ROUTE_FLAG_KEY;
  const defaultValue = checkOptional('options.defaultValue', given.defaultValue, ROUTE_FLAG) ?? 'auto';
  return async (context: RouteFlagContext) => {
    const details = await client.getStringDetails(flagKey, defaultValue, evaluationContextOf(context));
    if (details.errorCode !== undefined && String(details.errorCode) !== FLAG_NOT_FOUND) {
      throw new Error(`OpenFeature could not evaluate '${flagKey}' (${details.errorCode}${details.errorMessage ? `: ${details.errorMessage}` : ''})`);
    }
    // Not narrowed on purpose: the shim checks every source's answer and reports a wrong one.
    return details.value as RouteFlag;
  };
}

/** The OpenFeature evaluation context of one call; absent values are left out, as OpenFeature has no `undefined`. */
function evaluationContextOf(context: RouteFlagContext): EvaluationContext {
  return {
    targetingKey: `${context.groupId}/${context.clusterName}`,
    groupId: context.groupId,
    clusterName: context.clusterName,
    ...(context.environment === undefined ? {} : { environment: context.environment }),
    ...(context.appVersion === undefined ? {} : { appVersion: context.appVersion }),
  };
}
