import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ShimInterceptorOptions } from '../../adapters/undici.js';
import { FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import type { TestResponse } from '../simulator/digest-test-client.js';
import { BEFORE, send, shimDispatcher, useSimulator } from './adapter-fixture.js';

// Before the sunset, a shared M2 cluster is still served by the tenant endpoint: the shim
// must let every tenant request through as the caller sent it, and only mark the answers.

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });
let other: Server;
let otherUrl: string;
let otherSaw: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  // A second local server: requests to it must never be touched, even on a tenant-looking path.
  other = createServer((req, res) => {
    otherSaw.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('other');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => other.close(() => resolve()));
});
afterEach(() => {
  otherSaw = [];
});

/** The caller's stack: a digest-signing Agent (its own key), with the shim composed outside it. */
function digestCaller(options: Partial<ShimInterceptorOptions> = {}): Dispatcher {
  const signed = new Agent().compose(createDigestAuthInterceptor({ ...fx.sim.apiKey, origin: fx.sim.url }));
  return shimDispatcher(fx, options, signed);
}

const tenantPath = (cluster: string, tail: string): string => `/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const legacy = { accept: TENANT_MEDIA_TYPE };
const legacyPost = { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE };
/** The tenant download POST of `snapshotId`, as a legacy caller sends it. */
const tenantDownload = (dispatcher: Dispatcher, cluster: string, snapshotId: string) =>
  send(dispatcher, 'POST', fx.sim.url + tenantPath(cluster, 'download'), { headers: legacyPost, body: JSON.stringify({ snapshotId, targetDeploymentItemName: cluster }) });
const answered = () => fx.sim.requests.filter((r) => r.status !== 401);
const tenantCalls = () => answered().filter((r) => r.path.includes('/backup/tenant/'));
const flexCalls = () => answered().filter((r) => r.path.includes('/flexClusters/') && r.path.includes('/backup/'));

describe('before the sunset, a shared M2 cluster: the five tenant operations pass through', () => {
  it('serves download, restores, restore, snapshots and snapshot from the tenant endpoint, signed by the caller', async () => {
    const dispatcher = digestCaller();
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;

    const download = await tenantDownload(dispatcher, cluster, snapshotId);
    expect(download.status, download.text).toBe(200);
    expect(download.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    expect(download.json).toMatchObject({ clusterName: cluster, snapshotId, targetDeploymentItemName: cluster, deliveryType: 'DOWNLOAD' });
    expect(download.json).not.toHaveProperty('instanceName');

    const restoreId = download.json.id as string;
    const restores = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'restores'), { headers: legacy });
    const restore = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `restores/${restoreId}`), { headers: legacy });
    const snapshots = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'snapshots'), { headers: legacy });
    const snapshot = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `snapshots/${snapshotId}`), { headers: legacy });
    for (const reply of [restores, restore, snapshots, snapshot]) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    }
    expect(restores.json.results.map((job: { id: string }) => job.id)).toContain(restoreId);
    expect(restore.json).toMatchObject({ id: restoreId, clusterName: cluster, status: 'COMPLETED' });
    expect(snapshots.json.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(cluster));
    expect(snapshot.json.id).toBe(snapshotId);

    expect(tenantCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadClusterBackupTenant', 'digest'],
      ['listBackupTenantRestores', 'digest'],
      ['getBackupTenantRestore', 'digest'],
      ['listClusterBackupSnapshots', 'digest'],
      ['getBackupTenantSnapshot', 'digest'],
    ]);
    expect(flexCalls()).toEqual([]);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });

  it('marks every answer with exact Deprecation, Sunset and successor-version Link headers', async () => {
    const dispatcher = digestCaller();
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[1] as string;
    const flexBase = `${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${cluster}/backup`;

    const cases: Array<[string, TestResponse]> = [
      ['snapshots', await send(dispatcher, 'GET', `${fx.sim.url}${tenantPath(cluster, 'snapshots')}?pageNum=1`, { headers: legacy })],
      [`snapshots/${snapshotId}`, await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `snapshots/${snapshotId}`), { headers: legacy })],
      ['restoreJobs', await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'restores'), { headers: legacy })],
    ];
    for (const [successor, reply] of cases) {
      expect(reply.status).toBe(200);
      // 2025-01-22T00:00:00Z: twelve months before the sunset (RFC 9745 sf-date).
      expect(reply.headers.deprecation).toBe('@1737504000');
      expect(reply.headers.sunset).toBe('Thu, 22 Jan 2026 00:00:00 GMT');
      expect(reply.headers.link).toBe(`<${flexBase}/${successor}>; rel="successor-version"`);
    }
  });

  it('marks error answers too, and passes them through with their status and ApiError body', async () => {
    const dispatcher = digestCaller();
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(fx.sim.clusters.shared, 'snapshots'), { headers: { accept: 'application/json' } });
    expect(reply.status).toBe(406);
    expect(reply.json).toMatchObject({ error: 406, errorCode: 'INVALID_VERSION_DATE' });
    expect(reply.headers.deprecation).toBe('@1737504000');
    expect(reply.headers.link).toContain('rel="successor-version"');
  });

  it('adds no header with deprecationHeaders: false, and still passes the request through', async () => {
    const dispatcher = digestCaller({ deprecationHeaders: false });
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(fx.sim.clusters.sharedM5, 'snapshots'), { headers: legacy });
    expect(reply.status).toBe(200);
    expect(reply.headers).not.toHaveProperty('deprecation');
    expect(reply.headers).not.toHaveProperty('sunset');
    expect(reply.headers).not.toHaveProperty('link');
    expect(tenantCalls().map((r) => r.operationId)).toEqual(['listClusterBackupSnapshots']);
  });
});

describe('requests that are not tenant operations pass through untouched', () => {
  it('leaves getFlexCluster alone: no route look-up, no header, the caller signs it', async () => {
    const dispatcher = digestCaller();
    const reply = await send(dispatcher, 'GET', `${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`, {
      headers: { accept: FLEX_MEDIA_TYPE },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(FLEX_MEDIA_TYPE);
    expect(reply.headers).not.toHaveProperty('deprecation');
    expect(reply.headers).not.toHaveProperty('link');
    expect(answered().map((r) => [r.operationId, r.auth])).toEqual([['getFlexCluster', 'digest']]);
  });

  it('leaves a tenant-looking path on another 127.0.0.1 server alone, its headers included', async () => {
    const dispatcher = digestCaller();
    const path = tenantPath(fx.sim.clusters.shared, 'snapshots');
    const reply = await send(dispatcher, 'GET', `${otherUrl}${path}?pageNum=2`, { headers: { accept: TENANT_MEDIA_TYPE, authorization: 'Bearer not-for-atlas' } });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('other');
    expect(reply.headers).not.toHaveProperty('deprecation');
    expect(otherSaw).toHaveLength(1);
    expect(otherSaw[0]?.path).toBe(`${path}?pageNum=2`);
    expect(otherSaw[0]?.headers).toMatchObject({ accept: TENANT_MEDIA_TYPE, authorization: 'Bearer not-for-atlas' });
    expect(fx.sim.requests).toEqual([]);
  });

  it('leaves a method the tenant operation does not have to Atlas', async () => {
    const dispatcher = digestCaller();
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(fx.sim.clusters.shared, 'download'), { headers: legacy });
    expect(reply.status).toBe(405);
    expect(reply.headers).not.toHaveProperty('deprecation');
    expect(answered().map((r) => r.path)).toEqual([tenantPath(fx.sim.clusters.shared, 'download')]);
  });
});

describe('when Atlas contradicts the route, the other route serves the request once', () => {
  it("route 'tenant' on a native Flex cluster: the tenant refusal is replaced by the Flex answer in the legacy shape", async () => {
    const dispatcher = digestCaller({ route: 'tenant' });
    const cluster = fx.sim.clusters.flex;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const reply = await tenantDownload(dispatcher, cluster, snapshotId);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    expect(reply.json).toMatchObject({ clusterName: cluster, snapshotId, targetDeploymentItemName: cluster });
    expect(reply.headers.deprecation).toBe('@1737504000');
    expect(tenantCalls().map((r) => [r.operationId, r.status])).toEqual([['downloadClusterBackupTenant', 400]]);
    expect(flexCalls().map((r) => [r.operationId, r.status])).toEqual([['downloadFlexBackup', 200]]);
    expect(fx.events.map((e) => e.type)).toEqual(['route-fallback', 'legacy-rewrite']);
    expect(fx.events[0]).toMatchObject({ decision: { route: 'flex', fallback: { from: 'tenant', to: 'flex', status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API' } } });
  });

  it("route 'flex' on a shared M2 before the sunset: Flex refuses it, the untouched tenant request serves it", async () => {
    const dispatcher = digestCaller({ route: 'flex' });
    const cluster = fx.sim.clusters.shared;
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, 'snapshots'), { headers: legacy });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(cluster));
    expect(flexCalls().map((r) => [r.operationId, r.status])).toEqual([['listFlexBackupSnapshots', 400]]);
    expect(tenantCalls().map((r) => [r.operationId, r.status, r.auth])).toEqual([['listClusterBackupSnapshots', 200, 'digest']]);
    expect(fx.events.map((e) => e.type)).toEqual(['legacy-rewrite', 'route-fallback']);
  });

  it('never loops: when both endpoints refuse, the first refusal is the answer after one try of each', async () => {
    const dispatcher = digestCaller();
    const cluster = fx.sim.clusters.shared;
    const missing = 'ffffffffffffffffffffffff';
    const reply = await send(dispatcher, 'GET', fx.sim.url + tenantPath(cluster, `restores/${missing}`), { headers: legacy });
    expect(reply.status).toBe(404);
    expect(reply.json).toMatchObject({ error: 404, errorCode: 'RESTORE_JOB_NOT_FOUND' });
    expect(reply.headers.deprecation).toBe('@1737504000');
    expect(tenantCalls().map((r) => r.status)).toEqual([404]);
    expect(flexCalls().map((r) => r.status)).toEqual([400]);
  });

  it('sends a streamed download body (read once) again when it falls back', async () => {
    const dispatcher = digestCaller({ route: 'tenant' });
    const cluster = fx.sim.clusters.flex;
    const snapshotId = fx.sim.snapshotIds(cluster)[1] as string;
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from(`{"snapshotId":"${snapshotId}",`);
      yield Buffer.from(`"targetDeploymentItemName":"${cluster}"}`);
    }
    const response = await request(fx.sim.url + tenantPath(cluster, 'download'), { method: 'POST', dispatcher, headers: legacyPost, body: Readable.from(body()) });
    const json = (await response.body.json()) as Record<string, unknown>;
    expect(response.statusCode).toBe(200);
    expect(json).toMatchObject({ snapshotId, clusterName: cluster });
  });
});
