import { OpenFeature, TypedInMemoryProvider, type EvaluationContext } from '@openfeature/server-sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_FLAG_KEY, openFeatureFlag } from '../../adapters/openfeature.js';
import type { RouteFlagContext } from '../../src/index.js';
import { ValidationError } from '../../src/index.js';

const GROUP = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const call = (extra: Partial<RouteFlagContext> = {}): RouteFlagContext => ({ groupId: GROUP, clusterName: 'Cluster0', ...extra });

// The in-memory provider, with a route flag targeted by environment.
function routeByEnvironment(seen: EvaluationContext[] = [], flagKey = DEFAULT_ROUTE_FLAG_KEY): TypedInMemoryProvider {
  return new TypedInMemoryProvider({
    [flagKey]: {
      variants: { auto: 'auto', tenant: 'tenant', flex: 'flex', typo: 'sideways' },
      defaultVariant: 'auto',
      disabled: false,
      contextEvaluator: (context: EvaluationContext) => {
        seen.push(context);
        if (context.environment === 'production') return 'flex';
        if (context.environment === 'staging') return 'tenant';
        if (context.environment === 'broken') return 'typo';
        return 'auto';
      },
    },
  });
}

beforeAll(() => {
  // The SDK logs evaluation errors (a missing flag) to the console; the tests check the answers instead.
  OpenFeature.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {} });
});
afterEach(async () => {
  await OpenFeature.clearProviders();
  OpenFeature.clearHooks();
});

describe('openFeatureFlag', () => {
  it('answers what the provider targets: production → flex, staging → tenant, others → auto', async () => {
    await OpenFeature.setProviderAndWait(routeByEnvironment());
    const source = openFeatureFlag(OpenFeature.getClient());
    expect(await source(call({ environment: 'production' }))).toBe('flex');
    expect(await source(call({ environment: 'staging' }))).toBe('tenant');
    expect(await source(call({ environment: 'dev' }))).toBe('auto');
    expect(await source(call())).toBe('auto');
  });

  it('gives the call as the evaluation context', async () => {
    const seen: EvaluationContext[] = [];
    await OpenFeature.setProviderAndWait(routeByEnvironment(seen));
    const source = openFeatureFlag(OpenFeature.getClient());
    await source(call({ environment: 'production', appVersion: '2.1.0' }));
    await source(call({ clusterName: 'Other-1' }));
    expect(seen[0]).toMatchObject({ targetingKey: `${GROUP}/Cluster0`, groupId: GROUP, clusterName: 'Cluster0', environment: 'production', appVersion: '2.1.0' });
    expect(seen[1]).toMatchObject({ targetingKey: `${GROUP}/Other-1`, groupId: GROUP, clusterName: 'Other-1' });
    // OpenFeature has no undefined: absent fields are left out, not set to undefined.
    expect(seen[1]).not.toHaveProperty('environment');
    expect(seen[1]).not.toHaveProperty('appVersion');
  });

  it('evaluates the flagKey option', async () => {
    await OpenFeature.setProviderAndWait(routeByEnvironment([], 'route-override'));
    expect(await openFeatureFlag(OpenFeature.getClient(), { flagKey: 'route-override' })(call({ environment: 'staging' }))).toBe('tenant');
    // The default key is not configured in this provider: the client answers the default value.
    expect(await openFeatureFlag(OpenFeature.getClient())(call({ environment: 'staging' }))).toBe('auto');
  });

  it('answers defaultValue when the flag is missing', async () => {
    await OpenFeature.setProviderAndWait(new TypedInMemoryProvider({}));
    expect(await openFeatureFlag(OpenFeature.getClient(), { defaultValue: 'tenant' })(call())).toBe('tenant');
    expect(await openFeatureFlag(OpenFeature.getClient())(call())).toBe('auto');
  });

  it('throws, naming the error code, when the provider fails (so the shim routes auto and reports it)', async () => {
    await OpenFeature.setProviderAndWait(
      new TypedInMemoryProvider({ [DEFAULT_ROUTE_FLAG_KEY]: { variants: { on: true }, defaultVariant: 'on', disabled: false } } as never),
    );
    await expect(openFeatureFlag(OpenFeature.getClient(), { defaultValue: 'tenant' })(call())).rejects.toThrow(/TYPE_MISMATCH/);
  });

  it('passes a variant that is not a route flag through, for the shim to report', async () => {
    await OpenFeature.setProviderAndWait(routeByEnvironment());
    expect(await openFeatureFlag(OpenFeature.getClient())(call({ environment: 'broken' }))).toBe('sideways');
  });

  it.each([
    ['a client without getStringDetails', () => openFeatureFlag({} as never), 'client'],
    ['no client', () => openFeatureFlag(undefined as never), 'client'],
    ['an empty flagKey', () => openFeatureFlag(OpenFeature.getClient(), { flagKey: '' }), 'options.flagKey'],
    ['a defaultValue that is not a route flag', () => openFeatureFlag(OpenFeature.getClient(), { defaultValue: 'FLEX' as never }), 'options.defaultValue'],
    ['options that are not an object', () => openFeatureFlag(OpenFeature.getClient(), null as never), 'options'],
  ])('refuses %s at creation', (_name, create, field) => {
    let error: unknown;
    try {
      create();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
