import axios from 'axios';
import { Agent, type Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { axiosSnapshotShim } from '../../adapters/axios.js';
import { createShimFetch } from '../../adapters/fetch.js';
import type { ShimInterceptorOptions } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import { AFTER, BEFORE, send, shimDispatcher, useSimulator } from './adapter-fixture.js';

// Code written before 2023 calls the tenant operations under /api/atlas/v1.0/ with digest
// auth, `Accept: application/json` and a download body of `{ snapshotId }` alone; some
// callers ask for `envelope=true`. The undici adapter serves both, before the sunset by
// passing through and after it by rewriting to Flex; the axios and fetch adapters, built on
// it, do the same.

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });

/** The caller's stack: its own digest key, with the shim composed outside it. */
function digestCaller(options: Partial<ShimInterceptorOptions> = {}): Dispatcher {
  const signed = new Agent().compose(createDigestAuthInterceptor({ ...fx.sim.apiKey, origin: fx.sim.url }));
  return shimDispatcher(fx, options, signed);
}

const v1 = (cluster: string, tail: string): string => `${fx.sim.url}/api/atlas/v1.0/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const v2 = (cluster: string, tail: string): string => `${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };
const answered = () => fx.sim.requests.filter((r) => r.status !== 401 && r.path.includes('/backup/'));
const hrefs = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/"href":"([^"]+)"/g)].map((m) => m[1] as string);

describe('the v1.0 tenant paths', () => {
  for (const [when, clock, served] of [
    ['before the sunset: passed through to the v1.0 path, signed by the caller', BEFORE, 'v1.0'],
    ['after the sunset: rewritten to Flex, answered in the v1.0 shape', AFTER, 'flex'],
  ] as const) {
    it(`download, poll and list, ${when}`, async () => {
      fx.clock = clock;
      const dispatcher = digestCaller();
      const cluster = fx.sim.clusters.shared;
      const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;

      const download = await send(dispatcher, 'POST', v1(cluster, 'download'), { headers: JSON_HEADERS, body: JSON.stringify({ snapshotId }) });
      expect(download.status, download.text).toBe(200);
      expect(download.headers['content-type']).toMatch(/^application\/json/);
      expect(download.json).toMatchObject({ snapshotId, clusterName: cluster, targetDeploymentItemName: cluster, id: expect.any(String) });
      expect(download.json).not.toHaveProperty('instanceName');

      const job = await send(dispatcher, 'GET', v1(cluster, `restores/${download.json.id}`), { headers: { accept: 'application/json' } });
      expect(job.status, job.text).toBe(200);
      expect(job.json).toMatchObject({ id: download.json.id, status: 'COMPLETED', snapshotUrl: expect.any(String), clusterName: cluster });

      const list = await send(dispatcher, 'GET', v1(cluster, 'snapshots'), { headers: { accept: 'application/json' } });
      expect(list.status, list.text).toBe(200);
      expect(list.json.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(cluster));
      // Every link the caller may follow leads back to a v1.0 tenant path (and so through the shim again).
      const links = hrefs([download.json, job.json, list.json]);
      expect(links.length).toBeGreaterThan(0);
      for (const href of links) expect(href).toContain('/api/atlas/v1.0/');

      const calls = answered().map((r) => [r.operationId, r.path.startsWith('/api/atlas/v1.0/') ? 'v1.0' : 'v2', r.auth]);
      expect(calls).toEqual(
        served === 'v1.0'
          ? [
              ['downloadClusterBackupTenant', 'v1.0', 'digest'],
              ['getBackupTenantRestore', 'v1.0', 'digest'],
              ['listClusterBackupSnapshots', 'v1.0', 'digest'],
            ]
          : [
              ['downloadFlexBackup', 'v2', 'digest'],
              ['getFlexRestoreJob', 'v2', 'digest'],
              ['listFlexBackupSnapshots', 'v2', 'digest'],
            ],
      );
      expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toHaveLength(served === 'flex' ? 3 : 0);
    });
  }

  it('refuses a malformed id in a v1.0 path before anything is sent, as on v2', async () => {
    fx.clock = AFTER;
    const failure = await send(digestCaller(), 'GET', v1(fx.sim.clusters.shared, 'restores/not-an-id'), { headers: { accept: 'application/json' } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'ValidationError', field: 'restoreId' });
    expect(answered()).toEqual([]);
  });
});

describe('envelope=true', () => {
  it('wraps a rewritten answer as Atlas wraps the tenant one: a resource under content, a list with status beside results', async () => {
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const body = JSON.stringify({ snapshotId, targetDeploymentItemName: cluster });
    const headers = { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE };
    const shapes: Record<string, unknown>[] = [];
    for (const clock of [BEFORE, AFTER]) {
      fx.clock = clock;
      const dispatcher = digestCaller();
      const download = await send(dispatcher, 'POST', `${v2(cluster, 'download')}?envelope=true`, { headers, body });
      expect(download.status, download.text).toBe(200);
      expect(download.json).toMatchObject({ status: 200, content: { snapshotId, clusterName: cluster } });
      const list = await send(dispatcher, 'GET', `${v2(cluster, 'snapshots')}?envelope=true&itemsPerPage=2`, { headers: { accept: TENANT_MEDIA_TYPE } });
      expect(list.status, list.text).toBe(200);
      expect(list.json).toMatchObject({ status: 200, results: expect.any(Array) });
      expect(list.json.results).toHaveLength(2);
      shapes.push({ download: Object.keys(download.json).sort(), content: Object.keys(download.json.content).sort(), list: Object.keys(list.json).sort() });
    }
    // The shim's rewrite (after) gives the shape the tenant endpoint itself gave (before).
    expect(shapes[1]).toEqual(shapes[0]);
    expect(answered().filter((r) => r.path.includes('/flexClusters/')).map((r) => r.operationId)).toEqual(['downloadFlexBackup', 'listFlexBackupSnapshots']);
  });

  it('leaves an error answer as the ApiError it is, and a v1.0 call without envelope unwrapped', async () => {
    fx.clock = AFTER;
    const dispatcher = digestCaller();
    const cluster = fx.sim.clusters.shared;
    const missing = await send(dispatcher, 'GET', `${v2(cluster, `snapshots/${'0'.repeat(24)}`)}?envelope=true`, { headers: { accept: TENANT_MEDIA_TYPE } });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 404, errorCode: expect.any(String) });
    expect(missing.json).not.toHaveProperty('content');
    const plain = await send(dispatcher, 'GET', `${v1(cluster, 'snapshots')}?envelope=false`, { headers: { accept: 'application/json' } });
    expect(plain.json).not.toHaveProperty('status');
  });
});

describe('the axios and fetch adapters on v1.0 paths', () => {
  it('axios: a v1.0 download after the sunset is served through Flex, in the v1.0 shape, enveloped when asked', async () => {
    fx.clock = AFTER;
    const api = axios.create({ baseURL: `${fx.sim.url}/api/atlas/v1.0` });
    fx.closeAfterTest(axiosSnapshotShim(api, { ...fx.clientOptions(), onEvent: fx.onEvent }));
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const { status, headers, data } = await api.post(`/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/download`, { snapshotId }, { params: { envelope: true } });
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(data).toMatchObject({ status: 200, content: { snapshotId, clusterName: cluster, targetDeploymentItemName: cluster } });
    for (const href of hrefs(data)) expect(href).toContain('/api/atlas/v1.0/');
    expect(answered().map((r) => r.operationId)).toEqual(['downloadFlexBackup']);
  });

  it('fetch: a v1.0 snapshot list passes through before the sunset and is rewritten after it, the same ids either way', async () => {
    const shimFetch = fx.closeAfterTest(createShimFetch({ ...fx.clientOptions(), credentials: fx.sim.apiKey, onEvent: fx.onEvent }));
    const cluster = fx.sim.clusters.shared;
    const ids: string[][] = [];
    for (const clock of [BEFORE, AFTER]) {
      fx.clock = clock;
      // Before the sunset the request passes through as sent, so it must carry its own answer to the digest challenge: the shim's fetch lets the 401 through.
      const response = await shimFetch(v1(cluster, 'snapshots'), { headers: { accept: 'application/json' } });
      if (clock === BEFORE) {
        expect(response.status).toBe(401);
        // Challenged before the operation is matched, so the log names the path only.
        expect(fx.sim.requests.filter((r) => r.path.includes('/backup/')).map((r) => [r.path, r.status])).toEqual([[new URL(v1(cluster, 'snapshots')).pathname, 401]]);
        continue;
      }
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      ids.push(((await response.json()) as { results: { id: string }[] }).results.map((s) => s.id));
    }
    expect(ids).toEqual([fx.sim.snapshotIds(cluster)]);
    expect(answered().map((r) => [r.operationId, r.path.startsWith('/api/atlas/v1.0/')])).toEqual([['listFlexBackupSnapshots', false]]);
  });
});
