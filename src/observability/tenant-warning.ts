// The function's own subpath: the package root loads every date-fns function, a quarter of a second at cold start.
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import type { ShimLog } from './shim-logger.js';

/** The stable `code` of the process warning emitted when a call still goes to the deprecated tenant endpoint. */
export const TENANT_ENDPOINT_WARNING_CODE = 'ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT';

/** What the tenant-endpoint warning says, and the facts it says it from. */
export interface TenantEndpointNotice {
  /** The warning's text. */
  readonly message: string;
  /** The sunset as written in the text: `YYYY-MM-DD` for a midnight-UTC sunset, else the full ISO instant. */
  readonly sunset: string;
  /** Calendar days (UTC) from `now` to the sunset; negative once it has passed. */
  readonly daysLeft: number;
}

// The sunset is a UTC date (`x-sunset: 2026-01-22`): count calendar days in UTC, whatever the machine's time zone.
const utcCalendarDay = (date: Date): Date => new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());

function sunsetText(sunsetDate: Date): string {
  const iso = sunsetDate.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function daysText(daysLeft: number): string {
  if (daysLeft > 1) return `${daysLeft} days left`;
  if (daysLeft === 1) return '1 day left';
  if (daysLeft === 0) return 'it ends today';
  return daysLeft === -1 ? '1 day ago' : `${-daysLeft} days ago`;
}

/**
 * The text of the tenant-endpoint warning for a call at `now`: names the deprecated
 * endpoint, the sunset date and the days left (or, past the sunset, how long ago it was),
 * and what to move to. Pure.
 */
export function tenantEndpointNotice(now: Date, sunsetDate: Date): TenantEndpointNotice {
  const sunset = sunsetText(sunsetDate);
  const daysLeft = differenceInCalendarDays(utcCalendarDay(sunsetDate), utcCalendarDay(now));
  const message =
    now < sunsetDate
      ? `Atlas snapshot downloads still go to the deprecated shared-tier endpoint downloadClusterBackupTenant ` +
        `(/backup/tenant/), which Atlas sunsets on ${sunset}: ${daysText(daysLeft)}. ` +
        `With route 'auto' the shim moves these calls to the Flex endpoint downloadFlexBackup at the sunset; ` +
        `code that calls the tenant endpoint directly must move before then.`
      : `Atlas snapshot downloads still go to the shared-tier endpoint downloadClusterBackupTenant (/backup/tenant/), ` +
        `sunset on ${sunset} (${daysText(daysLeft)}), because allowSunsetEndpoint is set; use the Flex endpoint downloadFlexBackup.`;
  return { message, sunset, daysLeft };
}

// Once per process, not per shim: an application creates shims freely, and one warning says all there is to say.
let warned = false;

/**
 * Emits the tenant-endpoint `DeprecationWarning` (code `ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT`)
 * the first time it is called in this process (module instance), and does nothing after.
 * It is called when, before the sunset, a call's route decision is the tenant route or a
 * fallback lands on it: from the facade and from both drop-in adapters (legacy-client and
 * undici), which decide through the same core, since their callers' code is exactly what
 * must move before the sunset. `explainRoute` sends nothing and does not trigger it.
 * Node's flags apply as to any deprecation: `--no-deprecation` silences it, and
 * `--throw-deprecation` makes that first call throw it. Returns whether it emitted.
 */
export function warnTenantEndpointOnce(notice: TenantEndpointNotice): boolean {
  if (warned) return false;
  warned = true;
  process.emitWarning(notice.message, { type: 'DeprecationWarning', code: TENANT_ENDPOINT_WARNING_CODE });
  return true;
}

/** Whether the warning was already emitted in this process: then there is nothing left to compute for it. */
export function tenantEndpointWarned(): boolean {
  return warned;
}

/** Test only (not exported from the package root): lets the next call warn again. */
export function resetTenantEndpointWarningForTests(): void {
  warned = false;
}

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
