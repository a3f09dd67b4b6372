import { ValidationError } from '../errors/validation-error.js';
import { emitEvent, type ShimEventListener } from '../events/shim-event.js';
import { ROUTE_FLAGS, type RouteFlag } from '../policy/types.js';
import { describeValue } from '../validation/describe-value.js';
import type { RouteFlagContext, RouteFlagSource } from './shim-options.js';

/** True when `value` is one of the three route flags. */
export function isRouteFlag(value: unknown): value is RouteFlag {
  return typeof value === 'string' && (ROUTE_FLAGS as readonly string[]).includes(value);
}

/** How a flag source is asked. */
export interface FlagEvaluation {
  readonly strict: boolean;
  readonly timeoutMs: number;
  readonly onEvent: ShimEventListener | undefined;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The flag source's answer for one call's context (a static flag needs no evaluation: the
 * caller uses it as it is). A flag never routes silently: an answer that is not a route flag routes as
 * `auto` and is reported (or, with `strict`, is a `ValidationError`); a source that throws
 * or does not answer within `timeoutMs` routes as `auto` and is reported.
 */
export async function evaluateFlag(source: RouteFlagSource, context: RouteFlagContext, how: FlagEvaluation): Promise<RouteFlag> {
  const target = { groupId: context.groupId, clusterName: context.clusterName };
  let timer: NodeJS.Timeout | undefined;
  let value: unknown;
  try {
    value = await Promise.race([
      Promise.resolve().then(() => source(context)),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), how.timeoutMs);
      }),
    ]);
  } catch (error) {
    emitEvent(how.onEvent, { type: 'flag-failed', ...target, reason: 'threw', message: error instanceof Error ? error.message : String(error), usedFlag: 'auto' });
    return 'auto';
  } finally {
    clearTimeout(timer);
  }
  if (value === TIMED_OUT) {
    emitEvent(how.onEvent, { type: 'flag-failed', ...target, reason: 'timeout', message: `no answer within ${how.timeoutMs} ms`, usedFlag: 'auto' });
    return 'auto';
  }
  if (isRouteFlag(value)) return value;
  if (how.strict) throw new ValidationError('route flag', "'auto', 'tenant' or 'flex'", describeValue(value));
  emitEvent(how.onEvent, { type: 'flag-invalid', ...target, received: describeValue(value), usedFlag: 'auto' });
  return 'auto';
}
