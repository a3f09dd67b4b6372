import { ValidationError } from '../errors/validation-error.js';
import { ROUTE_FLAGS, type RouteFlag } from '../policy/types.js';
import { describeValue } from '../validation/describe-value.js';
import type { RouteFlagContext, RouteFlagSource } from './shim-options.js';

/** True when `value` is one of the three route flags. */
export function isRouteFlag(value: unknown): value is RouteFlag {
  return typeof value === 'string' && (ROUTE_FLAGS as readonly string[]).includes(value);
}

/**
 * The route flag for one call: the static value, or the flag source's answer for this
 * context.
 *
 * @throws {ValidationError} when a flag source answers something that is not a route flag.
 */
export async function evaluateFlag(source: RouteFlag | RouteFlagSource, context: RouteFlagContext): Promise<RouteFlag> {
  if (typeof source !== 'function') return source;
  const value: unknown = await source(context);
  if (!isRouteFlag(value)) throw new ValidationError('route flag', "'auto', 'tenant' or 'flex'", describeValue(value));
  return value;
}
