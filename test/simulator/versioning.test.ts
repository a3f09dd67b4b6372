import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES } from '../../src/simulator/index.js';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.close());

const paths = () => ({
  cluster: `${fx.group}/clusters/${fx.sim.clusters.shared}`,
  tenantSnapshots: `${fx.group}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`,
  tenantDownload: `${fx.group}/clusters/${fx.sim.clusters.shared}/backup/tenant/download`,
  flexSnapshots: `${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots`,
  flexDownload: `${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/download`,
});

describe('Accept negotiation', () => {
  it.each([
    ['application/json', 'cluster'],
    [undefined, 'cluster'],
    ['application/vnd.atlas.2023-02-01+json', 'cluster'],
    [FLEX_MEDIA_TYPE, 'tenantSnapshots'],
    [TENANT_MEDIA_TYPE, 'flexSnapshots'],
    ['*/*', 'flexSnapshots'],
    [`${FLEX_MEDIA_TYPE};q=0`, 'flexSnapshots'],
  ] as const)('answers Accept %s on %s with 406 INVALID_VERSION_DATE', async (accept, which) => {
    const response = await fx.client.send('GET', paths()[which], accept === undefined ? {} : { accept });
    expect(response.status).toBe(406);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json).toMatchObject({
      error: 406,
      errorCode: CODES.invalidVersionDate,
      reason: 'Not Acceptable',
      detail: 'Invalid accept header or version date.',
    });
  });

  it.each([
    ['cluster', CLUSTER_MEDIA_TYPE],
    ['tenantSnapshots', TENANT_MEDIA_TYPE],
    ['flexSnapshots', FLEX_MEDIA_TYPE],
  ] as const)('serves %s with its own media type, versioned Content-Type and rate-limit headers', async (which, mediaType) => {
    const response = await get(fx.client, paths()[which], `application/json, ${mediaType}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(mediaType);
    expect(Number(response.headers['ratelimit-limit'])).toBeGreaterThan(0);
    expect(Number(response.headers['ratelimit-remaining'])).toBeLessThan(Number(response.headers['ratelimit-limit']));
  });
});

describe('POST bodies', () => {
  it('answers a body without the versioned Content-Type with 415', async () => {
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0];
    for (const contentType of ['application/json', TENANT_MEDIA_TYPE, undefined]) {
      const response = await fx.client.send('POST', paths().flexDownload, {
        accept: FLEX_MEDIA_TYPE,
        ...(contentType !== undefined ? { contentType } : {}),
        body: { snapshotId },
      });
      expect(response.status).toBe(415);
      expect(response.json).toMatchObject({ error: 415, errorCode: CODES.unsupportedMediaType, reason: 'Unsupported Media Type' });
    }
  });

  it('accepts a charset parameter on the versioned Content-Type', async () => {
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0];
    const response = await fx.client.send('POST', paths().flexDownload, {
      accept: FLEX_MEDIA_TYPE,
      contentType: `${FLEX_MEDIA_TYPE}; charset=utf-8`,
      body: { snapshotId },
    });
    expect(response.status).toBe(200);
  });

  it.each(['{"snapshotId":', '[1,2]', '"text"', ''])('answers the body %j with 400 INVALID_JSON', async (body) => {
    const response = await fx.client.send('POST', paths().flexDownload, { accept: FLEX_MEDIA_TYPE, contentType: FLEX_MEDIA_TYPE, body });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 400, errorCode: CODES.invalidJson });
  });

  it('lists every tenant body violation in badRequestDetail.fields', async () => {
    const missing = await post(fx.client, paths().tenantDownload, TENANT_MEDIA_TYPE, {});
    expect(missing.status).toBe(400);
    expect(missing.json.errorCode).toBe(CODES.missingAttribute);
    expect(missing.json.badRequestDetail.fields.map((f: { field: string }) => f.field)).toEqual(['snapshotId', 'targetDeploymentItemName']);
    const invalid = await post(fx.client, paths().tenantDownload, TENANT_MEDIA_TYPE, {
      snapshotId: 'ABC',
      targetDeploymentItemName: 'has space',
      targetProjectId: 'nope',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errorCode).toBe(CODES.invalidAttribute);
    expect(invalid.json.badRequestDetail.fields).toHaveLength(3);
    for (const field of invalid.json.badRequestDetail.fields) expect(field.description).toEqual(expect.any(String));
  });

  it('requires snapshotId in the Flex body', async () => {
    const response = await post(fx.client, paths().flexDownload, FLEX_MEDIA_TYPE, { targetDeploymentItemName: 'x' });
    expect(response.status).toBe(400);
    expect(response.json.badRequestDetail.fields).toEqual([{ field: 'snapshotId', description: expect.stringContaining('snapshotId') }]);
  });
});

describe('paths and parameters', () => {
  it('answers an unknown Atlas path with a 404 ApiError, after authentication', async () => {
    const response = await get(fx.client, `${fx.group}/nothingHere`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error: 404, errorCode: CODES.resourceNotFound });
    expect(fx.sim.requests.at(-1)).toMatchObject({ status: 404, auth: 'digest' });
    expect(fx.sim.requests.at(-1)).not.toHaveProperty('operationId');
  });

  it('answers a path outside the API with a 404 ApiError', async () => {
    const response = await fx.client.send('GET', '/favicon.ico', { auth: 'none' });
    expect(response.status).toBe(404);
    expect(response.json.errorCode).toBe(CODES.resourceNotFound);
  });

  it('treats a target starting with // as a path, not as an authority', async () => {
    const response = await get(fx.client, `/${paths().cluster}`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(404);
    expect(fx.sim.requests.at(-1)?.path).toBe(`/${paths().cluster}`);
  });

  it('answers a method the contract does not list with 405 and Allow', async () => {
    const response = await fx.client.send('DELETE', paths().cluster, { accept: CLUSTER_MEDIA_TYPE });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET');
    expect(response.json.errorCode).toBe(CODES.methodNotAllowed);
  });

  it.each<[string, () => string, string]>([
    ['groupId', () => `/api/atlas/v2/groups/ABCDEF0123456789abcdef01/clusters/x`, CLUSTER_MEDIA_TYPE],
    ['clusterName', () => `${fx.group}/clusters/-bad`, CLUSTER_MEDIA_TYPE],
    ['clusterName', () => `${fx.group}/clusters/${'a'.repeat(65)}`, CLUSTER_MEDIA_TYPE],
    ['name', () => `${fx.group}/flexClusters/bad%20name`, FLEX_MEDIA_TYPE],
    ['snapshotId', () => `${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots/123`, FLEX_MEDIA_TYPE],
    ['restoreId', () => `${fx.group}/clusters/${fx.sim.clusters.shared}/backup/tenant/restores/xyz`, TENANT_MEDIA_TYPE],
  ])('answers a malformed %s with 400 INVALID_PARAMETER', async (name, path, accept) => {
    const response = await get(fx.client, path(), accept);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 400, errorCode: CODES.invalidParameter, parameters: [name, expect.any(String)] });
  });

  it('answers an unknown project with 404 GROUP_NOT_FOUND', async () => {
    const response = await get(fx.client, `/api/atlas/v2/groups/${'0'.repeat(24)}/clusters/${fx.sim.clusters.shared}`, CLUSTER_MEDIA_TYPE);
    expect(response.status).toBe(404);
    expect(response.json.errorCode).toBe(CODES.groupNotFound);
  });

  it.each([
    ['itemsPerPage=0'],
    ['itemsPerPage=501'],
    ['pageNum=0'],
    ['pageNum=abc'],
    ['includeCount=maybe'],
  ])('answers the query %s with 400 INVALID_PARAMETER', async (query) => {
    const response = await get(fx.client, `${paths().flexSnapshots}?${query}`, FLEX_MEDIA_TYPE);
    expect(response.status).toBe(400);
    expect(response.json.errorCode).toBe(CODES.invalidParameter);
  });

  it('pretty-prints when asked with pretty=true', async () => {
    const response = await get(fx.client, `${paths().flexSnapshots}?pretty=true`, FLEX_MEDIA_TYPE);
    expect(response.text).toContain('\n  "links"');
  });
});
