import { fetch as undiciFetch, getGlobalDispatcher, request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShimDispatcher, type ShimInterceptorOptions } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { SunsetError } from '../../src/errors/sunset-error.js';
import type { ShimEvent } from '../../src/events/shim-event.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';

// The same adapter behind the three ways code sends HTTP on Node: undici.request, undici's
// fetch, and Node's own global fetch (Node 20 bundles undici 6, which reads the global
// dispatcher from the slot undici 7's setGlobalDispatcher fills).

const SUNSET = new Date('2026-01-22T00:00:00Z');
const BEFORE = new Date('2026-01-10T12:00:00Z');
const AFTER = new Date('2026-02-10T12:00:00Z');

let sim: AtlasSimulator;
let clock = AFTER;
let token: string;
let previous: Dispatcher;
const dispatchers: Dispatcher[] = [];
let events: ShimEvent[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 0 });
  const { clientId, clientSecret } = sim.serviceAccount;
  const response = await request(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  token = ((await response.body.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  previous = getGlobalDispatcher();
});
afterEach(async () => {
  setGlobalDispatcher(previous);
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  sim.clearRequests();
  sim.setNow(undefined);
  events = [];
  clock = AFTER;
});

function at(date: Date): void {
  clock = date;
  sim.setNow(date);
}

function shim(options: Partial<ShimInterceptorOptions> = {}): Dispatcher {
  const dispatcher = createShimDispatcher({
    baseUrl: sim.url,
    credentials: sim.apiKey,
    sunsetDate: SUNSET,
    now: () => clock,
    onEvent: (e) => events.push(e),
    ...options,
  });
  dispatchers.push(dispatcher);
  return dispatcher;
}

const tenantUrl = (cluster: string, tail: string): string => `${sim.url}/api/atlas/v2/groups/${sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const backupCalls = () => sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401);
const bearer = () => ({ accept: TENANT_MEDIA_TYPE, authorization: `Bearer ${token}` });

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; dispatcher?: Dispatcher }) => Promise<Response>;

/** A download POST and a poll of its job, as legacy code writes them with a fetch function. */
async function downloadAndPoll(fetchFn: FetchLike, cluster: string, dispatcher?: Dispatcher): Promise<{ post: Response; postBody: any; job: any }> {
  const snapshotId = sim.snapshotIds(cluster)[0] as string;
  const post = await fetchFn(tenantUrl(cluster, 'download'), {
    method: 'POST',
    headers: { ...bearer(), 'content-type': TENANT_MEDIA_TYPE },
    body: JSON.stringify({ snapshotId, targetDeploymentItemName: cluster }),
    ...(dispatcher ? { dispatcher } : {}),
  });
  const postBody = (await post.json()) as any;
  const poll = await fetchFn(tenantUrl(cluster, `restores/${postBody.id}`), { method: 'GET', headers: bearer(), ...(dispatcher ? { dispatcher } : {}) });
  expect(poll.status).toBe(200);
  return { post, postBody, job: await poll.json() };
}

const nodeFetch = globalThis.fetch as unknown as FetchLike;
const undiciFetchLike = undiciFetch as unknown as FetchLike;

describe("undici's fetch with the shim as its dispatcher", () => {
  it('after the sunset: rewritten to Flex, legacy body and media type, headers on the Response', async () => {
    const { post, postBody, job } = await downloadAndPoll(undiciFetchLike, sim.clusters.shared, shim());
    expect(post.status).toBe(200);
    expect(post.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expect(post.headers.get('deprecation')).toBe('@1737504000');
    expect(post.headers.get('sunset')).toBe('Thu, 22 Jan 2026 00:00:00 GMT');
    expect(postBody).toMatchObject({ clusterName: sim.clusters.shared, targetDeploymentItemName: sim.clusters.shared });
    expect(job).toMatchObject({ id: postBody.id, status: 'COMPLETED', clusterName: sim.clusters.shared });
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadFlexBackup', 'bearer'],
      ['getFlexRestoreJob', 'bearer'],
    ]);
    expect(events.filter((e) => e.type === 'legacy-rewrite')).toHaveLength(2);
  });

  it('before the sunset: the tenant endpoint serves it, with the caller’s Bearer token', async () => {
    at(BEFORE);
    const { post, job } = await downloadAndPoll(undiciFetchLike, sim.clusters.shared, shim());
    expect(post.headers.get('link')).toContain('rel="successor-version"');
    expect(job.status).toBe('COMPLETED');
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadClusterBackupTenant', 'bearer'],
      ['getBackupTenantRestore', 'bearer'],
    ]);
  });

  it('rejects with a TypeError whose cause is the SunsetError', async () => {
    const dispatcher = shim({ route: 'tenant' });
    const failure = await undiciFetch(tenantUrl(sim.clusters.shared, 'snapshots'), { headers: bearer(), dispatcher }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toBeInstanceOf(SunsetError);
    expect(backupCalls()).toEqual([]);
  });
});

describe('installed with setGlobalDispatcher (from the same undici package)', () => {
  it("serves undici.request calls that name no dispatcher", async () => {
    setGlobalDispatcher(shim());
    const response = await request(tenantUrl(sim.clusters.sharedM5, 'snapshots'), { headers: bearer() });
    const body = (await response.body.json()) as { results: { id: string }[] };
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    expect(body.results.map((s) => s.id)).toEqual(sim.snapshotIds(sim.clusters.sharedM5));
    expect(backupCalls().map((r) => r.operationId)).toEqual(['listFlexBackupSnapshots']);
  });

  it("serves Node's global fetch after the sunset (Node's bundled undici reads the same global slot)", async () => {
    setGlobalDispatcher(shim());
    const { post, postBody, job } = await downloadAndPoll(nodeFetch, sim.clusters.shared);
    expect(post.status).toBe(200);
    expect(post.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expect(post.headers.get('deprecation')).toBe('@1737504000');
    expect(postBody.clusterName).toBe(sim.clusters.shared);
    expect(job.status).toBe('COMPLETED');
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadFlexBackup', 'bearer'],
      ['getFlexRestoreJob', 'bearer'],
    ]);
  });

  it("serves Node's global fetch before the sunset through the tenant endpoint", async () => {
    at(BEFORE);
    setGlobalDispatcher(shim());
    const { job } = await downloadAndPoll(nodeFetch, sim.clusters.sharedM5);
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: sim.clusters.sharedM5 });
    expect(backupCalls().map((r) => r.operationId)).toEqual(['downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it("makes Node's global fetch reject with the SunsetError as cause", async () => {
    setGlobalDispatcher(shim({ route: 'tenant' }));
    const failure = await fetch(tenantUrl(sim.clusters.shared, 'download'), {
      method: 'POST',
      headers: { ...bearer(), 'content-type': TENANT_MEDIA_TYPE },
      body: JSON.stringify({ snapshotId: sim.snapshotIds(sim.clusters.shared)[0], targetDeploymentItemName: sim.clusters.shared }),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toBeInstanceOf(SunsetError);
  });

  it('leaves requests elsewhere alone once installed', async () => {
    setGlobalDispatcher(shim());
    const response = await fetch(`${sim.url}/api/atlas/v2/groups/${sim.groupId}/flexClusters/${sim.clusters.flex}`, {
      headers: { accept: 'application/vnd.atlas.2024-11-13+json', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBeNull();
    expect(sim.requests.map((r) => [r.operationId, r.auth])).toEqual([['getFlexCluster', 'bearer']]);
  });
});
