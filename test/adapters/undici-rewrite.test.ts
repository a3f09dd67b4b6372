import { Agent, type Dispatcher } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShimInterceptorOptions } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import type { LegacyRewriteEvent } from '../../src/observability/shim-events.js';
import type { TestResponse } from '../simulator/digest-test-client.js';
import { AFTER, BEFORE, send, serviceAccountToken, shimDispatcher, useSimulator } from './adapter-fixture.js';
import { contractSuite, loadContract, type ContractValidators, type Json } from '../contract/contract.js';

// After the sunset the tenant operations are gone (the simulator answers 410) and M2/M5
// clusters are Flex: the shim must serve the caller's unchanged tenant requests through
// the Flex twins, in the legacy shapes.

const fx = useSimulator({ clock: AFTER, jobDurationMs: 0 });
const shim = (options: Partial<ShimInterceptorOptions> = {}, base?: Dispatcher): Dispatcher => shimDispatcher(fx, options, base);

const tenantPath = (cluster: string, tail: string): string => `/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const flexPath = (cluster: string, tail: string): string => `/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${cluster}/backup/${tail}`;
const answered = () => fx.sim.requests.filter((r) => r.status !== 401);
const backupCalls = () => answered().filter((r) => r.path.includes('/backup/'));
const rewrites = () => fx.events.filter((e): e is LegacyRewriteEvent => e.type === 'legacy-rewrite');

/** The five tenant operations on `cluster`, in the order a caller uses them, with the caller's headers. */
async function fiveOperations(dispatcher: Dispatcher, cluster: string, auth: Record<string, string>): Promise<Record<string, TestResponse>> {
  const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
  const legacy = { accept: TENANT_MEDIA_TYPE, ...auth };
  const download = await send(dispatcher, 'POST', fx.sim.url + tenantPath(cluster, 'download'), {
    headers: { ...legacy, 'content-type': TENANT_MEDIA_TYPE },
    body: JSON.stringify({ snapshotId, targetDeploymentItemName: cluster }),
  });
  const restoreId = String(download.json?.id);
  return {
    downloadClusterBackupTenant: download,
    listBackupTenantRestores: await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'restores'), { headers: legacy }),
    getBackupTenantRestore: await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `restores/${restoreId}`), { headers: legacy }),
    listClusterBackupSnapshots: await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'snapshots'), { headers: legacy }),
    getBackupTenantSnapshot: await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `snapshots/${snapshotId}`), { headers: legacy }),
  };
}

const FLEX_TWINS = ['downloadFlexBackup', 'listFlexRestoreJobs', 'getFlexRestoreJob', 'listFlexBackupSnapshots', 'getFlexBackupSnapshot'];

describe('after the sunset, a former shared M2 cluster: the five tenant operations are served through Flex', () => {
  it('answers 200 in the legacy shapes and media type, with a correct content-length', async () => {
    const dispatcher = shim();
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const replies = await fiveOperations(dispatcher, cluster, {});
    for (const [operationId, reply] of Object.entries(replies)) {
      expect(reply.status, `${operationId}: ${reply.text}`).toBe(200);
      expect(reply.headers['content-type'], operationId).toBe(TENANT_MEDIA_TYPE);
      expect(reply.headers['content-length'], operationId).toBe(String(Buffer.byteLength(reply.text)));
    }
    const download = replies.downloadClusterBackupTenant?.json;
    expect(download).toMatchObject({ clusterName: cluster, snapshotId, targetDeploymentItemName: cluster, deliveryType: 'DOWNLOAD' });
    expect(download).not.toHaveProperty('instanceName');
    expect(replies.getBackupTenantRestore?.json).toMatchObject({ id: download.id, clusterName: cluster, status: 'COMPLETED' });
    expect(replies.getBackupTenantRestore?.json.snapshotUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/snapshot-files\//);
    expect(replies.listBackupTenantRestores?.json.results.map((job: { id: string }) => job.id)).toContain(download.id);
    expect(replies.listClusterBackupSnapshots?.json.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(cluster));
    expect(replies.getBackupTenantSnapshot?.json.id).toBe(snapshotId);
    // Links point at the tenant paths again, so following one goes through the shim.
    expect(replies.getBackupTenantSnapshot?.json.links).toEqual([{ rel: 'self', href: fx.sim.url + tenantPath(cluster, `snapshots/${snapshotId}`) }]);

    expect(backupCalls().map((r) => r.operationId)).toEqual(FLEX_TWINS);
  });

  it('reports each rewrite as a legacy-rewrite event (method, fromPath, toPath without query)', async () => {
    const dispatcher = shim();
    const cluster = fx.sim.clusters.sharedM5;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    await send(dispatcher, 'GET', `${fx.sim.url}${tenantPath(cluster, 'snapshots')}?pageNum=1&itemsPerPage=1`, { headers: { accept: TENANT_MEDIA_TYPE } });
    await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `snapshots/${snapshotId}`), { headers: { accept: TENANT_MEDIA_TYPE } });
    expect(rewrites()).toEqual([
      {
        type: 'legacy-rewrite',
        operationId: 'listClusterBackupSnapshots',
        method: 'GET',
        fromPath: tenantPath(cluster, 'snapshots'),
        toPath: flexPath(cluster, 'snapshots'),
        route: 'flex',
      },
      {
        type: 'legacy-rewrite',
        operationId: 'getBackupTenantSnapshot',
        method: 'GET',
        fromPath: tenantPath(cluster, `snapshots/${snapshotId}`),
        toPath: flexPath(cluster, `snapshots/${snapshotId}`),
        route: 'flex',
      },
    ]);
  });

  it('keeps the query: pagination reaches Flex, and the page links point at the tenant path', async () => {
    const dispatcher = shim();
    const cluster = fx.sim.clusters.shared;
    const reply = await send(dispatcher, 'GET', `${fx.sim.url}${tenantPath(cluster, 'snapshots')}?pageNum=2&itemsPerPage=1`, { headers: { accept: TENANT_MEDIA_TYPE } });
    expect(reply.status).toBe(200);
    expect(reply.json.results.map((s: { id: string }) => s.id)).toEqual([fx.sim.snapshotIds(cluster)[1]]);
    expect(reply.json.totalCount).toBe(3);
    const next = reply.json.links.find((link: { rel: string }) => link.rel === 'next');
    expect(next.href).toBe(`${fx.sim.url}${tenantPath(cluster, 'snapshots')}?pageNum=3&itemsPerPage=1`);
  });

  it('passes an ApiError through with its status, marked as deprecated', async () => {
    const dispatcher = shim();
    const cluster = fx.sim.clusters.shared;
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'snapshots/ffffffffffffffffffffffff'), { headers: { accept: TENANT_MEDIA_TYPE } });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json).toMatchObject({ error: 404, errorCode: 'SNAPSHOT_NOT_FOUND' });
    expect(reply.headers.deprecation).toBe('@1737504000');
    expect(reply.headers.sunset).toBe('Thu, 22 Jan 2026 00:00:00 GMT');
    expect(reply.headers.link).toBe(`<${fx.sim.url}${flexPath(cluster, 'snapshots/ffffffffffffffffffffffff')}>; rel="successor-version"`);
  });

  it('lets Atlas judge a download body without snapshotId: its 400 reaches the caller', async () => {
    const dispatcher = shim();
    const cluster = fx.sim.clusters.shared;
    const reply = await send(dispatcher, 'POST', fx.sim.url + tenantPath(cluster, 'download'), {
      headers: { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE },
      body: JSON.stringify({ targetDeploymentItemName: cluster }),
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: 400, errorCode: 'MISSING_ATTRIBUTE' });
    expect(backupCalls().map((r) => r.operationId)).toEqual(['downloadFlexBackup']);
  });
});

describe("a caller's own credentials on a rewrite", () => {
  it('keeps a Bearer token: the Flex request carries it, the shim signs only its own look-ups', async () => {
    const token = await serviceAccountToken(fx.sim);
    const dispatcher = shim();
    fx.sim.clearRequests();
    const replies = await fiveOperations(dispatcher, fx.sim.clusters.shared, { authorization: `Bearer ${token}` });
    for (const reply of Object.values(replies)) expect(reply.status, reply.text).toBe(200);
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual(FLEX_TWINS.map((id) => [id, 'bearer']));
    // The route look-up is the shim's own, signed with shimOptions.credentials (an API key: digest).
    const lookups = answered().filter((r) => !r.path.includes('/backup/'));
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.every((r) => r.auth === 'digest')).toBe(true);
  });

  it("passes a refused Bearer token's 401 through to the caller", async () => {
    const dispatcher = shim();
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(fx.sim.clusters.shared, 'snapshots'), {
      headers: { accept: TENANT_MEDIA_TYPE, authorization: 'Bearer revoked-or-invented' },
    });
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ error: 401 });
    const backup = fx.sim.requests.filter((r) => r.path.includes('/backup/'));
    expect(backup.map((r) => [r.path, r.auth, r.status])).toEqual([[flexPath(fx.sim.clusters.shared, 'snapshots'), 'bearer', 401]]);
  });

  it('a digest caller (interceptor composed inside) is served too, signed with shimOptions.credentials', async () => {
    const signed = new Agent().compose(createDigestAuthInterceptor({ ...fx.sim.apiKey, origin: fx.sim.url }));
    // The shim's own credentials are a service account, so its requests are told apart by their Bearer scheme.
    const dispatcher = shim({ credentials: fx.sim.serviceAccount }, signed);
    const replies = await fiveOperations(dispatcher, fx.sim.clusters.sharedM5, {});
    for (const reply of Object.values(replies)) expect(reply.status, reply.text).toBe(200);
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual(FLEX_TWINS.map((id) => [id, 'bearer']));
    // The caller's digest stack still serves its own other requests.
    const flexCluster = await send(dispatcher, 'GET', `${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.shared}`, {
      headers: { accept: 'application/vnd.atlas.2024-11-13+json' },
    });
    expect(flexCluster.status).toBe(200);
    expect(answered().at(-1)).toMatchObject({ operationId: 'getFlexCluster', auth: 'digest' });
  });
});

describe("a native Flex cluster with route 'auto'", () => {
  it('is served through Flex before the sunset as well', async () => {
    fx.clock = BEFORE;
    const dispatcher = shim();
    const replies = await fiveOperations(dispatcher, fx.sim.clusters.flex, {});
    for (const reply of Object.values(replies)) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    }
    expect(replies.downloadClusterBackupTenant?.json.clusterName).toBe(fx.sim.clusters.flex);
    expect(backupCalls().map((r) => r.operationId)).toEqual(FLEX_TWINS);
    expect(rewrites()).toHaveLength(5);
  });
});

contractSuite('the legacy bodies the undici adapter serves', () => {
  let schemas: Map<string, ContractValidators>;
  let document: Json;
  beforeAll(() => {
    ({ schemas, document } = loadContract());
  });

  const declared = (name: string): string[] => Object.keys(document.components.schemas[name].properties);

  function expectSchema(name: string, body: unknown): void {
    const validators = schemas.get(name);
    if (validators === undefined) throw new Error(`no schema ${name}`);
    expect(validators.open(body), `${name}: ${JSON.stringify(validators.open.errors)}`).toBe(true);
    expect(validators.closed(body), `${name} (undeclared fields): ${JSON.stringify(validators.closed.errors)}`).toBe(true);
  }

  it('every rewritten answer is valid against the tenant operation\'s schema, undeclared fields refused', async () => {
    const replies = await fiveOperations(shim(), fx.sim.clusters.shared, {});
    const expected: Record<string, string> = {
      downloadClusterBackupTenant: 'TenantRestore',
      listBackupTenantRestores: 'PaginatedTenantRestore',
      getBackupTenantRestore: 'TenantRestore',
      listClusterBackupSnapshots: 'PaginatedTenantSnapshot',
      getBackupTenantSnapshot: 'BackupTenantSnapshot',
    };
    for (const [operationId, schema] of Object.entries(expected)) {
      expect(replies[operationId]?.status).toBe(200);
      expectSchema(schema, replies[operationId]?.json);
    }
    // Declared fields only, checked against the document itself (and so an instanceName would fail).
    for (const [operationId, schema] of Object.entries(expected)) {
      const body = replies[operationId]?.json as Record<string, unknown>;
      const items = Array.isArray(body.results) ? (body.results as Record<string, unknown>[]) : [body];
      const itemSchema = schema.startsWith('Paginated') ? schema.replace('Paginated', '').replace('TenantSnapshot', 'BackupTenantSnapshot') : schema;
      expect(Object.keys(body).filter((key) => !declared(schema).includes(key)), operationId).toEqual([]);
      for (const item of items) expect(Object.keys(item).filter((key) => !declared(itemSchema).includes(key)), operationId).toEqual([]);
    }
  });
});
