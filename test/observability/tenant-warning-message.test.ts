import { afterEach, describe, expect, it } from 'vitest';
import { TENANT_ENDPOINT_WARNING_CODE, tenantEndpointNotice } from '../../src/observability/tenant-warning.js';

const SUNSET = new Date('2026-01-22T00:00:00Z');
const originalTz = process.env.TZ;

afterEach(() => {
  process.env.TZ = originalTz;
});

describe('tenantEndpointNotice', () => {
  it('names the endpoint, the sunset date and the days left', () => {
    const notice = tenantEndpointNotice(new Date('2026-01-10T12:00:00Z'), SUNSET);
    expect(notice).toMatchObject({ sunset: '2026-01-22', daysLeft: 12 });
    expect(notice.message).toContain('downloadClusterBackupTenant');
    expect(notice.message).toContain('sunsets on 2026-01-22: 12 days left');
    expect(notice.message).toContain('downloadFlexBackup');
  });

  it.each([
    ['2026-01-20T23:59:59Z', 2, '2 days left'],
    ['2026-01-21T00:00:00Z', 1, '1 day left'],
    ['2026-01-21T23:59:59Z', 1, '1 day left'],
    ['2025-01-22T00:00:00Z', 365, '365 days left'],
  ])('at %s: %i (%s)', (now, daysLeft, text) => {
    const notice = tenantEndpointNotice(new Date(now), SUNSET);
    expect(notice.daysLeft).toBe(daysLeft);
    expect(notice.message).toContain(`: ${text}.`);
  });

  it('counts UTC calendar days, whatever the time zone of the machine', () => {
    const now = new Date('2026-01-21T20:00:00Z');
    // In Los Angeles that instant is the 21st at noon, and the sunset the 21st at 16:00; in Kiritimati (UTC+14) the 22nd and the 22nd.
    for (const zone of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
      process.env.TZ = zone;
      expect(tenantEndpointNotice(now, SUNSET).daysLeft, zone).toBe(1);
    }
  });

  it('a sunset that is not at midnight UTC is named by its instant, and the day itself says it ends today', () => {
    const noon = new Date('2026-03-01T12:00:00Z');
    const notice = tenantEndpointNotice(new Date('2026-03-01T08:00:00Z'), noon);
    expect(notice).toMatchObject({ sunset: '2026-03-01T12:00:00.000Z', daysLeft: 0 });
    expect(notice.message).toContain('sunsets on 2026-03-01T12:00:00.000Z: it ends today.');
  });

  it('after the sunset (allowSunsetEndpoint), says how long ago, not days left', () => {
    const notice = tenantEndpointNotice(new Date('2026-02-10T12:00:00Z'), SUNSET);
    expect(notice.daysLeft).toBe(-19);
    expect(notice.message).toContain('sunset on 2026-01-22 (19 days ago)');
    expect(notice.message).toContain('allowSunsetEndpoint');
    expect(notice.message).not.toContain('left');
    expect(tenantEndpointNotice(new Date('2026-01-23T00:00:00Z'), SUNSET).message).toContain('(1 day ago)');
  });

  it('has a stable code', () => {
    expect(TENANT_ENDPOINT_WARNING_CODE).toBe('ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT');
  });
});
