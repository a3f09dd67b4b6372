import { describe, expect, it } from 'vitest';
import { toAtlasApiError } from '../../src/atlas/atlas-answer.js';
import { ClusterKindCache } from '../../src/routing/router.js';
import type { ClusterKindFinding } from '../../src/routing/route-policy.js';
import { classifyClusterDescription } from '../../src/routing/route-policy.js';
import { contradictionReason } from '../../src/routing/route-policy.js';
import { VERSION } from '../../src/version.js';
import packageJson from '../../package.json' with { type: 'json' };

const request = { method: 'POST', path: '/api/atlas/v2/groups/x/clusters/y/backup/tenant/download' };

describe('toAtlasApiError', () => {
  it('reads the ApiError envelope', () => {
    const error = toAtlasApiError(
      404,
      'application/json',
      JSON.stringify({ error: 404, errorCode: 'CLUSTER_NOT_FOUND', detail: 'No cluster named y', reason: 'Not Found', parameters: ['y'], extra: 1 }),
      request,
    );
    expect(error).toMatchObject({ status: 404, errorCode: 'CLUSTER_NOT_FOUND', detail: 'No cluster named y', reason: 'Not Found', parameters: ['y'], request });
    expect(error.message).toBe(`Atlas answered POST ${request.path} with HTTP 404: CLUSTER_NOT_FOUND: No cluster named y`);
    expect(error.toJSON()).toMatchObject({ code: 'ATLAS_API', status: 404, errorCode: 'CLUSTER_NOT_FOUND' });
  });
  it.each([
    ['', 'empty body'],
    ['<html>oops</html>', 'not JSON, content-type text/html'],
    ['{"message":"x"}', 'JSON without error and errorCode'],
    ['[1,2]', 'JSON without error and errorCode'],
  ])('says clearly when the body is not an envelope: %j', (body, problem) => {
    const error = toAtlasApiError(502, body.startsWith('<') ? 'text/html' : undefined, body, request);
    expect(error.errorCode).toBeUndefined();
    expect(error.status).toBe(502);
    expect(error.message).toContain(problem);
  });
  it('tolerates wrongly typed optional fields', () => {
    const error = toAtlasApiError(400, undefined, '{"error":400,"errorCode":"X","detail":5,"parameters":"p"}', request);
    expect(error).toMatchObject({ errorCode: 'X', detail: undefined, parameters: undefined });
  });
});

describe('classifyClusterDescription', () => {
  const withRegion = (regionConfig: object) => ({ name: 'c', replicationSpecs: [{ regionConfigs: [regionConfig] }] });
  it('reads TENANT as shared, FLEX as flex, cloud providers as dedicated', () => {
    expect(classifyClusterDescription(withRegion({ providerName: 'TENANT', backingProviderName: 'AWS', electableSpecs: { instanceSize: 'M2' } }))).toEqual({
      kind: 'shared',
      instanceSize: 'M2',
      source: 'getCluster',
    });
    expect(classifyClusterDescription(withRegion({ providerName: 'FLEX', backingProviderName: 'AWS' })).kind).toBe('flex');
    expect(classifyClusterDescription(withRegion({ providerName: 'GCP', electableSpecs: { instanceSize: 'M30' } }))).toMatchObject({
      kind: 'dedicated',
      instanceSize: 'M30',
    });
  });
  it('says unknown when the body does not tell', () => {
    for (const body of [null, 'x', {}, { replicationSpecs: 'x' }, { replicationSpecs: [{ regionConfigs: [null, 3] }] }]) {
      expect(classifyClusterDescription(body)).toEqual({ kind: 'unknown', source: 'not-told' });
    }
  });
});

describe('contradictionReason', () => {
  it('lets a tenant request fall back when the endpoint is gone or the cluster is Flex', () => {
    expect(contradictionReason('tenant', { status: 404, errorCode: 'RESOURCE_NOT_FOUND' })).toMatch(/removed/);
    expect(contradictionReason('tenant', { status: 410, errorCode: undefined })).toMatch(/410/);
    expect(contradictionReason('tenant', { status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API' })).toMatch(/Flex/);
  });
  it('lets a flex request fall back only when Atlas says the cluster is not Flex', () => {
    expect(contradictionReason('flex', { status: 400, errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API' })).toMatch(/not a Flex/);
    expect(contradictionReason('flex', { status: 404, errorCode: 'RESOURCE_NOT_FOUND' })).toBeUndefined();
  });
  it('never falls back on errors that may have created a job or are the caller’s fault', () => {
    for (const status of [400, 401, 403, 409, 429, 500, 503]) {
      expect(contradictionReason('tenant', { status, errorCode: 'X' })).toBeUndefined();
    }
  });
});

/** A look-up that takes 5 ms to find `finding`, counting how often it runs. */
function countedLookup(finding: ClusterKindFinding) {
  const counted = {
    runs: 0,
    lookup: async () => {
      counted.runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return finding;
    },
  };
  return counted;
}

describe('ClusterKindCache', () => {
  it('shares one look-up among concurrent callers and caches it for the TTL', async () => {
    let clock = 0;
    const cache = new ClusterKindCache(1000, () => clock);
    const counted = countedLookup({ kind: 'flex', source: 'getFlexCluster' });
    await Promise.all(Array.from({ length: 100 }, () => cache.get('k', counted.lookup)));
    expect(counted.runs).toBe(1);
    clock = 999;
    await cache.get('k', counted.lookup);
    expect(counted.runs).toBe(1);
    clock = 1000;
    await cache.get('k', counted.lookup);
    expect(counted.runs).toBe(2);
    cache.forget('k');
    await cache.get('k', counted.lookup);
    expect(counted.runs).toBe(3);
  });
  it('keeps a look-up in flight when told to forget: concurrent refreshes share it', async () => {
    const cache = new ClusterKindCache(1000);
    const counted = countedLookup({ kind: 'shared', source: 'getCluster' });
    const refresh = () => {
      cache.forget('k');
      return cache.get('k', counted.lookup);
    };
    await Promise.all([refresh(), refresh(), refresh()]);
    expect(counted.runs).toBe(1);
    // Settled, it is forgotten for real.
    await refresh();
    expect(counted.runs).toBe(2);
  });
  it('with a TTL of 0 keeps nothing once settled, but still shares what is in flight', async () => {
    const cache = new ClusterKindCache(0);
    const counted = countedLookup({ kind: 'flex', source: 'getFlexCluster' });
    await Promise.all([cache.get('k', counted.lookup), cache.get('k', counted.lookup)]);
    expect(counted.runs).toBe(1);
    await cache.get('k', counted.lookup);
    expect(counted.runs).toBe(2);
  });
  it('does not remember failures', async () => {
    const cache = new ClusterKindCache(1000);
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(cache.get('k', async () => ({ kind: 'shared', source: 'getCluster' }))).resolves.toMatchObject({ kind: 'shared' });
  });
});

describe('VERSION', () => {
  it('is the package version', () => {
    expect(VERSION).toBe(packageJson.version);
  });
});
