import type { ShimLog } from './shim-logger.js';
import { TENANT_ENDPOINT_WARNING_CODE, tenantEndpointNotice } from './tenant-warning-message.js';
import { tenantEndpointWarned, warnTenantEndpointOnce } from './tenant-warning.js';

/** The clock and sunset the tenant-endpoint notice is computed from. */
export interface TenantUseClock {
  readonly now: () => Date;
  readonly sunsetDate: Date;
}

/** Reports that a call for this cluster goes to the deprecated tenant endpoint. */
export type ReportTenantUse = (target: { readonly groupId: string; readonly clusterName: string }) => void;

/**
 * One shim's tenant-use reporter. Each call to the tenant endpoint: before the sunset, the
 * once-per-process `DeprecationWarning`; and a `warn` record naming the cluster, the sunset
 * and the days left (after the sunset too: only `allowSunsetEndpoint` gets a call there).
 * The record is written once per cluster and day left, so an adapter polling a tenant job
 * does not flood the log, and a long-running process is still reminded daily as the count drops.
 */
export function createTenantUseReporter(clock: TenantUseClock, log: ShimLog | undefined): ReportTenantUse {
  const logged = new Set<string>();
  return (target) => {
    // Warned already and nothing to log: each later tenant call costs this one check.
    if (log === undefined && tenantEndpointWarned()) return;
    const now = clock.now();
    const notice = tenantEndpointNotice(now, clock.sunsetDate);
    if (now < clock.sunsetDate) warnTenantEndpointOnce(notice);
    if (log === undefined) return;
    const key = JSON.stringify([target.groupId, target.clusterName, notice.daysLeft]);
    if (logged.has(key)) return;
    logged.add(key);
    log.warn(
      { groupId: target.groupId, clusterName: target.clusterName, sunset: notice.sunset, daysLeft: notice.daysLeft, code: TENANT_ENDPOINT_WARNING_CODE },
      notice.message,
    );
  };
}
