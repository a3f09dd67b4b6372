import { inspect } from 'node:util';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/shim-error.js';
import { resolveShimOptions } from '../../src/facade/shim-options.js';

const credentials = { publicKey: 'abcdefgh', privateKey: 'd0c5a2e1-8a1b-4c7e-9f00-123456789abc' };

function fieldOf(options: unknown): string {
  try {
    resolveShimOptions(options);
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return 'accepted';
}

describe('resolveShimOptions', () => {
  it('reads Atlas for Government from a base URL on mongodbgov.com, unless the option says otherwise', () => {
    expect(resolveShimOptions({ credentials, baseUrl: 'https://cloud.mongodbgov.com' }).atlasForGovernment).toBe(true);
    expect(resolveShimOptions({ credentials, baseUrl: 'https://cloud-qa.mongodbgov.com/' }).atlasForGovernment).toBe(true);
    expect(resolveShimOptions({ credentials, baseUrl: 'https://cloud.mongodb.com' }).atlasForGovernment).toBe(false);
    expect(resolveShimOptions({ credentials, baseUrl: 'https://mongodbgov.com.example.org' }).atlasForGovernment).toBe(false);
    expect(resolveShimOptions({ credentials, baseUrl: 'https://notmongodbgov.com' }).atlasForGovernment).toBe(false);
    expect(resolveShimOptions({ credentials, baseUrl: 'https://cloud.mongodbgov.com', atlasForGovernment: false }).atlasForGovernment).toBe(false);
    expect(resolveShimOptions({ credentials, baseUrl: 'http://127.0.0.1:8080', atlasForGovernment: true }).atlasForGovernment).toBe(true);
  });

  it('applies the documented defaults', () => {
    const resolved = resolveShimOptions({ credentials });
    expect(resolved).toMatchObject({
      baseUrl: 'https://cloud.mongodb.com',
      route: 'auto',
      allowSunsetEndpoint: false,
      atlasForGovernment: false,
      clusterKindTtlMs: 600_000,
      dispatcher: undefined,
      timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 },
    });
    expect(resolved.sunsetDate.toISOString()).toBe('2026-01-22T00:00:00.000Z');
    expect(resolved.now()).toBeInstanceOf(Date);
  });
  it('accepts both credential kinds, flag functions, ISO dates and a dispatcher', () => {
    const dispatcher = new MockAgent();
    const resolved = resolveShimOptions({
      credentials: { clientId: 'mdb_sa_id_1', clientSecret: 'mdb_sa_sk_2' },
      route: () => 'flex',
      sunsetDate: '2026-02-01T00:00:00+01:00',
      baseUrl: 'http://127.0.0.1:8080/',
      dispatcher,
      timeouts: { headersMs: 5 },
    });
    expect(resolved.baseUrl).toBe('http://127.0.0.1:8080');
    expect(resolved.sunsetDate.toISOString()).toBe('2026-01-31T23:00:00.000Z');
    expect(resolved.timeouts).toEqual({ connectMs: 10_000, headersMs: 5, bodyMs: 30_000, deadlineMs: 120_000 });
    expect(resolved.dispatcher).toBe(dispatcher);
  });
  it.each([
    [{ credentials, route: 'tenants' }, 'options.route'],
    [{ credentials, route: 3 }, 'options.route'],
    [{ credentials, baseUrl: 'http://cloud.mongodb.com' }, 'options.baseUrl'],
    [{ credentials, baseUrl: 'https://cloud.mongodb.com/api' }, 'options.baseUrl'],
    [{ credentials, baseUrl: 'https://user:pw@cloud.mongodb.com' }, 'options.baseUrl'],
    [{ credentials, baseUrl: 'ftp://127.0.0.1' }, 'options.baseUrl'],
    [{ credentials, sunsetDate: '2026-01-22' }, 'options.sunsetDate'],
    [{ credentials, sunsetDate: new Date('x') }, 'options.sunsetDate'],
    [{ credentials, now: new Date() }, 'options.now'],
    [{ credentials, allowSunsetEndpoint: 'yes' }, 'options.allowSunsetEndpoint'],
    [{ credentials, atlasForGovernment: 'gov' }, 'options.atlasForGovernment'],
    [{ credentials, clusterKindTtlMs: -1 }, 'options.clusterKindTtlMs'],
    [{ credentials, clusterKindTtlMs: 1.5 }, 'options.clusterKindTtlMs'],
    [{ credentials, dispatcher: {} }, 'options.dispatcher'],
    [{ credentials, userAgent: 'a\nb' }, 'options.userAgent'],
    [{ credentials, timeouts: { headerMs: 1 } }, 'options.timeouts'],
    [{ credentials, retries: 3 }, 'options.retries'],
    [{ credentials, strictFlags: 'yes' }, 'options.strictFlags'],
    [{ credentials, flagTimeoutMs: 0 }, 'options.flagTimeoutMs'],
    [{ credentials, onEvent: 'log' }, 'options.onEvent'],
    [{}, 'options.credentials'],
    [{ credentials: { publicKey: 'a' } }, 'options.credentials'],
    [{ credentials: { publicKey: 'a', privateKey: '' } }, 'options.credentials'],
    [{ credentials: { ...credentials, clientId: 'x' } }, 'options.credentials'],
    // Basic authentication cannot carry a ':' in the user id; a control character in a secret is a paste error.
    [{ credentials: { clientId: 'mdb_sa_id:1', clientSecret: 'mdb_sa_sk_2' } }, 'options.credentials'],
    [{ credentials: { publicKey: 'abcdefgh', privateKey: 'line\nbreak' } }, 'options.credentials'],
    [{ credentials: { clientId: 'mdb_sa_id_1', clientSecret: 'tab\there' } }, 'options.credentials'],
    [null, 'options'],
    ['https://cloud.mongodb.com', 'options'],
  ])('refuses %j naming %s', (options, field) => {
    expect(fieldOf(options)).toBe(field);
  });
  it.each([
    { publicKey: 'abcdefgh', privateKey: 'TOP-SECRET-VALUE', extra: 1 },
    { publicKey: 'abcdefgh', privateKey: 'TOP-SECRET-VALUE\n' },
    { clientId: 'mdb_sa_id:1', clientSecret: 'TOP-SECRET-VALUE' },
    { clientId: 'mdb_sa_id_1', clientSecret: 'TOP-SECRET-VALUE\u0000' },
  ])('never echoes a credential in the error (%#)', (credentials) => {
    try {
      resolveShimOptions({ credentials });
      expect.unreachable();
    } catch (error) {
      const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error)}`;
      expect(text).toContain('options.credentials');
      expect(text).not.toContain('TOP-SECRET-VALUE');
    }
  });
});
