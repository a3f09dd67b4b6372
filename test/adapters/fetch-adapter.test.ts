import ky, { HTTPError } from 'ky';
import createClient from 'openapi-fetch';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createShimFetch, type FetchFunction, type ShimFetch, type ShimFetchOptions } from '../../adapters/fetch.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { SunsetError, ValidationError } from '../../src/index.js';
import { AFTER, BEFORE, serviceAccountToken, useSimulator } from './adapter-fixture.js';

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });
let token: string;
beforeAll(async () => {
  token = await serviceAccountToken(fx.sim);
});
afterEach(() => {
  fx.sim.faults.clear();
  vi.restoreAllMocks();
});

const API = '/api/atlas/v2';
const UNKNOWN_SNAPSHOT = 'ffffffffffffffffffffffff';
const tenantPath = (cluster: string, tail: string): string => `${API}/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const legacy = { accept: TENANT_MEDIA_TYPE };

/** The shim's fetch with the fixture's options (events into fx.events), closed after the test. */
function shimFetch(overrides: Partial<ShimFetchOptions> = {}): ShimFetch {
  return fx.closeAfterTest(createShimFetch({ ...fx.clientOptions(), onEvent: fx.onEvent, ...overrides }));
}

/** A fetch that answers every request itself and remembers its arguments: `options.fetch`, to see what reaches it. */
function spyFetch() {
  return vi.fn<FetchFunction>(async () => new Response('{"from":"spy"}', { headers: { 'content-type': 'application/json' } }));
}

const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401).map((r) => [r.operationId, r.auth, r.status]);
const rewrites = () => fx.events.flatMap((e) => (e.type === 'legacy-rewrite' ? [e.operationId] : []));

// The slice of the Atlas Admin API v2 spec these calls use, as openapi-typescript writes it
// (openapi-generated.test.ts generates the whole of it from the contract and runs a client on it).
interface TenantRestore {
  id: string;
  clusterName: string;
  snapshotId: string;
  status: string;
  targetDeploymentItemName: string;
  deliveryType?: string;
  snapshotUrl?: string;
}
interface ApiError {
  error: number;
  errorCode: string;
  detail?: string;
}
type Tenant = { [TENANT_MEDIA_TYPE]: TenantRestore };
interface paths {
  '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/download': {
    post: {
      parameters: { query?: never; header?: never; path: { groupId: string; clusterName: string }; cookie?: never };
      requestBody: { content: { [TENANT_MEDIA_TYPE]: { snapshotId: string; targetDeploymentItemName: string } } };
      responses: { 200: { headers: Record<string, unknown>; content: Tenant }; 404: { headers: Record<string, unknown>; content: { 'application/json': ApiError } } };
    };
  };
  '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/restores/{restoreId}': {
    get: {
      parameters: { query?: never; header?: never; path: { groupId: string; clusterName: string; restoreId: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: Tenant } };
    };
  };
}

/** Legacy code on openapi-fetch: the download, then one poll of its job. */
async function openapiDownloadAndPoll(fetch: ShimFetch, cluster: string) {
  const client = createClient<paths>({ baseUrl: fx.sim.url, fetch, headers: { Authorization: `Bearer ${token}`, Accept: TENANT_MEDIA_TYPE } });
  const path = { groupId: fx.sim.groupId, clusterName: cluster };
  const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
  const download = await client.POST('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/download', {
    params: { path },
    body: { snapshotId, targetDeploymentItemName: cluster },
    headers: { 'Content-Type': TENANT_MEDIA_TYPE },
  });
  expect(download.error).toBeUndefined();
  const poll = await client.GET('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/restores/{restoreId}', {
    params: { path: { ...path, restoreId: download.data?.id as string } },
  });
  return { download, poll };
}

/** Legacy code on ky: the download, then one poll of its job. */
async function kyDownloadAndPoll(fetch: ShimFetch, cluster: string) {
  const api = ky.create({ prefixUrl: fx.sim.url + API, fetch, headers: { authorization: `Bearer ${token}`, accept: TENANT_MEDIA_TYPE } });
  const tenant = `groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant`;
  const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
  const response = await api.post(`${tenant}/download`, { json: { snapshotId, targetDeploymentItemName: cluster }, headers: { 'content-type': TENANT_MEDIA_TYPE } });
  const download = await response.json<TenantRestore>();
  const poll = await api.get(`${tenant}/restores/${download.id}`).json<TenantRestore>();
  return { response, download, poll };
}

function expectLegacyRestore(body: TenantRestore | undefined, cluster: string): void {
  expect(body).toMatchObject({ clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0], targetDeploymentItemName: cluster, deliveryType: 'DOWNLOAD' });
  expect(body).not.toHaveProperty('instanceName');
}

describe('openapi-fetch with createClient({ fetch: createShimFetch(options) })', () => {
  it('before the sunset: passes through to the tenant endpoint with the caller’s Bearer token', async () => {
    const cluster = fx.sim.clusters.shared;
    const { download, poll } = await openapiDownloadAndPoll(shimFetch(), cluster);
    expect(download.response.status).toBe(200);
    expect(download.response.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expectLegacyRestore(download.data, cluster);
    expectLegacyRestore(poll.data, cluster);
    expect(backupCalls()).toEqual([
      ['downloadClusterBackupTenant', 'bearer', 200],
      ['getBackupTenantRestore', 'bearer', 200],
    ]);
    expect(rewrites()).toEqual([]);
  });

  it('after the sunset: rewritten to downloadFlexBackup and getFlexRestoreJob, answered as TenantRestore', async () => {
    fx.clock = AFTER;
    const cluster = fx.sim.clusters.shared;
    const { download, poll } = await openapiDownloadAndPoll(shimFetch(), cluster);
    expect(download.response.status).toBe(200);
    expect(download.response.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expect(download.response.url).toBe(`${fx.sim.url}${tenantPath(cluster, 'download')}`);
    expectLegacyRestore(download.data, cluster);
    expectLegacyRestore(poll.data, cluster);
    expect(poll.data).toMatchObject({ id: download.data?.id, status: 'COMPLETED' });
    expect(backupCalls()).toEqual([
      ['downloadFlexBackup', 'bearer', 200],
      ['getFlexRestoreJob', 'bearer', 200],
    ]);
    expect(rewrites()).toEqual(['downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it('an Atlas 404 is openapi-fetch’s { error, response } with the ApiError body', async () => {
    fx.clock = AFTER;
    const client = createClient<paths>({ baseUrl: fx.sim.url, fetch: shimFetch(), headers: { Authorization: `Bearer ${token}`, Accept: TENANT_MEDIA_TYPE } });
    const { data, error, response } = await client.POST('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/download', {
      params: { path: { groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared } },
      body: { snapshotId: UNKNOWN_SNAPSHOT, targetDeploymentItemName: fx.sim.clusters.shared },
      headers: { 'Content-Type': TENANT_MEDIA_TYPE },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ error: 404, errorCode: expect.any(String) });
    expect(backupCalls()).toEqual([['downloadFlexBackup', 'bearer', 404]]);
  });
});

describe('ky with ky.create({ fetch: createShimFetch(options) })', () => {
  it('before the sunset: the tenant endpoint, the caller’s token', async () => {
    const cluster = fx.sim.clusters.sharedM5;
    const { response, download, poll } = await kyDownloadAndPoll(shimFetch(), cluster);
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBe('@1737504000');
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(backupCalls()).toEqual([
      ['downloadClusterBackupTenant', 'bearer', 200],
      ['getBackupTenantRestore', 'bearer', 200],
    ]);
  });

  it('after the sunset: Flex underneath, the legacy shape and media type on top', async () => {
    fx.clock = AFTER;
    const cluster = fx.sim.clusters.sharedM5;
    const { response, download, poll } = await kyDownloadAndPoll(shimFetch(), cluster);
    expect(response.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(backupCalls()).toEqual([
      ['downloadFlexBackup', 'bearer', 200],
      ['getFlexRestoreJob', 'bearer', 200],
    ]);
  });

  it('an Atlas 404 throws ky’s HTTPError with the 404 response', async () => {
    fx.clock = AFTER;
    const api = ky.create({ prefixUrl: fx.sim.url + API, fetch: shimFetch(), headers: { authorization: `Bearer ${token}`, accept: TENANT_MEDIA_TYPE } });
    const error = await api
      .get(`groups/${fx.sim.groupId}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots/${UNKNOWN_SNAPSHOT}`)
      .then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(HTTPError);
    const { response } = error as HTTPError;
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 404, errorCode: expect.any(String) });
  });
});

describe('createShimFetch as a fetch', () => {
  it('passes every other request to options.fetch with the very arguments it was given; a tenant call never reaches it', async () => {
    const passOn = spyFetch();
    const fetch = shimFetch({ fetch: passOn });
    const flexUrl = `${fx.sim.url}${API}/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`;
    const init = { headers: { authorization: `Bearer ${token}` } };
    const request = new Request(`http://127.0.0.2:9${tenantPath(fx.sim.clusters.shared, 'snapshots')}`);
    const url = new URL(flexUrl);

    await fetch(flexUrl, init);
    await fetch(request);
    await fetch(url);
    await fetch(`${fx.sim.url}${tenantPath(fx.sim.clusters.shared, 'snapshots')}`, { method: 'DELETE' });
    expect(passOn).toHaveBeenCalledTimes(4);
    expect(passOn.mock.calls[0]?.[0]).toBe(flexUrl);
    expect(passOn.mock.calls[0]?.[1]).toBe(init);
    expect(passOn.mock.calls[1]).toHaveLength(1);
    expect(passOn.mock.calls[1]?.[0]).toBe(request);
    expect(passOn.mock.calls[2]?.[0]).toBe(url);
    expect(passOn.mock.calls[3]?.[1]).toEqual({ method: 'DELETE' });
    expect(fx.sim.requests).toEqual([]);

    const tenant = await fetch(`${fx.sim.url}${tenantPath(fx.sim.clusters.shared, 'snapshots')}`, { headers: { ...legacy, ...init.headers } });
    expect(tenant.status).toBe(200);
    expect(((await tenant.json()) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(passOn).toHaveBeenCalledTimes(4);
    expect(backupCalls()).toEqual([['listClusterBackupSnapshots', 'bearer', 200]]);
  });

  it('without options.fetch, passes them to globalThis.fetch as it is at the call', async () => {
    const fetch = shimFetch();
    const global = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('global'));
    const url = `${fx.sim.url}${API}/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`;
    const response = await fetch(url);
    expect(await response.text()).toBe('global');
    expect(global).toHaveBeenCalledTimes(1);
    expect(global.mock.calls[0]).toEqual([url]);
  });

  it('an Atlas 404 resolves as fetch does: a Response with status 404 and the ApiError body', async () => {
    fx.clock = AFTER;
    const response = await shimFetch()(`${fx.sim.url}${tenantPath(fx.sim.clusters.shared, `snapshots/${UNKNOWN_SNAPSHOT}`)}`, {
      headers: { ...legacy, authorization: `Bearer ${token}` },
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(404);
    expect(response.ok).toBe(false);
    expect(response.statusText).toBe('Not Found');
    expect(await response.json()).toMatchObject({ error: 404, errorCode: expect.any(String) });
  });

  it('init.signal and a Request’s signal abort a tenant call; the promise rejects with the signal’s reason', async () => {
    const fetch = shimFetch();
    const url = `${fx.sim.url}${tenantPath(fx.sim.clusters.shared, 'snapshots')}`;
    fx.sim.faults.inject({ kind: 'latency', delayMs: 2000, operationId: 'listClusterBackupSnapshots', times: 2 });
    const reason = new Error('the caller gave up');
    const controller = new AbortController();
    const pending = fetch(url, { headers: { ...legacy, authorization: `Bearer ${token}` }, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);

    const second = new AbortController();
    const request = new Request(url, { headers: { ...legacy, authorization: `Bearer ${token}` }, signal: second.signal });
    const aborted = fetch(request);
    setTimeout(() => second.abort(), 100);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a refusal of the shim rejects as fetch does on a failed request: TypeError("fetch failed") with the shim’s error as cause', async () => {
    fx.clock = AFTER;
    const error = await shimFetch({ route: 'tenant' })(`${fx.sim.url}${tenantPath(fx.sim.clusters.shared, 'snapshots')}`, { headers: legacy }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed' });
    expect((error as TypeError).cause).toBeInstanceOf(SunsetError);
    expect(backupCalls()).toEqual([]);
  });

  it('close() sends every request to options.fetch from then on', async () => {
    const passOn = spyFetch();
    const fetch = shimFetch({ fetch: passOn });
    await fetch.close();
    await fetch.close();
    await fetch(`${fx.sim.url}${tenantPath(fx.sim.clusters.shared, 'snapshots')}`);
    expect(passOn).toHaveBeenCalledTimes(1);
    expect(fx.sim.requests).toEqual([]);
  });

  it('wrong options: a ValidationError naming the option, before any request', () => {
    const passOn = spyFetch();
    expect(() => createShimFetch({ ...fx.clientOptions(), fetch: 42 as unknown as FetchFunction })).toThrow(/options\.fetch/);
    expect(() => createShimFetch({ ...fx.clientOptions(), fetch: passOn, credentials: {} } as unknown as ShimFetchOptions)).toThrow(ValidationError);
    expect(() => createShimFetch({ ...fx.clientOptions(), fetch: passOn, retries: 3 } as unknown as ShimFetchOptions)).toThrow(/retries/);
    expect(() => createShimFetch(null as unknown as ShimFetchOptions)).toThrow(ValidationError);
    expect(passOn).not.toHaveBeenCalled();
    expect(fx.sim.requests).toEqual([]);
  });
});
