import { fetch as undiciFetch, request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShimInterceptorOptions } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { SunsetError } from '../../src/errors/route-errors.js';
import { AFTER, BEFORE, restoreGlobalDispatcher, serviceAccountToken, shimDispatcher, useSimulator } from './adapter-fixture.js';

// The same adapter behind the three ways code sends HTTP on Node: undici.request, undici's
// fetch, and Node's own global fetch (Node 20 bundles undici 6, which reads the global
// dispatcher from the slot undici 7's setGlobalDispatcher fills).

const fx = useSimulator({ clock: AFTER, jobDurationMs: 0 });
restoreGlobalDispatcher();
let token: string;
beforeAll(async () => {
  token = await serviceAccountToken(fx.sim);
});

function at(date: Date): void {
  fx.clock = date;
}

const shim = (options: Partial<ShimInterceptorOptions> = {}): Dispatcher => shimDispatcher(fx, options);

const tenantUrl = (cluster: string, tail: string): string => `${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${cluster}/backup/tenant/${tail}`;
const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/') && r.status !== 401);
const bearer = () => ({ accept: TENANT_MEDIA_TYPE, authorization: `Bearer ${token}` });

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; dispatcher?: Dispatcher }) => Promise<Response>;

/** A download POST and a poll of its job, as legacy code writes them with a fetch function. */
async function downloadAndPoll(fetchFn: FetchLike, cluster: string, dispatcher?: Dispatcher): Promise<{ post: Response; postBody: any; job: any }> {
  const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
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
    const { post, postBody, job } = await downloadAndPoll(undiciFetchLike, fx.sim.clusters.shared, shim());
    expect(post.status).toBe(200);
    expect(post.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expect(post.headers.get('deprecation')).toBe('@1737504000');
    expect(post.headers.get('sunset')).toBe('Thu, 22 Jan 2026 00:00:00 GMT');
    expect(postBody).toMatchObject({ clusterName: fx.sim.clusters.shared, targetDeploymentItemName: fx.sim.clusters.shared });
    expect(job).toMatchObject({ id: postBody.id, status: 'COMPLETED', clusterName: fx.sim.clusters.shared });
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadFlexBackup', 'bearer'],
      ['getFlexRestoreJob', 'bearer'],
    ]);
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toHaveLength(2);
  });

  it('before the sunset: the tenant endpoint serves it, with the caller’s Bearer token', async () => {
    at(BEFORE);
    const { post, job } = await downloadAndPoll(undiciFetchLike, fx.sim.clusters.shared, shim());
    expect(post.headers.get('link')).toContain('rel="successor-version"');
    expect(job.status).toBe('COMPLETED');
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadClusterBackupTenant', 'bearer'],
      ['getBackupTenantRestore', 'bearer'],
    ]);
  });

  it('rejects with a TypeError whose cause is the SunsetError', async () => {
    const dispatcher = shim({ route: 'tenant' });
    const failure = await undiciFetch(tenantUrl(fx.sim.clusters.shared, 'snapshots'), { headers: bearer(), dispatcher }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toBeInstanceOf(SunsetError);
    expect(backupCalls()).toEqual([]);
  });
});

describe('installed with setGlobalDispatcher (from the same undici package)', () => {
  it("serves undici.request calls that name no dispatcher", async () => {
    setGlobalDispatcher(shim());
    const response = await request(tenantUrl(fx.sim.clusters.sharedM5, 'snapshots'), { headers: bearer() });
    const body = (await response.body.json()) as { results: { id: string }[] };
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    expect(body.results.map((s) => s.id)).toEqual(fx.sim.snapshotIds(fx.sim.clusters.sharedM5));
    expect(backupCalls().map((r) => r.operationId)).toEqual(['listFlexBackupSnapshots']);
  });

  it("serves Node's global fetch after the sunset (Node's bundled undici reads the same global slot)", async () => {
    setGlobalDispatcher(shim());
    const { post, postBody, job } = await downloadAndPoll(nodeFetch, fx.sim.clusters.shared);
    expect(post.status).toBe(200);
    expect(post.headers.get('content-type')).toBe(TENANT_MEDIA_TYPE);
    expect(post.headers.get('deprecation')).toBe('@1737504000');
    expect(postBody.clusterName).toBe(fx.sim.clusters.shared);
    expect(job.status).toBe('COMPLETED');
    expect(backupCalls().map((r) => [r.operationId, r.auth])).toEqual([
      ['downloadFlexBackup', 'bearer'],
      ['getFlexRestoreJob', 'bearer'],
    ]);
  });

  it("serves Node's global fetch before the sunset through the tenant endpoint", async () => {
    at(BEFORE);
    setGlobalDispatcher(shim());
    const { job } = await downloadAndPoll(nodeFetch, fx.sim.clusters.sharedM5);
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: fx.sim.clusters.sharedM5 });
    expect(backupCalls().map((r) => r.operationId)).toEqual(['downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it("makes Node's global fetch reject with the SunsetError as cause", async () => {
    setGlobalDispatcher(shim({ route: 'tenant' }));
    const failure = await fetch(tenantUrl(fx.sim.clusters.shared, 'download'), {
      method: 'POST',
      headers: { ...bearer(), 'content-type': TENANT_MEDIA_TYPE },
      body: JSON.stringify({ snapshotId: fx.sim.snapshotIds(fx.sim.clusters.shared)[0], targetDeploymentItemName: fx.sim.clusters.shared }),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toBeInstanceOf(SunsetError);
  });

  it('leaves requests elsewhere alone once installed', async () => {
    setGlobalDispatcher(shim());
    const response = await fetch(`${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}`, {
      headers: { accept: 'application/vnd.atlas.2024-11-13+json', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBeNull();
    expect(fx.sim.requests.map((r) => [r.operationId, r.auth])).toEqual([['getFlexCluster', 'bearer']]);
  });
});
