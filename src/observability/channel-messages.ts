import type { DownloadAdoptedEvent } from '../events/shim-event.js';
import type { ClusterKind, Route, RouteFlag } from '../policy/types.js';

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
  /** Moving average of this call's transfer rate, in bytes per second. */
  readonly bytesPerSecond: number;
}
