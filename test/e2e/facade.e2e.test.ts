import { describe, expect, it } from 'vitest';
import {
  AtlasApiError,
  SunsetError,
  UnsupportedClusterError,
  ValidationError,
  type RoutedSnapshotDownload,
  type ShimEvent,
  type SnapshotShim,
  type SnapshotShimOptions,
} from '../../src/index.js';
import { AFTER, BEFORE, SUNSET, useSimulator } from '../simulator/simulator-fixture.js';

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 200 });

function at(date: Date): void {
  fx.clock = date;
}

const shimWith = (options: Partial<SnapshotShimOptions> = {}): SnapshotShim => fx.shim(options);

function snapshotOf(cluster: string): string {
  return fx.sim.snapshotIds(cluster)[0] as string;
}

async function untilDone(shim: SnapshotShim, download: RoutedSnapshotDownload): Promise<RoutedSnapshotDownload> {
  let job = download;
  for (let i = 0; i < 100 && job.status !== 'COMPLETED' && job.status !== 'FAILED'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    job = await shim.getDownload(job);
  }
  return job;
}

// A cold digest client's first request is challenged (401) and sent again: count the signed ones.
const posts = () => fx.sim.requests.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/oauth') && r.status !== 401);
const lookups = () => fx.sim.requests.filter((r) => r.method === 'GET' && /\/(clusters|flexClusters)\/[^/]+$/.test(r.path) && r.status !== 401);

describe('each cluster kind, before and after the sunset (route auto)', () => {
  it('a shared M2 before the sunset goes to the tenant endpoint and completes', async () => {
    const shim = shimWith();
    const cluster = fx.sim.clusters.shared;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download).toMatchObject({ route: 'tenant', clusterName: cluster, snapshotId: snapshotOf(cluster), projectId: fx.sim.groupId });
    expect(download.decision).toMatchObject({
      route: 'tenant',
      clusterKind: 'shared',
      clusterKindSource: 'getCluster',
      flag: 'auto',
      afterSunset: false,
      fallback: undefined,
      endpoint: { operationId: 'downloadClusterBackupTenant', mediaType: 'application/vnd.atlas.2023-01-01+json' },
    });
    expect(posts().map((r) => r.path)).toEqual([download.decision.endpoint.path]);
    const done = await untilDone(shim, download);
    expect(done).toMatchObject({ route: 'tenant', status: 'COMPLETED', deliveryType: 'DOWNLOAD', decision: download.decision });
    expect(done.snapshotUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(done.expirationDate).toBeInstanceOf(Date);
    expect(done.raw.clusterName).toBe(cluster);
  });

  it('the shared M5 too', async () => {
    const shim = shimWith();
    const cluster = fx.sim.clusters.sharedM5;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.decision).toMatchObject({ route: 'tenant', clusterKind: 'shared', instanceSize: 'M5' });
  });

  it('the same shared cluster after the sunset goes to the Flex endpoint', async () => {
    at(AFTER);
    const shim = shimWith();
    const cluster = fx.sim.clusters.shared;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.route).toBe('flex');
    expect(download.decision).toMatchObject({ route: 'flex', afterSunset: true, endpoint: { operationId: 'downloadFlexBackup' } });
    // One POST, and it went to the Flex endpoint (an `every` over the list would pass it empty).
    expect(posts().map((r) => r.path)).toEqual([download.decision.endpoint.path]);
    expect(download.decision.endpoint.path).toContain('/flexClusters/');
    const done = await untilDone(shim, download);
    expect(done).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    expect(done.raw.instanceName).toBe(cluster);
  });

  it('a migrated Flex cluster and a native one go to the Flex endpoint', async () => {
    const shim = shimWith();
    for (const cluster of [fx.sim.clusters.flexLegacy, fx.sim.clusters.flex]) {
      const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
      expect(download.decision).toMatchObject({ route: 'flex', clusterKind: 'flex', fallback: undefined });
      expect((await untilDone(shim, download)).status).toBe('COMPLETED');
    }
  });

  it('a dedicated cluster is refused before any download is requested', async () => {
    const shim = shimWith();
    const cluster = fx.sim.clusters.dedicated;
    const error = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedClusterError);
    expect((error as Error).message).toMatch(/Cloud Backup restore jobs/);
    expect(posts()).toHaveLength(0);
  });
});

describe('the tenant flag', () => {
  it('tries the tenant endpoint for a migrated Flex cluster before the sunset, and it serves it', async () => {
    const shim = shimWith({ route: 'tenant' });
    const cluster = fx.sim.clusters.flexLegacy;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.decision).toMatchObject({ route: 'tenant', flag: 'tenant', fallback: undefined });
    expect((await untilDone(shim, download)).status).toBe('COMPLETED');
  });

  it('falls back once to the Flex endpoint when the tenant endpoint refuses a native Flex cluster', async () => {
    const shim = shimWith({ route: 'tenant' });
    const cluster = fx.sim.clusters.flex;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.route).toBe('flex');
    expect(download.decision.fallback).toMatchObject({ from: 'tenant', to: 'flex', status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API' });
    expect(download.decision.reason).toMatch(/used once instead/);
    expect(posts().map((r) => r.status)).toEqual([400, 200]);
    expect((await untilDone(shim, download)).status).toBe('COMPLETED');
  });

  it('a fallback that confirms the cached kind asks Atlas no kind again: N downloads cost one look-up', async () => {
    const shim = shimWith({ route: 'tenant' });
    const cluster = fx.sim.clusters.flex;
    await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(lookups()).toHaveLength(1);
    const again = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(again.decision).toMatchObject({ clusterKind: 'flex', route: 'flex', fallback: { from: 'tenant', to: 'flex' } });
    expect(lookups()).toHaveLength(1);
  });

  it('is refused after the sunset with a SunsetError, without a request', async () => {
    at(AFTER);
    const shim = shimWith({ route: 'tenant' });
    const cluster = fx.sim.clusters.shared;
    await expect(shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) })).rejects.toBeInstanceOf(SunsetError);
    expect(posts()).toHaveLength(0);
  });

  it('with allowSunsetEndpoint after the sunset, meets the removed endpoint and falls back to Flex once', async () => {
    at(AFTER);
    const shim = shimWith({ route: 'tenant', allowSunsetEndpoint: true });
    const cluster = fx.sim.clusters.shared;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.decision.fallback).toMatchObject({ from: 'tenant', to: 'flex', status: 410 });
    expect(posts()).toHaveLength(2);
  });

  it('when the tenant endpoint is already gone before the configured date, falls back to Flex', async () => {
    // Atlas switched the endpoint off (simulator past its sunset) while the shim still believes it is before the date.
    fx.sim.setNow(AFTER);
    const shim = shimWith({ route: 'tenant' });
    const cluster = fx.sim.clusters.flexLegacy;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.route).toBe('flex');
    expect(download.decision.fallback).toMatchObject({ from: 'tenant', to: 'flex', status: 410 });
    expect(posts().map((r) => r.status)).toEqual([410, 200]);
  });
});

describe('the flex flag and flag sources', () => {
  it("a 'flex' flag needs no cluster-kind look-up", async () => {
    const shim = shimWith({ route: 'flex' });
    const cluster = fx.sim.clusters.flex;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.decision).toMatchObject({ route: 'flex', clusterKindSource: 'not-asked' });
    expect(lookups()).toHaveLength(0);
  });

  it("a 'flex' flag on a shared cluster before the sunset falls back to the tenant endpoint", async () => {
    const shim = shimWith({ route: 'flex' });
    const cluster = fx.sim.clusters.shared;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(download.route).toBe('tenant');
    expect(download.decision.fallback).toMatchObject({ from: 'flex', to: 'tenant', errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API' });
  });

  it("a 'flex' flag on a dedicated cluster ends in UnsupportedClusterError, not a tenant request", async () => {
    const shim = shimWith({ route: 'flex' });
    const cluster = fx.sim.clusters.dedicated;
    await expect(shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) })).rejects.toBeInstanceOf(
      UnsupportedClusterError,
    );
    expect(posts().map((r) => r.path.includes('/flexClusters/'))).toEqual([true]);
  });

  it('a flag source is asked per call with the cluster and environment', async () => {
    const contexts: unknown[] = [];
    const shim = shimWith({
      environment: 'staging',
      appVersion: '2.3.4',
      route: async (context) => {
        contexts.push(context);
        return context.clusterName === fx.sim.clusters.shared ? 'tenant' : 'flex';
      },
    });
    const shared = await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    const flex = await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flexLegacy });
    expect([shared.route, flex.route]).toEqual(['tenant', 'flex']);
    expect(contexts[0]).toEqual({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared, environment: 'staging', appVersion: '2.3.4' });
  });

  it('a flag answer that is not a route routes as auto and is reported; strictFlags makes it an error', async () => {
    const events: ShimEvent[] = [];
    const lenient = shimWith({ route: () => 'tenants' as never, onEvent: (event) => events.push(event) });
    const decision = await lenient.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    expect(decision.flag).toBe('auto');
    expect(events).toEqual([{ type: 'flag-invalid', groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared, received: '"tenants"', usedFlag: 'auto' }]);
    const strict = shimWith({ route: () => 'tenants' as never, strictFlags: true });
    await expect(strict.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex })).rejects.toThrow(/route flag/);
  });

  it('a flag source that throws or hangs routes as auto and is reported', async () => {
    const events: ShimEvent[] = [];
    const throwing = shimWith({ route: () => { throw new Error('flag service down'); }, onEvent: (event) => events.push(event) });
    expect((await throwing.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex })).flag).toBe('auto');
    const hanging = shimWith({ route: () => new Promise(() => {}), flagTimeoutMs: 30, onEvent: (event) => events.push(event) });
    expect((await hanging.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex })).flag).toBe('auto');
    expect(events.map((e) => (e.type === 'flag-failed' ? [e.reason, e.message] : e.type))).toEqual([
      ['threw', 'flag service down'],
      ['timeout', 'no answer within 30 ms'],
    ]);
  });

  it('a fallback is reported as an event, and a throwing listener breaks nothing', async () => {
    const events: ShimEvent[] = [];
    const shim = shimWith({ route: 'tenant', onEvent: (event) => { events.push(event); throw new Error('listener bug'); } });
    const cluster = fx.sim.clusters.flex;
    const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(events).toEqual([{ type: 'route-fallback', decision: download.decision }]);
  });
});

describe('explainRoute', () => {
  it('returns the decision with the endpoint path and sends no POST', async () => {
    const shim = shimWith();
    const decision = await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    expect(decision).toMatchObject({
      route: 'tenant',
      clusterKind: 'shared',
      flag: 'auto',
      groupId: fx.sim.groupId,
      clusterName: fx.sim.clusters.shared,
      endpoint: { method: 'POST', path: `/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${fx.sim.clusters.shared}/backup/tenant/download` },
    });
    expect(decision.sunsetDate.toISOString()).toBe(SUNSET.toISOString());
    expect(decision.reason).toMatch(/shared M2\/M5/);
    expect(posts()).toHaveLength(0);
  });
});

describe('cluster-kind caching', () => {
  it('N downloads on one cluster cost one look-up; concurrent cold calls share it', async () => {
    const shim = shimWith();
    const cluster = fx.sim.clusters.flexLegacy;
    await Promise.all(
      Array.from({ length: 20 }, () => shim.explainRoute({ groupId: fx.sim.groupId, clusterName: cluster })),
    );
    for (let i = 0; i < 3; i += 1) await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
    expect(lookups()).toHaveLength(1);
  });

  it('a kind found before the sunset is not reused after it (Atlas migrates shared clusters then)', async () => {
    const shim = shimWith();
    expect((await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared })).clusterKind).toBe('shared');
    at(AFTER);
    expect((await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared })).clusterKind).toBe('flex');
    expect(lookups().length).toBeGreaterThanOrEqual(2);
  });

  it('a TTL of 0 asks again each time', async () => {
    const shim = shimWith({ clusterKindTtlMs: 0 });
    await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    expect(lookups()).toHaveLength(2);
  });
});

describe('authentication', () => {
  it('digest: a warm client pays one challenge for a series of calls', async () => {
    const shim = shimWith({ clusterKindTtlMs: 0 });
    for (let i = 0; i < 10; i += 1) await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    expect(fx.sim.requests.filter((r) => r.status === 401)).toHaveLength(1);
    const answered = fx.sim.requests.filter((r) => r.status === 200);
    expect(answered).toHaveLength(10);
    expect(answered.every((r) => r.auth === 'digest')).toBe(true);
  });

  it('a service account downloads too, with one token for many calls', async () => {
    const shim = shimWith({ credentials: fx.sim.serviceAccount });
    const cluster = fx.sim.clusters.flex;
    for (let i = 0; i < 3; i += 1) {
      const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) });
      expect(download.route).toBe('flex');
    }
    expect(fx.sim.requests.filter((r) => r.path === '/api/oauth/token')).toHaveLength(1);
    const calls = fx.sim.requests.filter((r) => r.path !== '/api/oauth/token');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((r) => r.auth === 'bearer')).toBe(true);
  });

  it('wrong digest credentials end in an AtlasApiError 401 without leaking the key', async () => {
    const shim = shimWith({ credentials: { publicKey: fx.sim.apiKey.publicKey, privateKey: 'not-the-key-0000' } });
    const error = await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    expect((error as AtlasApiError).status).toBe(401);
    expect(JSON.stringify(error) + String(error)).not.toContain('not-the-key-0000');
  });
});

describe('errors', () => {
  it('an unknown snapshot is an AtlasApiError with the envelope and the request', async () => {
    const shim = shimWith();
    const error = await shim
      .downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    const apiError = error as AtlasApiError;
    expect(apiError.status).toBe(404);
    expect(apiError.errorCode).toEqual(expect.any(String));
    expect(apiError.request).toEqual({ method: 'POST', path: `/api/atlas/v2/groups/${fx.sim.groupId}/flexClusters/${fx.sim.clusters.flex}/backup/download` });
  });

  it('an unknown cluster is an AtlasApiError 404 before any POST', async () => {
    const shim = shimWith();
    const error = await shim
      .downloadSnapshot({ groupId: fx.sim.groupId, clusterName: 'no-such-cluster', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    expect((error as AtlasApiError).status).toBe(404);
    expect(posts()).toHaveLength(0);
  });

  it('bad input is refused before any request', async () => {
    const shim = shimWith();
    const cases: [unknown, string][] = [
      [{ groupId: 'nope', clusterName: 'a', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, 'groupId'],
      [{ groupId: fx.sim.groupId, clusterName: '../x', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, 'clusterName'],
      [{ groupId: fx.sim.groupId, clusterName: 'a', snapshotId: 12 }, 'snapshotId'],
      [{ groupId: fx.sim.groupId, clusterName: 'a', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa', targetDeploymentItemName: 'a/b' }, 'targetDeploymentItemName'],
      [{ groupId: fx.sim.groupId, clusterName: 'a', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa', signal: 'x' }, 'signal'],
      [null, 'downloadSnapshot argument'],
    ];
    for (const [input, field] of cases) {
      const error = await shim.downloadSnapshot(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    await expect(shim.getDownload({ route: 'x' } as never)).rejects.toThrow(/download.route/);
    expect(fx.sim.requests).toHaveLength(0);
  });

  it('an aborted signal stops the call', async () => {
    const shim = shimWith();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId: snapshotOf(fx.sim.clusters.flex), signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(fx.sim.requests).toHaveLength(0);
  });
});
