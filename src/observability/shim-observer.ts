import type { AtlasClient } from '../atlas/atlas-client.js';
import type { SaveProgress, SavedSnapshot } from '../download/save-snapshot-file.js';
import type { ShimEventListener } from '../events/shim-event.js';
import type { RouteDecision } from '../facade/route-decision.js';
import type { DecisionPurpose } from './channel-messages.js';
import { observeEvents } from './observe-events.js';
import { observeRoute } from './observe-route.js';
import { logSaved, observeProgress, type SaveSubject } from './observe-save.js';
import { createShimLog, type ShimLogger } from './shim-logger.js';
import { createTenantUseReporter } from './tenant-use.js';
import { traceAtlasClient } from './trace-atlas-client.js';

/** What one shim reports through: its diagnostics channels, its `logger`, the tenant-endpoint warning. */
export interface ShimObserver {
  /** The client with every call traced and logged. */
  traceClient(client: AtlasClient): AtlasClient;
  /** A route decision was taken, for a call or for `explainRoute`. */
  routeDecided(decision: RouteDecision, purpose: DecisionPurpose): void;
  /** The listener every shim event goes through: it observes the event, then calls the `onEvent` option. */
  readonly onEvent: ShimEventListener;
  /** The `onProgress` a save should use (see `observeProgress`). */
  progressFor<T>(subject: SaveSubject, onProgress: T): T | ((progress: SaveProgress) => void);
  /** A save completed. */
  saved(subject: SaveSubject, saved: SavedSnapshot): void;
}

/** What the observer is built from: the validated options it needs. */
export interface ShimObserverOptions {
  readonly logger: ShimLogger | undefined;
  readonly onEvent: ShimEventListener | undefined;
  readonly now: () => Date;
  readonly sunsetDate: Date;
}

/** Builds one shim's observer. With no logger and no subscriber, every method costs a check and nothing more. */
export function createShimObserver(options: ShimObserverOptions): ShimObserver {
  const log = createShimLog(options.logger);
  const reportTenantUse = createTenantUseReporter({ now: options.now, sunsetDate: options.sunsetDate }, log);
  return {
    traceClient: (client) => traceAtlasClient(client, log),
    routeDecided: (decision, purpose) => observeRoute(decision, purpose, log, reportTenantUse),
    onEvent: observeEvents(options.onEvent, log, reportTenantUse),
    progressFor: (subject, onProgress) => observeProgress(subject, onProgress),
    saved: (subject, saved) => logSaved(subject, saved, log),
  };
}
