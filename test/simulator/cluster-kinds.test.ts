import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES, type SimulatorClusterNames } from '../../src/simulator/index.js';
import { AFTER_SUNSET, BEFORE_SUNSET, CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.close());

type Role = keyof SimulatorClusterNames;
const regionConfig = (body: any) => body.replicationSpecs[0].regionConfigs[0];

describe('seed', () => {
  it('has five distinct, contract-valid clusters with at least two distinct snapshots each', () => {
    const names = Object.values(fx.sim.clusters);
    expect(new Set(names).size).toBe(5);
    const all = new Set<string>();
    for (const name of names) {
      expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9-]*$/);
      const ids = fx.sim.snapshotIds(name);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      for (const id of ids) {
        expect(id).toMatch(/^[a-f0-9]{24}$/);
        all.add(id);
      }
    }
    expect(all.size).toBe(names.reduce((n, name) => n + fx.sim.snapshotIds(name).length, 0));
    expect(fx.sim.groupId).toMatch(/^[a-f0-9]{24}$/);
    expect(() => fx.sim.snapshotIds('no-such-cluster')).toThrow(TypeError);
  });
});

describe('getCluster', () => {
  it.each([
    ['shared', 'TENANT', 'M2'],
    ['sharedM5', 'TENANT', 'M5'],
    ['flexLegacy', 'FLEX', 'FLEX'],
  ] as const)('describes %s before the sunset with providerName %s, instance size %s', async (role, provider, size) => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await get(fx.client, `${fx.group}/clusters/${fx.sim.clusters[role]}`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(200);
    expect(response.json.name).toBe(fx.sim.clusters[role]);
    expect(regionConfig(response.json)).toMatchObject({ providerName: provider, backingProviderName: 'AWS', electableSpecs: { instanceSize: size } });
  });

  it.each([BEFORE_SUNSET, AFTER_SUNSET])('describes the dedicated cluster as AWS M10 (clock %s)', async (now) => {
    fx.sim.setNow(now);
    const response = await get(fx.client, `${fx.group}/clusters/${fx.sim.clusters.dedicated}`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(200);
    expect(regionConfig(response.json)).toMatchObject({ providerName: 'AWS', electableSpecs: { instanceSize: 'M10' } });
    expect(regionConfig(response.json)).not.toHaveProperty('backingProviderName');
  });

  it.each<[Role, Date]>([
    ['flex', BEFORE_SUNSET],
    ['flex', AFTER_SUNSET],
    ['flexLegacy', AFTER_SUNSET],
    ['shared', AFTER_SUNSET],
    ['sharedM5', AFTER_SUNSET],
  ])('refuses %s (clock %s) with 400 CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', async (role, now) => {
    fx.sim.setNow(now);
    const response = await get(fx.client, `${fx.group}/clusters/${fx.sim.clusters[role]}`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', reason: 'Bad Request' });
  });

  it('answers an unknown cluster with 404 CLUSTER_NOT_FOUND', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await get(fx.client, `${fx.group}/clusters/nope`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(404);
    expect(response.json.errorCode).toBe(CODES.clusterNotFound);
  });

  it('switches exactly at the sunset instant (sunsetDate option honoured)', async () => {
    const local = await startFixture({ sunsetDate: '2025-11-01T00:00:00Z' });
    const path = `${local.group}/clusters/${local.sim.clusters.shared}`;
    local.sim.setNow(new Date('2025-10-31T23:59:59.999Z'));
    expect((await get(local.client, path, CLUSTER_MEDIA_TYPE)).status).toBe(200);
    local.sim.setNow('2025-11-01T00:00:00.000Z');
    expect((await get(local.client, path, CLUSTER_MEDIA_TYPE)).status).toBe(400);
    await local.close();
  });
});

describe('getFlexCluster', () => {
  it.each<[Role, Date]>([
    ['flex', BEFORE_SUNSET],
    ['flexLegacy', BEFORE_SUNSET],
    ['flex', AFTER_SUNSET],
    ['flexLegacy', AFTER_SUNSET],
    ['shared', AFTER_SUNSET],
    ['sharedM5', AFTER_SUNSET],
  ])('describes %s (clock %s) as a Flex cluster', async (role, now) => {
    fx.sim.setNow(now);
    const response = await get(fx.client, `${fx.group}/flexClusters/${fx.sim.clusters[role]}`, FLEX_MEDIA_TYPE);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ name: fx.sim.clusters[role], groupId: fx.sim.groupId, providerSettings: { providerName: 'FLEX' } });
  });

  it.each<[Role, Date]>([
    ['shared', BEFORE_SUNSET],
    ['sharedM5', BEFORE_SUNSET],
    ['dedicated', BEFORE_SUNSET],
    ['dedicated', AFTER_SUNSET],
  ])('refuses %s (clock %s) with 400 CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API', async (role, now) => {
    fx.sim.setNow(now);
    const response = await get(fx.client, `${fx.group}/flexClusters/${fx.sim.clusters[role]}`, FLEX_MEDIA_TYPE);
    expect(response.status).toBe(400);
    expect(response.json.errorCode).toBe('CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
  });
});

describe('tenant operations', () => {
  const snapshots = (role: Role) => `${fx.group}/clusters/${fx.sim.clusters[role]}/backup/tenant/snapshots`;

  it.each<Role>(['shared', 'sharedM5', 'flexLegacy'])('serve %s before the sunset', async (role) => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await get(fx.client, snapshots(role), TENANT_MEDIA_TYPE);
    expect(response.status).toBe(200);
    expect(response.json.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(fx.sim.clusters[role]));
  });

  it('refuse the native Flex cluster with CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await get(fx.client, snapshots('flex'), TENANT_MEDIA_TYPE);
    expect(response.status).toBe(400);
    expect(response.json.errorCode).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
  });

  it('refuse the dedicated cluster with the tenant-required code', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await get(fx.client, snapshots('dedicated'), TENANT_MEDIA_TYPE);
    expect(response.status).toBe(400);
    expect(response.json.errorCode).toBe(CODES.tenantClusterRequired);
    expect(response.json.detail).toMatch(/tenant/i);
  });

  it.each<Role>(['shared', 'flexLegacy', 'dedicated'])('answer %s as gone (410 VERSION_GONE) after the sunset, whatever the Accept', async (role) => {
    fx.sim.setNow(AFTER_SUNSET);
    for (const accept of [TENANT_MEDIA_TYPE, 'application/json']) {
      const response = await get(fx.client, snapshots(role), accept);
      expect(response.status).toBe(410);
      expect(response.json).toMatchObject({ error: 410, errorCode: CODES.versionGone, reason: 'Gone' });
      expect(response.json.detail).toMatch(/sunset on 2026-01-22T00:00:00\.000Z/);
      expect(fx.sim.requests.at(-1)).toMatchObject({ status: 410, operationId: 'listClusterBackupSnapshots' });
    }
  });

  it('serve the M2 cluster\'s snapshots through the Flex API after the sunset', async () => {
    fx.sim.setNow(AFTER_SUNSET);
    const response = await get(fx.client, `${fx.group}/flexClusters/${fx.sim.clusters.shared}/backup/snapshots`, FLEX_MEDIA_TYPE);
    expect(response.status).toBe(200);
    expect(response.json.totalCount).toBe(fx.sim.snapshotIds(fx.sim.clusters.shared).length);
  });
});
