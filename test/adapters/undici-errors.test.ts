import { Agent, errors, request, type Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { createShimDispatcher, createShimInterceptor, deprecationNotice, tenantDeprecationDate, type ShimInterceptorOptions } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import { SunsetError, UnsupportedClusterError } from '../../src/errors/route-errors.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { failureOf } from '../faults/fault-fixture.js';
import { AFTER, shimDispatcher, SUNSET, useSimulator } from './adapter-fixture.js';

// Whatever keeps the shim from taking a decision must reach the caller as the error itself,
// through undici's error path, before anything is sent to a backup endpoint.

const fx = useSimulator({ clock: AFTER, jobDurationMs: 0 });

const options = (extra: Partial<ShimInterceptorOptions> = {}): ShimInterceptorOptions => ({ ...fx.clientOptions(), onEvent: fx.onEvent, ...extra });
const shim = (extra: Partial<ShimInterceptorOptions> = {}): Dispatcher => shimDispatcher(fx, extra);

const group = () => `/api/atlas/v2/groups/${fx.sim.groupId}`;
const backupCalls = () => fx.sim.requests.filter((r) => r.path.includes('/backup/'));

describe('a decision that throws fails the request with that error', () => {
  it("route 'tenant' after the sunset: undici.request rejects with the SunsetError", async () => {
    const failure = await failureOf(request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`, { dispatcher: shim({ route: 'tenant' }), headers: { accept: TENANT_MEDIA_TYPE } }));
    expect(failure).toBeInstanceOf(SunsetError);
    expect((failure as SunsetError).sunsetDate).toEqual(SUNSET);
    expect(backupCalls()).toEqual([]);
    expect(fx.events).toEqual([]);
  });

  it("route 'tenant' after the sunset with allowSunsetEndpoint: Atlas's 410 sends it through Flex, once", async () => {
    // The caller signs its own requests (a digest interceptor below the shim), so Atlas gets past authentication to its 410.
    const signed = new Agent().compose(createDigestAuthInterceptor({ ...fx.sim.apiKey, origin: fx.sim.url }));
    const dispatcher = shimDispatcher(fx, { route: 'tenant', allowSunsetEndpoint: true }, signed);
    const response = await request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`, {
      dispatcher,
      headers: { accept: TENANT_MEDIA_TYPE },
    });
    const body = (await response.body.json()) as { results: unknown[] };
    expect(response.statusCode).toBe(200);
    expect(body.results).toHaveLength(fx.sim.snapshotIds(fx.sim.clusters.shared).length);
    expect(backupCalls().filter((r) => r.status !== 401).map((r) => [r.operationId, r.status])).toEqual([
      ['listClusterBackupSnapshots', 410],
      ['listFlexBackupSnapshots', 200],
    ]);
    expect(fx.events.map((e) => e.type)).toEqual(['route-fallback', 'legacy-rewrite']);
  });

  it('a dedicated cluster: rejects with UnsupportedClusterError', async () => {
    const failure = await failureOf(request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.dedicated}/backup/tenant/snapshots`, { dispatcher: shim(), headers: { accept: TENANT_MEDIA_TYPE } }));
    expect(failure).toBeInstanceOf(UnsupportedClusterError);
    expect(failure).toMatchObject({ clusterName: fx.sim.clusters.dedicated, instanceSize: 'M10' });
    expect(backupCalls()).toEqual([]);
  });

  it.each([
    ['groupId', () => `/api/atlas/v2/groups/not-a-project/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`],
    ['clusterName', () => `${group()}/clusters/bad_name/backup/tenant/snapshots`],
    ['snapshotId', () => `${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots/ABCDEF`],
    ['restoreId', () => `${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/restores/123`],
    ['clusterName', () => `${group()}/clusters/%E0%A4%A/backup/tenant/snapshots`],
  ])('a malformed %s in the path: rejects with a ValidationError naming it, nothing sent', async (field, path) => {
    const failure = await failureOf(request(`${fx.sim.url}${path()}`, { dispatcher: shim(), headers: { accept: TENANT_MEDIA_TYPE } }));
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).field).toBe(field);
    expect(fx.sim.requests).toEqual([]);
  });

  it('a download body that is not a JSON object: rejects with a ValidationError, nothing sent to a backup endpoint', async () => {
    const failure = await failureOf(
      request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/download`, {
        method: 'POST',
        dispatcher: shim(),
        headers: { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE },
        body: '["not", "an", "object"]',
      }),
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).field).toBe('body');
    expect(backupCalls()).toEqual([]);
  });

  it("honours the caller's abort signal while the route is being decided", async () => {
    // A flag source that never answers, with a long flag timeout: only the abort can end the wait.
    const dispatcher = shim({ route: () => new Promise<never>(() => undefined), flagTimeoutMs: 30_000 });
    const started = Date.now();
    const failure = await failureOf(
      request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`, { dispatcher, signal: AbortSignal.timeout(100), headers: { accept: TENANT_MEDIA_TYPE } }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fx.sim.requests).toEqual([]);
  });
});

describe('options and lifecycle', () => {
  it('refuses a non-boolean deprecationHeaders and an unknown option, naming them', () => {
    expect(() => createShimDispatcher({ ...options(), deprecationHeaders: 'yes' as unknown as boolean })).toThrow(/options\.deprecationHeaders/);
    expect(() => createShimInterceptor({ ...options(), bogus: 1 } as unknown as ShimInterceptorOptions)).toThrow(ValidationError);
    expect(() => createShimInterceptor(null as unknown as ShimInterceptorOptions)).toThrow(ValidationError);
  });

  it('composes as a plain interceptor, and its close() resolves (idempotently)', async () => {
    const interceptor = createShimInterceptor(options());
    const agent = new Agent();
    const response = await request(`${fx.sim.url}${group()}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`, {
      dispatcher: agent.compose(interceptor),
      headers: { accept: TENANT_MEDIA_TYPE },
    });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    await agent.close();
    await expect(interceptor.close()).resolves.toBeUndefined();
    await expect(interceptor.close()).resolves.toBeUndefined();
  });

  it('close() of the dispatcher closes the base too, and supports the callback form', async () => {
    const base = new Agent();
    const dispatcher = createShimDispatcher(options(), base);
    const flex = `${fx.sim.url}${group()}/flexClusters/${fx.sim.clusters.flex}`;
    // Open, the base serves a request of its own.
    await (await request(flex, { dispatcher: base })).body.dump();
    expect(base.closed).toBe(false);
    await new Promise<void>((resolve) => dispatcher.close(() => resolve()));
    expect(base.closed).toBe(true);
    await expect(request(flex, { dispatcher: base })).rejects.toThrow(errors.ClientDestroyedError);
    await expect(request(flex, { dispatcher })).rejects.toThrow(/closed|destroyed/i);
  });

  it('close() of a dispatcher on its own default Agent leaves it refusing requests', async () => {
    const dispatcher = createShimDispatcher(options());
    await new Promise<void>((resolve) => dispatcher.close(() => resolve()));
    await expect(request(`${fx.sim.url}${group()}/flexClusters/${fx.sim.clusters.flex}`, { dispatcher })).rejects.toThrow(errors.ClientDestroyedError);
  });
});

describe('deprecation header values', () => {
  it('are exact for the default sunset, and the deprecation never comes after the sunset', () => {
    const notice = deprecationNotice(SUNSET, 'https://cloud.mongodb.com/api/atlas/v2/groups/x/flexClusters/y/backup/download');
    expect(notice).toEqual({
      deprecation: '@1737504000',
      sunset: 'Thu, 22 Jan 2026 00:00:00 GMT',
      link: '<https://cloud.mongodb.com/api/atlas/v2/groups/x/flexClusters/y/backup/download>; rel="successor-version"',
    });
    const odd = new Date('2030-06-15T10:20:30.999Z');
    expect(tenantDeprecationDate(odd).toISOString()).toBe('2029-06-15T10:20:30.999Z');
    expect(deprecationNotice(odd, 'x').deprecation).toBe(`@${Math.floor(Date.parse('2029-06-15T10:20:30Z') / 1000)}`);
  });
});
