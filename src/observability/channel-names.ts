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
