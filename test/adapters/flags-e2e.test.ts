import { OpenFeature, TypedInMemoryProvider, type EvaluationContext } from '@openfeature/server-sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envFlag, rulesFlag } from '../../adapters/env.js';
import { openFeatureFlag } from '../../adapters/openfeature.js';
import {
  ValidationError,
  type RouteFlagSource,
  type ShimEvent,
  type SnapshotShim,
  type SnapshotShimOptions,
} from '../../src/index.js';
import { BEFORE, useSimulator } from './adapter-fixture.js';

// Before the sunset a shared cluster routes to the tenant endpoint under 'auto', so a flag's effect shows.
const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });
beforeAll(() => {
  OpenFeature.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {} });
});
afterEach(async () => {
  await OpenFeature.clearProviders();
});

const shimWith = (options: Partial<SnapshotShimOptions>): SnapshotShim => fx.shim(options);

const target = () => ({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
const posts = () => fx.sim.requests.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/oauth') && r.status !== 401);

// Each source, set up so that 'production' says flex, 'staging-eu' says tenant and 'broken' says something else.
const sources: Record<'envFlag' | 'openFeatureFlag', () => Promise<RouteFlagSource>> = {
  envFlag: async () =>
    envFlag({ env: { ATLAS_SNAPSHOT_ROUTE_PRODUCTION: 'flex', ATLAS_SNAPSHOT_ROUTE_STAGING_EU: 'Tenant', ATLAS_SNAPSHOT_ROUTE_BROKEN: 'sideways', ATLAS_SNAPSHOT_ROUTE: 'auto' } }),
  openFeatureFlag: async () => {
    await OpenFeature.setProviderAndWait(
      new TypedInMemoryProvider({
        'atlas-snapshot-route': {
          variants: { auto: 'auto', tenant: 'tenant', flex: 'flex', typo: 'sideways' },
          defaultVariant: 'auto',
          disabled: false,
          contextEvaluator: (context: EvaluationContext) =>
            context.environment === 'production' ? 'flex' : context.environment === 'staging-eu' ? 'tenant' : context.environment === 'broken' ? 'typo' : 'auto',
        },
      }),
    );
    return openFeatureFlag(OpenFeature.getClient());
  },
};

describe.each(Object.entries(sources))('%s on the simulator, a shared cluster before the sunset', (_name, make) => {
  it('routes to flex where the flag says flex, and the download asks the Flex endpoint first', async () => {
    const shim = shimWith({ route: await make(), environment: 'production' });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'flex', route: 'flex', clusterKind: 'unknown', endpoint: { operationId: 'downloadFlexBackup' } });
    const download = await shim.downloadSnapshot({ ...target(), snapshotId: fx.sim.snapshotIds(fx.sim.clusters.shared)[0] as string });
    expect(download.decision.flag).toBe('flex');
    // The flag is obeyed; before the sunset Atlas does not serve an M2 on the Flex endpoint, so the shim may fall back afterwards.
    expect(posts()[0]?.path).toContain('/flexClusters/');
  });

  it('routes to tenant where the flag says tenant', async () => {
    const shim = shimWith({ route: await make(), environment: 'staging-eu' });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'tenant', route: 'tenant', clusterKind: 'shared' });
  });

  it('routes by the policy (auto) where the flag says auto', async () => {
    const shim = shimWith({ route: await make(), environment: 'dev' });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'auto', route: 'tenant', clusterKind: 'shared' });
  });

  it("routes an invalid value as auto and reports it as 'flag-invalid'", async () => {
    const events: ShimEvent[] = [];
    const shim = shimWith({ route: await make(), environment: 'broken', onEvent: (event) => events.push(event) });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'auto', route: 'tenant' });
    expect(events).toEqual([{ type: 'flag-invalid', ...target(), received: '"sideways"', usedFlag: 'auto' }]);
  });

  it('refuses an invalid value with strictFlags, before any request', async () => {
    const events: ShimEvent[] = [];
    const shim = shimWith({ route: await make(), environment: 'broken', strictFlags: true, onEvent: (event) => events.push(event) });
    const error = await shim.explainRoute(target()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'route flag', received: '"sideways"' });
    const download = await shim.downloadSnapshot({ ...target(), snapshotId: fx.sim.snapshotIds(fx.sim.clusters.shared)[0] as string }).catch((e: unknown) => e);
    expect(download).toBeInstanceOf(ValidationError);
    expect(fx.sim.requests).toEqual([]);
    expect(events).toEqual([]);
  });
});

describe('openFeatureFlag on the simulator, a provider that fails', () => {
  it("routes as auto and reports 'flag-failed' with the OpenFeature error code", async () => {
    // A boolean flag under the route key: the SDK answers the default with TYPE_MISMATCH.
    await OpenFeature.setProviderAndWait(new TypedInMemoryProvider({ 'atlas-snapshot-route': { variants: { on: true }, defaultVariant: 'on', disabled: false } } as never));
    const events: ShimEvent[] = [];
    const shim = shimWith({ route: openFeatureFlag(OpenFeature.getClient(), { defaultValue: 'flex' }), onEvent: (event) => events.push(event) });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'auto', route: 'tenant', clusterKind: 'shared' });
    expect(events).toEqual([{ type: 'flag-failed', ...target(), reason: 'threw', message: expect.stringContaining('TYPE_MISMATCH'), usedFlag: 'auto' }]);
  });
});

describe('rulesFlag on the simulator, a shared cluster before the sunset', () => {
  const rules = () =>
    rulesFlag([
      { route: 'flex', environment: 'production', groupId: fx.sim.groupId },
      { route: 'tenant', environment: 'staging-eu', clusterName: [fx.sim.clusters.shared, fx.sim.clusters.sharedM5] },
      { route: 'flex', appVersion: '>=3.0.0' },
    ]);

  it('routes to flex or tenant as the first matching rule says', async () => {
    expect(await shimWith({ route: rules(), environment: 'production' }).explainRoute(target())).toMatchObject({ flag: 'flex', route: 'flex' });
    expect(await shimWith({ route: rules(), environment: 'staging-eu' }).explainRoute(target())).toMatchObject({ flag: 'tenant', route: 'tenant', clusterKind: 'shared' });
    expect(await shimWith({ route: rules(), environment: 'dev' }).explainRoute(target())).toMatchObject({ flag: 'auto', route: 'tenant' });
  });

  it("matches the shim's appVersion against a range, prereleases included", async () => {
    const shim = shimWith({ route: rules(), environment: 'dev', appVersion: '3.1.0-beta.2' });
    expect(await shim.explainRoute(target())).toMatchObject({ flag: 'flex', route: 'flex' });
    expect(await shimWith({ route: rules(), environment: 'dev', appVersion: '2.9.9' }).explainRoute(target())).toMatchObject({ flag: 'auto' });
  });

  it('cannot answer an invalid value: an invalid route is refused when the rules are created', () => {
    expect(() => rulesFlag([{ route: 'flex' }, { route: 'sideways' as never }])).toThrow(ValidationError);
  });
});
