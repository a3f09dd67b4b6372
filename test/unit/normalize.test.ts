import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/shim-error.js';
import { normalizeFlexRestoreJob, normalizeTenantRestore } from '../../src/model/normalize.js';

const tenant = {
  clusterName: 'legacy-m2',
  deliveryType: 'DOWNLOAD',
  expirationDate: '2026-01-10T16:00:00Z',
  id: '32b6e34b3d91647abb20e7b8',
  links: [{ href: 'https://cloud.mongodb.com/api/atlas', rel: 'self' }],
  projectId: '32b6e34b3d91647abb20e7b9',
  restoreFinishedDate: '2026-01-10T12:00:05Z',
  restoreScheduledDate: '2026-01-10T12:00:00Z',
  snapshotFinishedDate: '2026-01-09T03:00:00Z',
  snapshotId: '32b6e34b3d91647abb20e7ba',
  snapshotUrl: 'https://example.invalid/snap.tar.gz?token=abc',
  status: 'COMPLETED',
  targetDeploymentItemName: 'legacy-m2',
  targetProjectId: '32b6e34b3d91647abb20e7b9',
};

describe('normalizeTenantRestore', () => {
  it('keeps the shared field names, turns dates into Dates, and keeps the body as raw', () => {
    const model = normalizeTenantRestore(tenant);
    expect(model).toMatchObject({
      route: 'tenant',
      id: tenant.id,
      clusterName: 'legacy-m2',
      status: 'COMPLETED',
      deliveryType: 'DOWNLOAD',
      snapshotUrl: tenant.snapshotUrl,
      targetDeploymentItemName: 'legacy-m2',
      links: tenant.links,
    });
    expect(model.expirationDate).toEqual(new Date('2026-01-10T16:00:00Z'));
    expect(model.restoreScheduledDate?.toISOString()).toBe('2026-01-10T12:00:00.000Z');
    expect(model.raw).toBe(tenant);
  });
  it('passes unknown statuses and delivery types through', () => {
    const model = normalizeTenantRestore({ ...tenant, status: 'CLOSED', deliveryType: 'STREAM' });
    expect(model.status).toBe('CLOSED');
    expect(model.deliveryType).toBe('STREAM');
  });
  it('accepts the minimum body and reads missing fields as undefined', () => {
    const model = normalizeTenantRestore({ snapshotId: tenant.snapshotId, targetDeploymentItemName: 'x' });
    expect(model).toMatchObject({ route: 'tenant', id: undefined, status: undefined, snapshotUrl: undefined, links: [] });
  });
  it('keeps extra fields in raw only', () => {
    const model = normalizeTenantRestore({ ...tenant, futureField: { a: 1 } });
    expect(model.raw.futureField).toEqual({ a: 1 });
    expect(model).not.toHaveProperty('futureField');
  });
  it('reads wrongly typed or unparseable fields as absent instead of failing', () => {
    const model = normalizeTenantRestore({ ...tenant, status: 7, expirationDate: 'not a date', links: 'nope', id: null });
    expect(model).toMatchObject({ status: undefined, expirationDate: undefined, links: [], id: undefined, clusterName: 'legacy-m2' });
    expect(normalizeTenantRestore({ links: [null, 5, { rel: 3, href: 'h' }] }).links).toEqual([{}, {}, { href: 'h', rel: undefined }]);
  });
  it('refuses only bodies that are not objects', () => {
    for (const body of [null, undefined, 'x', 3, [tenant]]) expect(() => normalizeTenantRestore(body)).toThrow(ValidationError);
  });
  it('survives hostile keys', () => {
    const body = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "status": "RUNNING"}') as unknown;
    const model = normalizeTenantRestore(body);
    expect(model.status).toBe('RUNNING');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('normalizeFlexRestoreJob', () => {
  it('turns instanceName into clusterName and marks the route', () => {
    const { clusterName: _unused, ...rest } = tenant;
    const model = normalizeFlexRestoreJob({ ...rest, instanceName: 'native-flex' });
    expect(model).toMatchObject({ route: 'flex', clusterName: 'native-flex', status: 'COMPLETED', id: tenant.id });
    expect(model.raw.instanceName).toBe('native-flex');
  });
  it('ignores a tenant-style clusterName on a Flex body', () => {
    expect(normalizeFlexRestoreJob({ clusterName: 'x' }).clusterName).toBeUndefined();
  });
});
