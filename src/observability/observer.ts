import { performance } from 'node:perf_hooks';
import type { SaveProgress, SavedSnapshot } from '../download/save-snapshot-file.js';
import type { AtlasOperationId } from '../atlas/operations.js';
import type { Route, RouteDecision } from '../routing/route-policy.js';
import {
  adoptChannel,
  fallbackChannel,
  pollMissedChannel,
  progressChannel,
  requestChannel,
  retryChannel,
  routeChannel,
  type AtlasRequestMessage,
  type DecisionPurpose,
  type FallbackChannelMessage,
  type ProgressChannelMessage,
  type RetryChannelMessage,
  type RouteChannelMessage,
} from './channels.js';
import { emitEvent, type ShimEvent, type ShimEventListener } from './shim-events.js';
import { createShimLog, type ShimLog, type ShimLogger } from './shim-logger.js';
import { createTenantUseReporter, type ReportTenantUse } from './tenant-warning.js';

/**
 * What one shim reports, and where: its diagnostics channels (only while they have
 * subscribers), its `logger` (only when there is one), the `onEvent` listener and the
 * tenant-endpoint warning. With no logger and no subscriber, each report costs a check.
 */
export interface ShimObserver {
  /** The shim's logger, wrapped (see `createShimLog`); undefined when there is none. */
  readonly log: ShimLog | undefined;
  /** A route decision was taken, for a call (`'call'`) or for `explainRoute` (`'explain'`, which sends nothing). */
  routeDecided(decision: RouteDecision, purpose: DecisionPurpose): void;
  /** Reports an event: observed (channel, log, tenant use), then handed to the `onEvent` option. */
  emit(event: ShimEvent): void;
  /**
   * The `onProgress` a save should use: the caller's, also publishing on the progress
   * channel when it had subscribers as the save started; otherwise the caller's untouched
   * (so the saver skips progress work when nobody wants it).
   */
  progressFor<T>(subject: SaveSubject, onProgress: T): T | ((progress: SaveProgress) => void);
  /** A save completed: logged at `info`. */
  saved(subject: SaveSubject, saved: SavedSnapshot): void;
}

/** The snapshot a save is for, as the facade checked it. */
export interface SaveSubject {
  readonly groupId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  readonly downloadId: string | undefined;
  readonly route: Route | undefined;
}

/** What the observer is built from: the shim's options it needs. */
export interface ShimObserverOptions {
  readonly logger: ShimLogger | undefined;
  readonly onEvent: ShimEventListener | undefined;
  readonly now: () => Date;
  readonly sunsetDate: Date;
}

/** Builds one shim's observer. */
export function createShimObserver(options: ShimObserverOptions): ShimObserver {
  const log = createShimLog(options.logger);
  const reportTenantUse = createTenantUseReporter({ now: options.now, sunsetDate: options.sunsetDate }, log);
  return {
    log,
    routeDecided(decision, purpose) {
      if (routeChannel.hasSubscribers || log !== undefined) {
        const message: RouteChannelMessage = {
          purpose,
          route: decision.route,
          reason: decision.reason,
          clusterKind: decision.clusterKind,
          flag: decision.flag,
          groupId: decision.groupId,
          clusterName: decision.clusterName,
          afterSunset: decision.afterSunset,
        };
        if (routeChannel.hasSubscribers) routeChannel.publish(message);
        log?.info(message, purpose === 'explain' ? 'route explained' : 'route decided');
      }
      if (purpose === 'call' && decision.route === 'tenant') reportTenantUse(decision);
    },
    emit(event) {
      observe(event, log, reportTenantUse);
      emitEvent(options.onEvent, event);
    },
    progressFor(subject, onProgress) {
      if (!progressChannel.hasSubscribers || (onProgress !== undefined && typeof onProgress !== 'function')) return onProgress;
      const caller = onProgress as ((progress: SaveProgress) => void) | undefined;
      return (progress: SaveProgress) => {
        if (progressChannel.hasSubscribers) {
          const message: ProgressChannelMessage = { ...subject, bytes: progress.bytes, total: progress.total, bytesPerSecond: progress.bytesPerSecond, connections: progress.connections };
          progressChannel.publish(message);
        }
        // The caller's callback last, so what it throws still stops the save as documented.
        caller?.(progress);
      };
    },
    saved(subject, saved) {
      log?.info({ ...subject, bytes: saved.bytes, sha256: saved.sha256, path: saved.path }, 'snapshot saved');
    },
  };
}

/**
 * Observes one event: a `route-fallback` is published on the fallback channel and logged
 * at `warn` (and, when it falls back to the tenant endpoint, reported as tenant use); a
 * `download-adopted` is published on the adopt channel and logged at `warn`; a
 * `poll-missed` on its channel and logged at `warn`; flag
 * warnings are logged at `warn`; adapter rewrites at `info`.
 */
function observe(event: ShimEvent, log: ShimLog | undefined, reportTenantUse: ReportTenantUse): void {
  switch (event.type) {
    case 'route-fallback': {
      const { decision } = event;
      const fallback = decision.fallback;
      if (fallback === undefined) return;
      if (fallbackChannel.hasSubscribers || log !== undefined) {
        const message: FallbackChannelMessage = {
          from: fallback.from,
          to: fallback.to,
          reason: fallback.reason,
          status: fallback.status,
          errorCode: fallback.errorCode,
          groupId: decision.groupId,
          clusterName: decision.clusterName,
          clusterKind: decision.clusterKind,
          flag: decision.flag,
        };
        if (fallbackChannel.hasSubscribers) fallbackChannel.publish(message);
        log?.warn(message, `Atlas refused the ${fallback.from} endpoint; the ${fallback.to} endpoint was used once instead`);
      }
      if (fallback.to === 'tenant') reportTenantUse(decision);
      return;
    }
    case 'flag-invalid':
      log?.warn(
        { groupId: event.groupId, clusterName: event.clusterName, received: event.received, usedFlag: event.usedFlag },
        'the route flag source answered something that is not a route flag; routed as auto',
      );
      return;
    case 'flag-failed':
      log?.warn(
        { groupId: event.groupId, clusterName: event.clusterName, reason: event.reason, detail: event.message, usedFlag: event.usedFlag },
        event.reason === 'timeout' ? 'the route flag source did not answer in time; routed as auto' : 'the route flag source threw; routed as auto',
      );
      return;
    case 'download-adopted': {
      if (!adoptChannel.hasSubscribers && log === undefined) return;
      const { type: _type, ...message } = event;
      if (adoptChannel.hasSubscribers) adoptChannel.publish(message);
      // A warning: the call succeeded, but only because the look-up found the job; a network or Atlas problem is behind it.
      log?.warn(message, `the download request failed (${event.failure}) after it may have created a job; the job it created was adopted instead of requesting another`);
      return;
    }
    case 'poll-missed': {
      if (!pollMissedChannel.hasSubscribers && log === undefined) return;
      const { type: _type, ...message } = event;
      if (pollMissedChannel.hasSubscribers) pollMissedChannel.publish(message);
      log?.warn(message, `a poll of the download job failed (${event.failure}); the wait goes on (${event.missedPolls} of ${event.maxMissedPolls} missed polls in a row allowed)`);
      return;
    }
    case 'legacy-rewrite':
      log?.info(
        { operationId: event.operationId, method: event.method, fromPath: event.fromPath, toPath: event.toPath, route: event.route },
        'a deprecated tenant operation was served through its Flex twin',
      );
      return;
  }
}

/** One Atlas call under observation: its tracing message (retries advance its `attempt`) and the logger. */
export interface AtlasCallTrace {
  readonly message: AtlasRequestMessage;
  readonly log: ShimLog | undefined;
}

const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

/** What failed, as a short code: Atlas's `errorCode`, else the error's own `code` (Node, undici or this library). */
function failureCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errorCode, code } = error as { errorCode?: unknown; code?: unknown };
  if (typeof errorCode === 'string') return errorCode;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs one Atlas call traced on the request tracing channel (when it has subscribers) and
 * logged at `debug` (when there is a logger): method, path, operation, status, duration,
 * attempts. With neither, `run` is called with no trace and nothing is timed or built.
 * The channel's `result` stays undefined: an answer may hold a pre-signed `snapshotUrl`.
 */
export function traceAtlasCall<T extends { readonly status: number }>(
  log: ShimLog | undefined,
  call: { readonly operationId: AtlasOperationId; readonly method: 'GET' | 'POST'; readonly path: string },
  run: (trace: AtlasCallTrace | undefined) => Promise<T>,
): Promise<T> {
  return requestChannel.hasSubscribers || log !== undefined ? observeAtlasCall(log, call, run) : run(undefined);
}

async function observeAtlasCall<T extends { readonly status: number }>(
  log: ShimLog | undefined,
  call: { readonly operationId: AtlasOperationId; readonly method: 'GET' | 'POST'; readonly path: string },
  run: (trace: AtlasCallTrace | undefined) => Promise<T>,
): Promise<T> {
  const traced = requestChannel.hasSubscribers;
  const message: AtlasRequestMessage = {
    method: call.method,
    path: call.path,
    operation: call.operationId,
    attempt: 1,
    status: undefined,
    durationMs: undefined,
    errorCode: undefined,
  };
  const trace = { message, log };
  const started = performance.now();
  let answer: T | undefined;
  const observed = async (): Promise<void> => {
    try {
      answer = await run(trace);
      message.status = answer.status;
    } catch (error) {
      const status = (error as { status?: unknown } | null)?.status;
      message.status = typeof status === 'number' ? status : undefined;
      message.errorCode = failureCodeOf(error);
      throw error;
    } finally {
      message.durationMs = roundMs(performance.now() - started);
      const { method, path, operation, status, durationMs, attempt, errorCode } = message;
      log?.debug({ method, path, operation, status, durationMs, attempt, ...(errorCode ? { errorCode } : {}) }, answer ? 'Atlas request answered' : 'Atlas request failed');
    }
  };
  await (traced ? requestChannel.tracePromise(observed, message) : observed());
  return answer as T;
}

/**
 * Reports a failed attempt about to be retried: on the retry channel (when it has
 * subscribers), and, for a traced call, as the call's next attempt and a `debug` record.
 */
export function reportRetry(trace: AtlasCallTrace | undefined, retry: Omit<RetryChannelMessage, 'path' | 'method' | 'operation'>, call: { readonly operationId: AtlasOperationId; readonly method: string; readonly path: string }): void {
  if (!retryChannel.hasSubscribers && trace === undefined) return;
  const message: RetryChannelMessage = { method: call.method, path: call.path, operation: call.operationId, ...retry };
  if (trace !== undefined) {
    trace.message.attempt = Math.max(trace.message.attempt, retry.attempt + 1);
    trace.log?.debug(message, 'Atlas request retried');
  }
  if (retryChannel.hasSubscribers) retryChannel.publish(message);
}
