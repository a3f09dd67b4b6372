import axios, { AxiosError, CanceledError, type AxiosAdapter, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axiosSnapshotShim, type AxiosSnapshotShim, type ShimInterceptorOptions } from '../../adapters/axios.js';
import { createAtlasApi } from '../../examples/axios-codebase/atlas-api.mjs';
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
});

const legacy = { Accept: TENANT_MEDIA_TYPE };
const legacyPost = { Accept: TENANT_MEDIA_TYPE, 'Content-Type': TENANT_MEDIA_TYPE };
/** The codebases' instances have `${sim.url}/api/atlas/v2` as baseURL, as Atlas clients do; paths are relative to it. */
const API = '/api/atlas/v2';
const tenantPath = (cluster: string, tail: string): string => `/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const UNKNOWN_SNAPSHOT = 'ffffffffffffffffffffffff';

/** The shim on `instance`, with the fixture's options (events into fx.events), closed after the test. */
function shim(instance: AxiosInstance, overrides: Partial<ShimInterceptorOptions> = {}): AxiosSnapshotShim {
  return fx.closeAfterTest(axiosSnapshotShim(instance, { ...fx.clientOptions(), onEvent: fx.onEvent, ...overrides }));
}

/** A codebase's instance that sends a service account's Bearer token. */
const bearerApi = (): AxiosInstance => axios.create({ baseURL: fx.sim.url + API, headers: { Authorization: `Bearer ${token}` } });

/** A codebase's instance with a digest response interceptor of its own (the example's), signing with the API key. */
const digestApi = (): AxiosInstance => createAtlasApi({ baseUrl: fx.sim.url, ...fx.sim.apiKey });

/** An adapter that answers every request itself and remembers it: the instance's own adapter, to see what reaches it. */
function spyAdapter(): AxiosAdapter & { calls: InternalAxiosRequestConfig[] } {
  const calls: InternalAxiosRequestConfig[] = [];
  const adapter: AxiosAdapter = async (config) => {
    calls.push(config);
    return { data: '{"from":"spy"}', status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, config, request: {} } satisfies AxiosResponse;
  };
  return Object.assign(adapter, { calls });
}

/** Requests the simulator answered, as [operationId, auth, status], without the challenges and the shim's cluster-kind look-ups. */
const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401).map((r) => [r.operationId, r.auth, r.status]);
const rewrites = () => fx.events.flatMap((e) => (e.type === 'legacy-rewrite' ? [e.operationId] : []));

/** The tenant download, then one poll of its job, as legacy code sends them. */
async function downloadAndPoll(api: AxiosInstance, cluster: string): Promise<[AxiosResponse, AxiosResponse]> {
  const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
  const download = await api.post(tenantPath(cluster, 'download'), { snapshotId, targetDeploymentItemName: cluster }, { headers: legacyPost });
  const poll = await api.get(tenantPath(cluster, `restores/${download.data.id as string}`), { headers: legacy });
  return [download, poll];
}

function expectLegacyRestore(response: AxiosResponse, cluster: string): void {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
  expect(response.data).toMatchObject({ clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0], targetDeploymentItemName: cluster, deliveryType: 'DOWNLOAD' });
  expect(response.data).not.toHaveProperty('instanceName');
}

describe('before the sunset, a shared cluster: tenant calls pass through with the caller’s auth', () => {
  it('Bearer: downloadClusterBackupTenant and getBackupTenantRestore reach the tenant endpoint with the caller’s token', async () => {
    const api = bearerApi();
    shim(api, { credentials: fx.sim.apiKey });
    const cluster = fx.sim.clusters.shared;
    const [download, poll] = await downloadAndPoll(api, cluster);
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(poll.data.id).toBe(download.data.id);
    // The shim marks the answers: axios's transformResponse parsed the JSON as for any answer, and the headers are the tenant call's.
    expect(download.headers.deprecation).toBe('@1737504000');
    expect(backupCalls()).toEqual([
      ['downloadClusterBackupTenant', 'bearer', 200],
      ['getBackupTenantRestore', 'bearer', 200],
    ]);
    expect(rewrites()).toEqual([]);
  });

  it('digest: the codebase’s own interceptor sees Atlas’s 401 and signs the request again', async () => {
    const api = digestApi();
    // The shim's own look-ups use the service account, so each digest signature the simulator sees is the codebase's.
    shim(api, { credentials: fx.sim.serviceAccount });
    const cluster = fx.sim.clusters.sharedM5;
    const [download, poll] = await downloadAndPoll(api, cluster);
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(backupCalls()).toEqual([
      ['downloadClusterBackupTenant', 'digest', 200],
      ['getBackupTenantRestore', 'digest', 200],
    ]);
    const challenged = fx.sim.requests.filter((r) => r.status === 401 && r.path.includes('/backup/tenant/'));
    expect(challenged.map((r) => [r.method, r.auth])).toEqual([
      ['POST', 'none'],
      ['GET', 'none'],
    ]);
  });
});

describe('after the sunset: tenant calls are rewritten to Flex and answered in the legacy shape', () => {
  it('Bearer: downloadFlexBackup and getFlexRestoreJob with the caller’s token, TenantRestore back', async () => {
    fx.clock = AFTER;
    const api = bearerApi();
    shim(api, { credentials: fx.sim.apiKey });
    const cluster = fx.sim.clusters.shared;
    const [download, poll] = await downloadAndPoll(api, cluster);
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(poll.data).toMatchObject({ id: download.data.id, status: 'COMPLETED' });
    expect(backupCalls()).toEqual([
      ['downloadFlexBackup', 'bearer', 200],
      ['getFlexRestoreJob', 'bearer', 200],
    ]);
    expect(rewrites()).toEqual(['downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it('digest codebase: the shim signs the Flex calls with its own credentials; the codebase sees no challenge', async () => {
    fx.clock = AFTER;
    const api = digestApi();
    shim(api, { credentials: fx.sim.serviceAccount });
    const cluster = fx.sim.clusters.sharedM5;
    const [download, poll] = await downloadAndPoll(api, cluster);
    expectLegacyRestore(download, cluster);
    expectLegacyRestore(poll, cluster);
    expect(backupCalls()).toEqual([
      ['downloadFlexBackup', 'bearer', 200],
      ['getFlexRestoreJob', 'bearer', 200],
    ]);
    expect(fx.sim.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('a list (listClusterBackupSnapshots) comes back as PaginatedTenantSnapshot, parsed by axios', async () => {
    fx.clock = AFTER;
    const api = bearerApi();
    shim(api);
    const cluster = fx.sim.clusters.shared;
    const { data, status } = await api.get(tenantPath(cluster, 'snapshots'), { headers: legacy });
    expect(status).toBe(200);
    expect(data.results.map((snapshot: { id: string }) => snapshot.id)).toEqual(fx.sim.snapshotIds(cluster));
    expect(backupCalls()).toEqual([['listFlexBackupSnapshots', 'bearer', 200]]);
  });
});

describe('every other request goes to the instance’s own adapter, untouched', () => {
  it('a Flex call, a tenant path on another origin and a method the tenant operation lacks reach the spy; a tenant call does not', async () => {
    const own = spyAdapter();
    const api = axios.create({ baseURL: fx.sim.url + API, adapter: own, headers: { Authorization: `Bearer ${token}` } });
    shim(api);
    const cluster = fx.sim.clusters.shared;

    const flex = await api.get(`/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`, { headers: { 'X-Mine': 'kept' } });
    const elsewhere = await api.get(`http://127.0.0.2:9${API}${tenantPath(cluster, 'snapshots')}`);
    const deleted = await api.delete(tenantPath(cluster, 'snapshots'));
    for (const response of [flex, elsewhere, deleted]) expect(response.data).toEqual({ from: 'spy' });
    expect(own.calls.map((config) => [config.method, config.url])).toEqual([
      ['get', `/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`],
      ['get', `http://127.0.0.2:9${API}${tenantPath(cluster, 'snapshots')}`],
      ['delete', tenantPath(cluster, 'snapshots')],
    ]);
    expect(own.calls[0]?.headers['X-Mine']).toBe('kept');
    expect(own.calls[0]?.headers.Authorization).toBe(`Bearer ${token}`);
    expect(fx.sim.requests).toEqual([]);

    const tenant = await api.get(tenantPath(cluster, 'snapshots'), { headers: legacy });
    expect(tenant.data.results.length).toBeGreaterThan(0);
    expect(own.calls).toHaveLength(3);
    expect(backupCalls()).toEqual([['listClusterBackupSnapshots', 'bearer', 200]]);
  });

  it('close() puts the previous adapter back: tenant calls go to it from then on', async () => {
    const own = spyAdapter();
    const api = axios.create({ baseURL: fx.sim.url + API, adapter: own });
    const installed = shim(api);
    expect(api.defaults.adapter).not.toBe(own);
    await installed.close();
    expect(api.defaults.adapter).toBe(own);
    await installed.close();
    await api.get(tenantPath(fx.sim.clusters.shared, 'snapshots'));
    expect(own.calls).toHaveLength(1);
    expect(fx.sim.requests).toEqual([]);
  });

  it('a shim closed under a later one passes every request on to what it wrapped', async () => {
    const own = spyAdapter();
    const api = axios.create({ baseURL: fx.sim.url + API, adapter: own });
    const first = shim(api);
    const second = shim(api);
    const outer = api.defaults.adapter;
    await first.close();
    // The later shim stays installed; below it, the first one now hands everything to the spy.
    expect(api.defaults.adapter).toBe(outer);
    await second.close();
    expect(api.defaults.adapter).not.toBe(own);
    await api.get(tenantPath(fx.sim.clusters.shared, 'snapshots'));
    expect(own.calls).toHaveLength(1);
  });
});

describe('answers and errors as axios gives them', () => {
  it('an Atlas 404 rejects with an AxiosError carrying the response and its ApiError body (rewritten and passed through alike)', async () => {
    const api = bearerApi();
    shim(api);
    const cluster = fx.sim.clusters.shared;
    const body = { snapshotId: UNKNOWN_SNAPSHOT, targetDeploymentItemName: cluster };
    for (const clock of [BEFORE, AFTER]) {
      fx.clock = clock;
      const error = await api.post(tenantPath(cluster, 'download'), body, { headers: legacyPost }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error, clock.toISOString()).toBeInstanceOf(AxiosError);
      const axiosError = error as AxiosError<{ error: number; errorCode: string }>;
      expect(axiosError.code).toBe(AxiosError.ERR_BAD_REQUEST);
      expect(axiosError.message).toBe('Request failed with status code 404');
      expect(axiosError.response?.status).toBe(404);
      expect(axiosError.response?.data).toMatchObject({ error: 404, errorCode: expect.any(String) });
    }
    // Before the sunset the tenant endpoint answered the 404 itself; after it, the Flex endpoint did.
    expect(backupCalls()[0]).toEqual(['downloadClusterBackupTenant', 'bearer', 404]);
    expect(backupCalls().at(-1)).toEqual(['downloadFlexBackup', 'bearer', 404]);
  });

  it('validateStatus decides, as in axios’s settle: accepting every status resolves with the 404', async () => {
    fx.clock = AFTER;
    const api = bearerApi();
    shim(api);
    const response = await api.get(tenantPath(fx.sim.clusters.shared, `snapshots/${UNKNOWN_SNAPSHOT}`), { headers: legacy, validateStatus: () => true });
    expect(response.status).toBe(404);
    expect(response.statusText).toBe('Not Found');
    expect(response.data).toMatchObject({ error: 404 });
  });

  it('responseType arraybuffer gives a Buffer of the legacy answer', async () => {
    fx.clock = AFTER;
    const api = bearerApi();
    shim(api);
    const response = await api.get(tenantPath(fx.sim.clusters.shared, 'snapshots'), { headers: legacy, responseType: 'arraybuffer' });
    expect(Buffer.isBuffer(response.data)).toBe(true);
    expect(JSON.parse((response.data as Buffer).toString('utf8')).results.length).toBeGreaterThan(0);
  });

  it('an abort rejects with axios’s CanceledError, and a timeout with its ECONNABORTED error', async () => {
    const api = bearerApi();
    shim(api);
    const path = tenantPath(fx.sim.clusters.shared, 'snapshots');
    fx.sim.faults.inject({ kind: 'latency', delayMs: 2000, operationId: 'listClusterBackupSnapshots', times: 2 });
    const controller = new AbortController();
    const aborted = api.get(path, { headers: legacy, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const cancel = await aborted.then(() => undefined, (failure: unknown) => failure);
    expect(cancel).toBeInstanceOf(CanceledError);
    expect(axios.isCancel(cancel)).toBe(true);

    const timedOut = await api.get(path, { headers: legacy, timeout: 100 }).then(() => undefined, (failure: unknown) => failure);
    expect(timedOut).toBeInstanceOf(AxiosError);
    expect(timedOut).not.toBeInstanceOf(CanceledError);
    expect(timedOut).toMatchObject({ code: AxiosError.ECONNABORTED, message: 'timeout of 100ms exceeded' });
  });

  it('a refusal of the shim (SunsetError) rejects as an AxiosError with the shim’s error as cause, before any tenant request', async () => {
    fx.clock = AFTER;
    const api = bearerApi();
    shim(api, { route: 'tenant' });
    const error = await api.get(tenantPath(fx.sim.clusters.shared, 'snapshots'), { headers: legacy }).then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(AxiosError);
    expect(error).toMatchObject({ name: 'SunsetError', code: 'SUNSET' });
    expect((error as AxiosError).response).toBeUndefined();
    expect((error as AxiosError).cause).toBeInstanceOf(SunsetError);
    expect((error as AxiosError).config?.url).toBe(tenantPath(fx.sim.clusters.shared, 'snapshots'));
    expect(backupCalls()).toEqual([]);
  });

  it('a malformed id in a tenant path rejects with a ValidationError cause, and nothing reaches Atlas', async () => {
    const api = bearerApi();
    shim(api);
    const error = await api.get(tenantPath(fx.sim.clusters.shared, 'restores/not-an-id'), { headers: legacy }).then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).cause).toBeInstanceOf(ValidationError);
    expect((error as AxiosError).cause).toMatchObject({ field: 'restoreId' });
    expect(fx.sim.requests).toEqual([]);
  });
});

describe('wrong arguments: a ValidationError before anything is changed or sent', () => {
  it('refuses a wrong option, and leaves the instance’s adapter as it was', () => {
    const own = spyAdapter();
    const api = axios.create({ baseURL: fx.sim.url + API, adapter: own });
    expect(() => axiosSnapshotShim(api, { credentials: {} } as unknown as ShimInterceptorOptions)).toThrow(ValidationError);
    expect(() => axiosSnapshotShim(api, { ...fx.clientOptions(), baseUrl: 'ftp://example.com' })).toThrow(/baseUrl/);
    expect(() => axiosSnapshotShim(api, { ...fx.clientOptions(), deprecationHeaders: 'yes' } as unknown as ShimInterceptorOptions)).toThrow(/deprecationHeaders/);
    expect(api.defaults.adapter).toBe(own);
    expect(fx.sim.requests).toEqual([]);
  });

  it('refuses what is not an axios instance', () => {
    const error = (() => {
      try {
        axiosSnapshotShim({} as AxiosInstance, fx.clientOptions());
      } catch (failure) {
        return failure;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'instance' });
  });

});
