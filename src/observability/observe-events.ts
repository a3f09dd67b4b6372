import { emitEvent, type ShimEvent, type ShimEventListener } from '../events/shim-event.js';
import type { AdoptChannelMessage, FallbackChannelMessage } from './channel-messages.js';
import { adoptChannel, fallbackChannel } from './channels.js';
import type { ShimLog } from './shim-logger.js';
import type { ReportTenantUse } from './tenant-use.js';

/**
 * Wraps the `onEvent` listener so every event the shim reports is also observed:
 * a `route-fallback` is published on `atlas-snapshot-shim:fallback` and logged at `warn`
 * (and, when it falls back to the tenant endpoint, reported as tenant use); a
 * `download-adopted` is published on `atlas-snapshot-shim:adopt` and logged at `warn`;
 * flag warnings are logged at `warn`; adapter rewrites at `info`. Then the caller's
 * listener gets the event, as before.
 */
export function observeEvents(listener: ShimEventListener | undefined, log: ShimLog | undefined, reportTenantUse: ReportTenantUse): ShimEventListener {
  return (event) => {
    observe(event, log, reportTenantUse);
    emitEvent(listener, event);
  };
}

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
      const published: AdoptChannelMessage = message;
      if (adoptChannel.hasSubscribers) adoptChannel.publish(published);
      // A warning: the call succeeded, but only because the look-up found the job; a network or Atlas problem is behind it.
      log?.warn(published, `the download request failed (${event.failure}) after it may have created a job; the job it created was adopted instead of requesting another`);
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
