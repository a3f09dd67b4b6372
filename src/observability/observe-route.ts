import type { RouteDecision } from '../facade/route-decision.js';
import type { DecisionPurpose, RouteChannelMessage } from './channel-messages.js';
import { routeChannel } from './channels.js';
import type { ShimLog } from './shim-logger.js';
import type { ReportTenantUse } from './tenant-use.js';

/**
 * Observes one route decision: publishes it on `atlas-snapshot-shim:route` (when it has
 * subscribers), logs it at `info`, and, when a call (not `explainRoute`) goes to the tenant
 * endpoint, reports the tenant use (the process warning before the sunset, a `warn` record).
 */
export function observeRoute(decision: RouteDecision, purpose: DecisionPurpose, log: ShimLog | undefined, reportTenantUse: ReportTenantUse): void {
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
}
