import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClusterKind, Route, RouteFlag } from '../routing/route-policy.js';
import type { DownloadAdoptedEvent, PollMissedEvent } from './shim-events.js';

/**
 * Names of the `node:diagnostics_channel` channels the shim publishes on, all under the
 * `atlas-snapshot-shim:` prefix. Subscribe with `diagnostics_channel.subscribe(name, fn)`
 * (or `tracingChannel(name).subscribe({...})` for {@link DIAGNOSTICS_CHANNELS.request}).
 * Nothing is built or published while a channel has no subscriber, so an unobserved shim
 * pays nothing. No message carries a header, a credential, a token or the query string of
 * a `snapshotUrl`.
 *
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * import { DIAGNOSTICS_CHANNELS } from 'atlas-snapshot-shim';
 *
 * diagnostics_channel.subscribe(DIAGNOSTICS_CHANNELS.route, (message) => console.log(message));
 * diagnostics_channel.tracingChannel(DIAGNOSTICS_CHANNELS.request).subscribe({
 *   asyncEnd: (request) => console.log(request.method, request.path, request.status, request.durationMs),
 *   error: (request) => console.log(request.method, request.path, 'failed', request.errorCode),
 * });
 * ```
 */
export const DIAGNOSTICS_CHANNELS = {
  /**
   * A plain channel. One `RouteChannelMessage` per route decision: each call of the
   * facade or an adapter (`purpose: 'call'`) and each `explainRoute` (`'explain'`).
   */
  route: 'atlas-snapshot-shim:route',
  /**
   * A tracing channel (`tracingChannel(name)`: `start`, `end`, `asyncStart`, `asyncEnd`,
   * `error`). One trace per Atlas Admin API call the shim itself sends (cluster-kind
   * look-ups, download requests, job reads, adapter rewrites), retries included in the one
   * trace; not the OAuth token request, nor a caller's request the undici adapter lets
   * through untouched. Every event of a trace carries the same `AtlasRequestMessage`
   * object, with `status`, `durationMs` and `attempt` filled in by `error` (failures) and
   * `asyncEnd` (every trace).
   */
  request: 'atlas-snapshot-shim:request',
  /** A plain channel. One `RetryChannelMessage` each time a failed attempt is about to be retried. */
  retry: 'atlas-snapshot-shim:retry',
  /** A plain channel. One `FallbackChannelMessage` each time Atlas contradicted a route decision and the other route was used once. */
  fallback: 'atlas-snapshot-shim:fallback',
  /**
   * A plain channel. One `AdoptChannelMessage` each time a download request failed in a
   * way that may have created its job anyway, and the job was found and adopted instead
   * of requesting a second one: the same facts as the `download-adopted` event.
   */
  adopt: 'atlas-snapshot-shim:adopt',
  /** A plain channel. One `PollMissedChannelMessage` each time a poll of a download job failed after its retries and the wait went on: the facts of the `poll-missed` event. */
  pollMissed: 'atlas-snapshot-shim:poll-missed',
  /**
   * A plain channel. `ProgressChannelMessage`s during `saveSnapshot` (and `download`),
   * as often as `onProgress` is called (at most once per `progressIntervalMs`, plus a final
   * one). A save started while nobody subscribed publishes no progress, even if a
   * subscriber arrives during it.
   */
  progress: 'atlas-snapshot-shim:progress',
} as const;

/** One of the {@link DIAGNOSTICS_CHANNELS} names. */
export type DiagnosticsChannelName = (typeof DIAGNOSTICS_CHANNELS)[keyof typeof DIAGNOSTICS_CHANNELS];

/** Why a route was decided: for a call that sends it, or for `explainRoute`, which sends nothing. */
export type DecisionPurpose = 'call' | 'explain';

/** Message of the `atlas-snapshot-shim:route` channel: one route decision. */
export interface RouteChannelMessage {
  /** `'call'` when a request follows, `'explain'` for `explainRoute`. */
  readonly purpose: DecisionPurpose;
  /** The endpoint family decided: `tenant` or `flex`. */
  readonly route: Route;
  /** Why this route, in a sentence. */
  readonly reason: string;
  /** The cluster kind the decision used (`unknown` when it was not asked or could not be told). */
  readonly clusterKind: ClusterKind;
  /** The route flag the call was evaluated with (after a flag source answered). */
  readonly flag: RouteFlag;
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Whether the decision was taken at or after the tenant endpoint's sunset. */
  readonly afterSunset: boolean;
}

/**
 * Context object of the `atlas-snapshot-shim:request` tracing channel: one Atlas Admin API
 * call. The same object is passed to `start`, `end`, `asyncStart`, `asyncEnd` and `error`;
 * `status`, `durationMs` and `errorCode` are undefined at `start` and filled in once the
 * call settles. `result` is never the answer (an answer may hold a pre-signed
 * `snapshotUrl`): it stays undefined.
 */
export interface AtlasRequestMessage {
  /** HTTP method of the call. */
  readonly method: 'GET' | 'POST';
  /** Path on the Atlas origin, never a query string. */
  readonly path: string;
  /** The contract's `operationId` for the path (e.g. `downloadFlexBackup`), undefined for a path it does not know. */
  readonly operation: string | undefined;
  /** 1 for the first attempt; counts retries reported through `publishRetry` while the call ran. */
  attempt: number;
  /** HTTP status of the answer; undefined before it, and when no answer came (connection error, abort). */
  status: number | undefined;
  /** Wall time of the whole call, retries included, in milliseconds (monotonic clock). */
  durationMs: number | undefined;
  /** On failure: Atlas's `errorCode`, or the error's `code` (`ATLAS_RESPONSE`, `UND_ERR_SOCKET`, `ABORT_ERR`…). */
  errorCode: string | undefined;
  /** Set by the tracing channel on failure: the error the call rejects with (secret-free, like every error of this library). */
  error?: unknown;
  /** Set by the tracing channel on success; always undefined. */
  result?: undefined;
}

/** Message of the `atlas-snapshot-shim:retry` channel: a failed attempt about to be retried. */
export interface RetryChannelMessage {
  /** HTTP method of the retried request. */
  readonly method: string;
  /** Path of the request, never its query string. */
  readonly path: string;
  /** The contract's `operationId` for the path, undefined for a path it does not know (a snapshot host). */
  readonly operation: string | undefined;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long the retry waits before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** HTTP status of the failed attempt; undefined when no answer came. */
  readonly status: number | undefined;
  /** What failed: Atlas's `errorCode`, or the error's `code` (`ECONNRESET`, `UND_ERR_SOCKET`…); undefined when neither. */
  readonly errorCode: string | undefined;
}

/** Message of the `atlas-snapshot-shim:fallback` channel: Atlas contradicted a route decision, and the other route was used once. */
export interface FallbackChannelMessage {
  /** The route Atlas refused. */
  readonly from: Route;
  /** The route used instead, once. */
  readonly to: Route;
  /** Why, in words. */
  readonly reason: string;
  /** HTTP status of Atlas's refusal. */
  readonly status: number;
  /** `errorCode` of Atlas's refusal, when it sent one. */
  readonly errorCode: string | undefined;
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The cluster kind the first decision used. */
  readonly clusterKind: ClusterKind;
  /** The route flag the call was evaluated with. */
  readonly flag: RouteFlag;
}

/**
 * Message of the `atlas-snapshot-shim:adopt` channel: a download request failed
 * ambiguously, and the job it created was adopted instead of requesting another. The
 * fields of the `download-adopted` event, without its `type`.
 */
export type AdoptChannelMessage = Omit<DownloadAdoptedEvent, 'type'>;

/** Published on `atlas-snapshot-shim:poll-missed`: the `poll-missed` event's facts. */
export type PollMissedChannelMessage = Omit<PollMissedEvent, 'type'>;

/** Message of the `atlas-snapshot-shim:progress` channel: how far a `saveSnapshot` has come. */
export interface ProgressChannelMessage {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The snapshot being saved. */
  readonly snapshotId: string;
  /** The restore job's id, when the download object had one. */
  readonly downloadId: string | undefined;
  /** The endpoint family of the job; undefined when the download object did not name one. */
  readonly route: Route | undefined;
  /** Bytes saved so far, resumed ones included. */
  readonly bytes: number;
  /** The snapshot's size, when the host gave one. */
  readonly total: number | undefined;
  /** Moving average of this call's transfer rate, in bytes per second, over all its connections. */
  readonly bytesPerSecond: number;
  /** Connections the bytes come over: more than 1 for a save in parts, else 1. */
  readonly connections: number;
}

/** A plain channel whose messages have one shape. */
export interface TypedChannel<Message> {
  readonly hasSubscribers: boolean;
  publish(message: Message): void;
}

// Node holds channels weakly: these module-level references keep them (and their subscribers) alive.
/** The route-decision channel. */
export const routeChannel: TypedChannel<RouteChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.route);
/** The Atlas-request tracing channel. */
export const requestChannel = diagnosticsChannel.tracingChannel<unknown, AtlasRequestMessage>(DIAGNOSTICS_CHANNELS.request);
/** The retry channel. */
export const retryChannel: TypedChannel<RetryChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.retry);
/** The fallback channel. */
export const fallbackChannel: TypedChannel<FallbackChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.fallback);
/** The job-adoption channel. */
export const adoptChannel: TypedChannel<AdoptChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.adopt);
/** The `pollMissed` channel. */
export const pollMissedChannel: TypedChannel<PollMissedChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.pollMissed);
/** The save-progress channel. */
export const progressChannel: TypedChannel<ProgressChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.progress);
