import { describe, expect, it } from 'vitest';
import {
  AtlasApiError,
  createLegacyClient,
  SunsetError,
  UnsupportedClusterError,
  ValidationError,
  type LegacyClient,
  type ShimEvent,
  type SnapshotShimOptions,
} from '../../adapters/legacy-client.js';
import { AFTER, BEFORE, legacyClient, useSimulator } from './adapter-fixture.js';

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });
const clientWith = (options: Partial<SnapshotShimOptions> = {}): LegacyClient => legacyClient(fx, options);

// Signed requests to the snapshot operations, not the cluster-kind look-ups (getCluster, getFlexCluster).
const backupRequests = () => fx.sim.requests.filter((r) => r.status !== 401 && r.operationId !== undefined && /backup/.test(r.path));

describe('inputs', () => {
  it('bad arguments are refused with the field named, before any request', async () => {
    const client = clientWith();
    const g = fx.sim.groupId;
    const c = fx.sim.clusters.shared;
    const id = fx.sim.snapshotIds(c)[0] as string;
    const body = { snapshotId: id, targetDeploymentItemName: c };
    const cases: [string, () => Promise<unknown>][] = [
      ['groupId', () => client.downloadClusterBackupTenant('nope', c, body)],
      ['groupId', () => client.downloadSharedClusterBackup(g.toUpperCase(), c, body)],
      ['clusterName', () => client.downloadClusterBackupTenant(g, '../x', body)],
      ['clusterName', () => client.listClusterBackupSnapshots(g, 'a'.repeat(65))],
      ['body', () => client.downloadClusterBackupTenant(g, c, null as never)],
      ['body.snapshotId', () => client.downloadClusterBackupTenant(g, c, { targetDeploymentItemName: c } as never)],
      ['body.targetDeploymentItemName', () => client.downloadClusterBackupTenant(g, c, { snapshotId: id } as never)],
      ['body.targetDeploymentItemName', () => client.downloadClusterBackupTenant(g, c, { ...body, targetDeploymentItemName: 'a/b' })],
      ['body.snapshotID', () => client.downloadClusterBackupTenant(g, c, { ...body, snapshotID: id } as never)],
      ['body.targetProjectId', () => client.downloadClusterBackupTenant(g, c, { ...body, targetProjectId: UNKNOWN_ID })],
      ['restoreId', () => client.getBackupTenantRestore(g, c, 'not-an-id')],
      ['snapshotId', () => client.getBackupTenantSnapshot(g, c, id.toUpperCase())],
      ['query', () => client.listBackupTenantRestores(g, c, 'pageNum=2' as never)],
      ['query.pageNum', () => client.listClusterBackupSnapshots(g, c, { pageNum: 0 })],
      ['query.pageNum', () => client.listClusterBackupSnapshots(g, c, { pageNum: 1.5 })],
      ['query.itemsPerPage', () => client.listBackupTenantRestores(g, c, { itemsPerPage: 501 })],
      ['query.includeCount', () => client.listBackupTenantRestores(g, c, { includeCount: 'yes' as never })],
      ['query.page', () => client.listBackupTenantRestores(g, c, { page: 2 } as never)],
      ['options.signal', () => client.getBackupTenantSnapshot(g, c, id, { signal: 'stop' as never })],
      ['options.timeout', () => client.getBackupTenantSnapshot(g, c, id, { timeout: 5 } as never)],
    ];
    for (const [field, call] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    expect(fx.sim.requests).toEqual([]);
  });

  it('a wrong option is refused when the client is created', () => {
    expect(() => createLegacyClient({ baseUrl: fx.sim.url, credentials: fx.sim.apiKey, route: 'sideways' as never })).toThrow(ValidationError);
    expect(fx.sim.requests).toEqual([]);
  });

  it('read-only TenantRestore fields and a targetProjectId of the same project are accepted, and not sent', async () => {
    const client = clientWith();
    const c = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(c)[1] as string;
    const job = await client.downloadClusterBackupTenant(fx.sim.groupId, c, {
      snapshotId,
      targetDeploymentItemName: c,
      targetProjectId: fx.sim.groupId,
      clusterName: c,
      status: 'COMPLETED',
      id: UNKNOWN_ID,
    });
    // The answer is the new job's, not the fields sent back.
    expect(job.id).toMatch(/^[a-f0-9]{24}$/);
    expect(job.id).not.toBe(UNKNOWN_ID);
    expect(job).toMatchObject({ snapshotId, clusterName: c, deliveryType: 'DOWNLOAD' });
    expect(backupRequests().map((r) => [r.operationId, r.status])).toEqual([['downloadClusterBackupTenant', 200]]);
  });

  it('an aborted signal stops the call before any request', async () => {
    const client = clientWith();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(client.listClusterBackupSnapshots(fx.sim.groupId, fx.sim.clusters.shared, {}, { signal: controller.signal })).rejects.toThrow('stop');
    expect(fx.sim.requests).toEqual([]);
  });
});

describe('clusters neither family serves', () => {
  it('a dedicated cluster is an UnsupportedClusterError on every method, without a snapshot request', async () => {
    const client = clientWith();
    const g = fx.sim.groupId;
    const c = fx.sim.clusters.dedicated;
    const id = fx.sim.snapshotIds(c)[0] as string;
    const calls = [
      () => client.downloadClusterBackupTenant(g, c, { snapshotId: id, targetDeploymentItemName: c }),
      () => client.getBackupTenantRestore(g, c, UNKNOWN_ID),
      () => client.listBackupTenantRestores(g, c),
      () => client.listClusterBackupSnapshots(g, c),
      () => client.getBackupTenantSnapshot(g, c, id),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedClusterError);
      expect((error as UnsupportedClusterError).message).toMatch(/Cloud Backup restore jobs/);
    }
    expect(backupRequests()).toEqual([]);
  });

  it("with route 'flex', a dedicated cluster is refused by Flex once and never sent to the tenant endpoint", async () => {
    const client = clientWith({ route: 'flex' });
    const c = fx.sim.clusters.dedicated;
    await expect(client.listClusterBackupSnapshots(fx.sim.groupId, c)).rejects.toBeInstanceOf(UnsupportedClusterError);
    expect(backupRequests().map((r) => [r.operationId, r.status])).toEqual([['listFlexBackupSnapshots', 400]]);
  });
});

describe('Atlas errors', () => {
  it('an unknown restore id is an AtlasApiError 404 on a shared cluster before the sunset, after one try of Flex', async () => {
    const client = clientWith();
    const c = fx.sim.clusters.shared;
    const error = await client.getBackupTenantRestore(fx.sim.groupId, c, UNKNOWN_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ status: 404, errorCode: 'RESTORE_JOB_NOT_FOUND' });
    // The tenant 404 could mean a removed endpoint, so Flex was asked once; its "not a Flex cluster" says less.
    expect((error as AtlasApiError).request.path).toBe(`/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${c}/backup/tenant/restores/${UNKNOWN_ID}`);
    expect(backupRequests().map((r) => [r.operationId, r.status])).toEqual([
      ['getBackupTenantRestore', 404],
      ['getFlexRestoreJob', 400],
    ]);
  });

  it('an unknown restore id is an AtlasApiError 404 after the sunset and on a native Flex cluster', async () => {
    const client = clientWith();
    for (const [when, c] of [
      [AFTER, fx.sim.clusters.shared],
      [BEFORE, fx.sim.clusters.flex],
    ] as const) {
      fx.clock = when;
      fx.sim.clearRequests();
      const error = await client.getBackupTenantRestore(fx.sim.groupId, c, UNKNOWN_ID).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AtlasApiError);
      expect(error).toMatchObject({ status: 404, errorCode: 'RESTORE_JOB_NOT_FOUND' });
      expect(backupRequests().map((r) => [r.operationId, r.status])).toEqual([['getFlexRestoreJob', 404]]);
    }
  });

  it('an unknown snapshot and an unknown cluster are AtlasApiError 404s', async () => {
    fx.clock = AFTER;
    const client = clientWith();
    await expect(client.getBackupTenantSnapshot(fx.sim.groupId, fx.sim.clusters.shared, UNKNOWN_ID)).rejects.toMatchObject({ status: 404, errorCode: 'SNAPSHOT_NOT_FOUND' });
    const error = await client.listClusterBackupSnapshots(fx.sim.groupId, 'no-such-cluster').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    expect((error as AtlasApiError).status).toBe(404);
  });
});

describe('the sunset', () => {
  it("route 'tenant' after the sunset is a SunsetError, without a snapshot request", async () => {
    fx.clock = AFTER;
    const client = clientWith({ route: 'tenant' });
    await expect(client.listClusterBackupSnapshots(fx.sim.groupId, fx.sim.clusters.shared)).rejects.toBeInstanceOf(SunsetError);
    expect(backupRequests()).toEqual([]);
  });

  it("with allowSunsetEndpoint, route 'tenant' meets the removed endpoint and is served by Flex once per call", async () => {
    fx.clock = AFTER;
    const events: ShimEvent[] = [];
    const client = clientWith({ route: 'tenant', allowSunsetEndpoint: true, onEvent: (event) => events.push(event) });
    const c = fx.sim.clusters.shared;
    const page = await client.listClusterBackupSnapshots(fx.sim.groupId, c);
    expect(page.results?.map((s) => s.id)).toEqual(fx.sim.snapshotIds(c));
    expect(backupRequests().map((r) => [r.operationId, r.status])).toEqual([
      ['listClusterBackupSnapshots', 410],
      ['listFlexBackupSnapshots', 200],
    ]);
    // The fallback is reported, as the undici adapter reports it for the same call.
    expect(events.map((e) => e.type)).toEqual(['route-fallback', 'legacy-rewrite']);
    expect(events[0]).toMatchObject({ decision: { route: 'flex', fallback: { from: 'tenant', to: 'flex', status: 410 } } });
  });

  it('a client keeps working across the sunset: tenant before, Flex after, on the same restore job', async () => {
    const events: ShimEvent[] = [];
    const client = clientWith({ onEvent: (event) => events.push(event) });
    const c = fx.sim.clusters.sharedM5;
    const snapshotId = fx.sim.snapshotIds(c)[0] as string;
    const job = await client.downloadClusterBackupTenant(fx.sim.groupId, c, { snapshotId, targetDeploymentItemName: c });
    expect(events).toEqual([]);
    fx.clock = AFTER;
    const later = await client.getBackupTenantRestore(fx.sim.groupId, c, job.id as string);
    expect(later).toMatchObject({ id: job.id, clusterName: c, snapshotId, status: 'COMPLETED' });
    expect(events).toMatchObject([{ type: 'legacy-rewrite', operationId: 'getBackupTenantRestore' }]);
  });

  it("after the sunset the download answer carries the caller's targetDeploymentItemName, as the tenant endpoint echoed it", async () => {
    fx.clock = AFTER;
    const client = clientWith();
    const c = fx.sim.clusters.shared;
    const job = await client.downloadClusterBackupTenant(fx.sim.groupId, c, { snapshotId: fx.sim.snapshotIds(c)[2] as string, targetDeploymentItemName: 'nightly-copy' });
    expect(job).toMatchObject({ clusterName: c, targetDeploymentItemName: 'nightly-copy' });
    expect(backupRequests().map((r) => r.operationId)).toEqual(['downloadFlexBackup']);
  });

  it('close() is idempotent', async () => {
    const client = createLegacyClient({ baseUrl: fx.sim.url, credentials: fx.sim.apiKey });
    await client.close();
    await expect(client.close()).resolves.toBeUndefined();
  });
});
