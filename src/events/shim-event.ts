import type { RouteDecision } from '../facade/route-decision.js';
import type { Route } from '../policy/types.js';

/** A flag source answered something that is not a route flag; the call routed as `auto`. */
export interface FlagInvalidEvent {
  readonly type: 'flag-invalid';
  readonly groupId: string;
  readonly clusterName: string;
  /** A short, safe description of what the flag source answered. */
  readonly received: string;
  readonly usedFlag: 'auto';
}

/** A flag source threw or did not answer in time; the call routed as `auto`. */
export interface FlagFailedEvent {
  readonly type: 'flag-failed';
  readonly groupId: string;
  readonly clusterName: string;
  readonly reason: 'threw' | 'timeout';
  readonly message: string;
  readonly usedFlag: 'auto';
}

/** Atlas contradicted a route decision and the other route was used once. */
export interface RouteFallbackEvent {
  readonly type: 'route-fallback';
  readonly decision: RouteDecision;
}

/** A drop-in adapter served a deprecated tenant operation through the Flex endpoints. */
export interface LegacyRewriteEvent {
  readonly type: 'legacy-rewrite';
  /** The tenant operation the caller asked for. */
  readonly operationId: string;
  readonly method: string;
  /** The tenant path the caller asked for (no query). */
  readonly fromPath: string;
  /** The Flex path that served it (no query). */
  readonly toPath: string;
  readonly route: Route;
}

/** Everything the shim reports through the `onEvent` option. */
export type ShimEvent = FlagInvalidEvent | FlagFailedEvent | RouteFallbackEvent | LegacyRewriteEvent;

/** Receives events; a listener that throws is ignored, so reporting never breaks a download. */
export type ShimEventListener = (event: ShimEvent) => void;

/** Calls `listener` with `event`, swallowing anything it throws. */
export function emitEvent(listener: ShimEventListener | undefined, event: ShimEvent): void {
  if (listener === undefined) return;
  try {
    listener(event);
  } catch {
    // A broken listener must not fail the call it observes.
  }
}
