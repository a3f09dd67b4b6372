import { afterEach, describe, expect, it } from 'vitest';
import { envFlag, routeVariableFor, ROUTE_VARIABLE } from '../../adapters/env.js';
import type { RouteFlagContext } from '../../src/index.js';
import { ValidationError } from '../../src/index.js';

const GROUP = '5f1a2b3c4d5e6f7a8b9c0d1e';
const call: RouteFlagContext = { groupId: GROUP, clusterName: 'Cluster0' };

describe('envFlag: which environment', () => {
  it('uses the environment option before the context and NODE_ENV', () => {
    const source = envFlag({
      environment: 'staging',
      env: { NODE_ENV: 'production', ATLAS_SNAPSHOT_ROUTE_STAGING: 'tenant', ATLAS_SNAPSHOT_ROUTE_PRODUCTION: 'flex', ATLAS_SNAPSHOT_ROUTE_QA: 'flex' },
    });
    expect(source({ ...call, environment: 'qa' })).toBe('tenant');
  });

  it("uses the call context's environment when no option is given", () => {
    const source = envFlag({ env: { NODE_ENV: 'production', ATLAS_SNAPSHOT_ROUTE_QA: 'flex', ATLAS_SNAPSHOT_ROUTE_PRODUCTION: 'tenant' } });
    expect(source({ ...call, environment: 'qa' })).toBe('flex');
  });

  it('falls back to NODE_ENV from the variables', () => {
    const source = envFlag({ env: { NODE_ENV: 'production', ATLAS_SNAPSHOT_ROUTE_PRODUCTION: 'flex', ATLAS_SNAPSHOT_ROUTE: 'tenant' } });
    expect(source(call)).toBe('flex');
  });

  it('reads only ATLAS_SNAPSHOT_ROUTE when there is no environment at all', () => {
    const source = envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: 'tenant', ATLAS_SNAPSHOT_ROUTE_: 'flex', ATLAS_SNAPSHOT_ROUTE_UNDEFINED: 'flex' } });
    expect(source(call)).toBe('tenant');
  });
});

describe('envFlag: which variable', () => {
  it('prefers the per-environment variable to ATLAS_SNAPSHOT_ROUTE', () => {
    const source = envFlag({ environment: 'production', env: { ATLAS_SNAPSHOT_ROUTE: 'tenant', ATLAS_SNAPSHOT_ROUTE_PRODUCTION: 'flex' } });
    expect(source(call)).toBe('flex');
  });

  it('uses ATLAS_SNAPSHOT_ROUTE when the per-environment variable is absent', () => {
    const source = envFlag({ environment: 'production', env: { ATLAS_SNAPSHOT_ROUTE: 'tenant', ATLAS_SNAPSHOT_ROUTE_STAGING: 'flex' } });
    expect(source(call)).toBe('tenant');
  });

  it('normalizes the environment name: upper case, non-alphanumerics as _', () => {
    expect(routeVariableFor('staging-eu')).toBe('ATLAS_SNAPSHOT_ROUTE_STAGING_EU');
    expect(routeVariableFor('prod.us east/2')).toBe('ATLAS_SNAPSHOT_ROUTE_PROD_US_EAST_2');
    expect(routeVariableFor('Qa')).toBe('ATLAS_SNAPSHOT_ROUTE_QA');
    expect(ROUTE_VARIABLE).toBe('ATLAS_SNAPSHOT_ROUTE');
    const source = envFlag({ env: { ATLAS_SNAPSHOT_ROUTE_STAGING_EU: 'flex', ATLAS_SNAPSHOT_ROUTE: 'tenant' } });
    expect(source({ ...call, environment: 'staging-eu' })).toBe('flex');
    expect(source({ ...call, environment: 'Staging.EU' })).toBe('flex');
    expect(source({ ...call, environment: 'staging' })).toBe('tenant');
  });
});

describe('envFlag: values', () => {
  it('trims and lower-cases a value', () => {
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: '  FLEX\n' } })(call)).toBe('flex');
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: 'Tenant' } })(call)).toBe('tenant');
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: ' auto ' } })(call)).toBe('auto');
  });

  it("answers 'auto' when nothing is set, or only blanks", () => {
    expect(envFlag({ env: {} })(call)).toBe('auto');
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: '' } })(call)).toBe('auto');
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: '   ' } })(call)).toBe('auto');
    expect(envFlag({ environment: 'qa', env: { ATLAS_SNAPSHOT_ROUTE_QA: '', ATLAS_SNAPSHOT_ROUTE: undefined } })(call)).toBe('auto');
  });

  it('treats an empty per-environment variable as unset, so ATLAS_SNAPSHOT_ROUTE applies', () => {
    expect(envFlag({ environment: 'qa', env: { ATLAS_SNAPSHOT_ROUTE_QA: ' ', ATLAS_SNAPSHOT_ROUTE: 'flex' } })(call)).toBe('flex');
  });

  it('passes a value that is not a route flag through as written, without coercing it', () => {
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: 'Sideways' } })(call)).toBe('Sideways');
    expect(envFlag({ env: { ATLAS_SNAPSHOT_ROUTE: ' flexx ' } })(call)).toBe(' flexx ');
    expect(envFlag({ environment: 'qa', env: { ATLAS_SNAPSHOT_ROUTE_QA: 'true', ATLAS_SNAPSHOT_ROUTE: 'flex' } })(call)).toBe('true');
  });
});

describe('envFlag: read at each call', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('sees a change to the given variables on the next call', () => {
    const env: Record<string, string | undefined> = { ATLAS_SNAPSHOT_ROUTE: 'tenant' };
    const source = envFlag({ environment: 'production', env });
    expect(source(call)).toBe('tenant');
    env.ATLAS_SNAPSHOT_ROUTE_PRODUCTION = 'flex';
    expect(source(call)).toBe('flex');
    delete env.ATLAS_SNAPSHOT_ROUTE_PRODUCTION;
    delete env.ATLAS_SNAPSHOT_ROUTE;
    expect(source(call)).toBe('auto');
  });

  it('reads process.env by default, at each call', () => {
    delete process.env.ATLAS_SNAPSHOT_ROUTE;
    process.env.NODE_ENV = 'flagtest';
    delete process.env.ATLAS_SNAPSHOT_ROUTE_FLAGTEST;
    const source = envFlag();
    expect(source(call)).toBe('auto');
    process.env.ATLAS_SNAPSHOT_ROUTE_FLAGTEST = 'flex';
    expect(source(call)).toBe('flex');
    process.env.ATLAS_SNAPSHOT_ROUTE_FLAGTEST = 'tenant';
    expect(source(call)).toBe('tenant');
  });
});

describe('envFlag: options', () => {
  it.each([
    [{ environment: '' }, 'options.environment'],
    [{ environment: 42 }, 'options.environment'],
    [{ env: 'ATLAS_SNAPSHOT_ROUTE=flex' }, 'options.env'],
    [{ env: null }, 'options.env'],
    [{ enviroment: 'qa' }, 'options.enviroment'],
    [null, 'options'],
  ])('refuses %j at creation (%s)', (options, field) => {
    const error = (() => {
      try {
        envFlag(options as never);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
