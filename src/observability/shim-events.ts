import type { Route, RouteDecision } from '../routing/route-policy.js';

/** A flag source answered something that is not a route flag; the call routed as `auto`. */
export interface FlagInvalidEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'flag-invalid';
  /** The project (24 hex) the flag was asked for. */
  readonly groupId: string;
  /** The cluster the flag was asked for. */
  readonly clusterName: string;
  /** A short, safe description of what the flag source answered. */
  readonly received: string;
  /** The flag the call routed with instead: always `auto`. */
  readonly usedFlag: 'auto';
}

/** A flag source threw or did not answer in time; the call routed as `auto`. */
export interface FlagFailedEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'flag-failed';
  /** The project (24 hex) the flag was asked for. */
  readonly groupId: string;
  /** The cluster the flag was asked for. */
  readonly clusterName: string;
  /** `threw`: the flag source threw or rejected; `timeout`: it did not answer within `flagTimeoutMs`. */
  readonly reason: 'threw' | 'timeout';
  /** What went wrong: the error's message (the flag source's own words), or the timeout. */
  readonly message: string;
  /** The flag the call routed with instead: always `auto`. */
  readonly usedFlag: 'auto';
}

/** Atlas contradicted a route decision and the other route was used once. */
export interface RouteFallbackEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'route-fallback';
  /** The decision after the fallback: `route` is the one used, `fallback` says from where and why. */
  readonly decision: RouteDecision;
}

/** A drop-in adapter served a deprecated tenant operation through the Flex endpoints. */
export interface LegacyRewriteEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'legacy-rewrite';
  /** The tenant operation the caller asked for. */
  readonly operationId: string;
  /** The HTTP method of the caller's request (`GET` or `POST`). */
  readonly method: string;
  /** The tenant path the caller asked for (no query). */
  readonly fromPath: string;
  /** The Flex path that served it (no query). */
  readonly toPath: string;
  /** The route that served it: always `flex` for a rewrite. */
  readonly route: Route;
}

/**
 * The download request failed in a way that may have created its job anyway (the
 * connection broke after it was sent, a 5xx, a success whose body was unusable), and the
 * job was found among the route's restore jobs and adopted, instead of requesting a
 * second one. The call succeeded with that job; this says it took a detour to get there.
 */
export interface DownloadAdoptedEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'download-adopted';
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster (or Flex instance) whose snapshot was requested. */
  readonly clusterName: string;
  /** The snapshot whose download was requested. */
  readonly snapshotId: string;
  /** The endpoint family the request went to, whose restore jobs were searched. */
  readonly route: Route;
  /** The id of the restore job adopted: the one the call answered with. */
  readonly jobId: string;
  /**
   * Why the request was ambiguous, in a few words: a connection error code
   * (`'ECONNRESET'`, `'UND_ERR_HEADERS_TIMEOUT'`), `'HTTP 503'`, or a success whose body
   * could not be read. Never a header, a body or a URL.
   */
  readonly failure: string;
  /** HTTP status of the failed request, when Atlas answered one; undefined when the connection broke first. */
  readonly status: number | undefined;
}

/**
 * A poll of a download job failed after the retries of its call (Atlas or the way to it
 * answered 5xx, 429, something other than JSON, or not at all), and the wait goes on: it
 * ends only when `maxMissedPolls` + 1 polls in a row fail (with `JobPollError`).
 */
export interface PollMissedEvent {
  /** Tells this event apart from the others of {@link ShimEvent}. */
  readonly type: 'poll-missed';
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster (or Flex instance) of the job. */
  readonly clusterName: string;
  /** The restore job being waited for. */
  readonly jobId: string | undefined;
  /** The endpoint family of the job. */
  readonly route: Route;
  /** Failed polls in a row, this one included. */
  readonly missedPolls: number;
  /** How many in a row the wait tolerates. */
  readonly maxMissedPolls: number;
  /** The failure in a few words: the error's class, the HTTP status and Atlas's `errorCode` or the connection's code when there are. Never a body or a URL. */
  readonly failure: string;
  /** HTTP status of the failed poll's last answer, when there was one. */
  readonly status: number | undefined;
}

/** Everything the shim reports through the `onEvent` option. */
export type ShimEvent = FlagInvalidEvent | FlagFailedEvent | RouteFallbackEvent | LegacyRewriteEvent | DownloadAdoptedEvent | PollMissedEvent;

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
