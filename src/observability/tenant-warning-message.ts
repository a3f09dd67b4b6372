// The function's own subpath: the package root loads every date-fns function, a quarter of a second at cold start.
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';

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
