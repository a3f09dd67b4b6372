import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES } from '../../src/simulator/index.js';
import type { TestRequestOptions, TestResponse } from './digest-test-client.js';
import { AFTER_SUNSET, BEFORE_SUNSET, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, serviceAccountToken, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startFixture({ jobDurationMs: 0 });
});
afterEach(() => fx.sim.setNow(undefined));
afterAll(async () => fx.close());

const JSON_TYPE = 'application/json';

/** The v1.0 tenant paths of a cluster (the M2 one unless named), as code written before 2023 calls them. */
const v1 = (name = fx.sim.clusters.shared) => {
  const tenant = `/api/atlas/v1.0/groups/${fx.sim.groupId}/clusters/${name}/backup/tenant`;
  return {
    download: `${tenant}/download`,
    restores: `${tenant}/restores`,
    restore: (id: string) => `${tenant}/restores/${id}`,
    snapshots: `${tenant}/snapshots`,
    snapshot: (id: string) => `${tenant}/snapshots/${id}`,
  };
};

/** A v1.0 call as old code makes it: digest, `Accept: application/json`, a POST body as `application/json`. */
function call(method: 'GET' | 'POST', path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
  return fx.client.send(method, path, { accept: JSON_TYPE, ...(method === 'POST' ? { contentType: JSON_TYPE } : {}), ...options });
}

/** Every `href` of an answer, at any depth. */
function hrefs(body: unknown): string[] {
  if (Array.isArray(body)) return body.flatMap(hrefs);
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([key, value]) => (key === 'href' && typeof value === 'string' ? [value] : hrefs(value)));
}

function expectV1Answer(response: TestResponse): any {
  expect(response.status, response.text).toBe(200);
  expect(response.headers['content-type']).toBe(JSON_TYPE);
  const links = hrefs(response.json);
  expect(links.length).toBeGreaterThan(0);
  for (const href of links) expect(href).toMatch(new RegExp(`^${fx.sim.url}/api/atlas/v1\\.0/groups/${fx.sim.groupId}/clusters/[^/]+/backup/tenant/`));
  return response.json;
}

describe('the five tenant operations under /api/atlas/v1.0, before the sunset', () => {
  it('serve an M2 cluster end to end with digest and Accept: application/json, a download body of snapshotId alone', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const name = fx.sim.clusters.shared;
    const paths = v1();
    const snapshots = expectV1Answer(await call('GET', paths.snapshots));
    expect(snapshots.results.map((s: { id: string }) => s.id)).toEqual(fx.sim.snapshotIds(name));
    const snapshotId = snapshots.results[0].id as string;
    expect(expectV1Answer(await call('GET', paths.snapshot(snapshotId))).id).toBe(snapshotId);

    const created = expectV1Answer(await call('POST', paths.download, { body: { snapshotId } }));
    // v1.0 named no target: the download's target is the source cluster.
    expect(created).toMatchObject({ clusterName: name, snapshotId, deliveryType: 'DOWNLOAD', targetDeploymentItemName: name, projectId: fx.sim.groupId });
    expect(created.links).toEqual([{ rel: 'self', href: `${fx.sim.url}${paths.restore(created.id)}` }]);
    expect(fx.sim.requests.at(-1)).toMatchObject({ method: 'POST', path: paths.download, status: 200, auth: 'digest', operationId: 'downloadClusterBackupTenant' });

    const job = expectV1Answer(await call('GET', paths.restore(created.id)));
    expect(job).toMatchObject({ id: created.id, status: 'COMPLETED', snapshotUrl: expect.stringContaining('/snapshot-files/') });
    const restores = expectV1Answer(await call('GET', `${paths.restores}?itemsPerPage=1`));
    expect(restores.results.map((r: { id: string }) => r.id)).toEqual([created.id]);
    expect(restores.links).toContainEqual({ rel: 'self', href: `${fx.sim.url}${paths.restores}?pageNum=1&itemsPerPage=1` });
  });

  it('share their jobs with the v2 tenant operations, each answering with links of its own version', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const name = fx.sim.clusters.sharedM5;
    const snapshotId = fx.sim.snapshotIds(name)[0] as string;
    const created = expectV1Answer(await call('POST', v1(name).download, { body: { snapshotId, targetDeploymentItemName: 'restored-here' } }));
    expect(created.targetDeploymentItemName).toBe('restored-here');
    const v2Path = `${fx.group}/clusters/${name}/backup/tenant/restores/${created.id}`;
    const viaV2 = await get(fx.client, v2Path, TENANT_MEDIA_TYPE);
    expect(viaV2.status).toBe(200);
    expect(viaV2.headers['content-type']).toBe(TENANT_MEDIA_TYPE);
    expect(viaV2.json.links).toEqual([{ rel: 'self', href: `${fx.sim.url}${v2Path}` }]);
    const { links: _v1Links, ...v1Job } = expectV1Answer(await call('GET', v1(name).restore(created.id)));
    const { links: _v2Links, ...v2Job } = viaV2.json;
    expect(v1Job).toEqual(v2Job);
    expect(fx.sim.jobsFor(snapshotId).map((j) => j.id)).toContain(created.id);
  });

  it('serve the legacy Flex cluster, and refuse the native Flex and dedicated ones as v2 does', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const legacy = fx.sim.clusters.flexLegacy;
    expectV1Answer(await call('GET', v1(legacy).snapshots));
    // A job created through v1.0 targets the cluster itself, as a v2 tenant job must name it: the Flex API reads it so.
    const created = expectV1Answer(await call('POST', v1(legacy).download, { body: { snapshotId: fx.sim.snapshotIds(legacy)[0] } }));
    const viaFlex = await get(fx.client, `${fx.group}/flexClusters/${legacy}/backup/restoreJobs/${created.id}`, FLEX_MEDIA_TYPE);
    expect(viaFlex.json).toMatchObject({ id: created.id, instanceName: legacy, targetDeploymentItemName: legacy });
    expect((await call('GET', v1(fx.sim.clusters.flex).snapshots)).json.errorCode).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
    expect((await call('GET', v1(fx.sim.clusters.dedicated).snapshots)).json.errorCode).toBe(CODES.tenantClusterRequired);
  });

  it.each([undefined, JSON_TYPE, '*/*', 'application/*', 'application/json; charset=utf-8', `${TENANT_MEDIA_TYPE}, application/json`])(
    'accept Accept %s',
    async (accept) => {
      fx.sim.setNow(BEFORE_SUNSET);
      const response = await fx.client.send('GET', v1().snapshots, accept === undefined ? {} : { accept });
      expect(response.status, response.text).toBe(200);
      expect(response.headers['content-type']).toBe(JSON_TYPE);
    },
  );

  it.each([TENANT_MEDIA_TYPE, FLEX_MEDIA_TYPE, 'text/html', 'application/json;q=0'])('answer Accept %s with 406 INVALID_VERSION_DATE', async (accept) => {
    fx.sim.setNow(BEFORE_SUNSET);
    const response = await fx.client.send('GET', v1().snapshots, { accept });
    expect(response.status).toBe(406);
    expect(response.json).toMatchObject({ error: 406, errorCode: CODES.invalidVersionDate });
  });

  it.each([TENANT_MEDIA_TYPE, 'text/plain', undefined])('answer a download sent as %s with 415, creating no job', async (contentType) => {
    fx.sim.setNow(BEFORE_SUNSET);
    const name = fx.sim.clusters.flexLegacy;
    const snapshotId = fx.sim.snapshotIds(name)[1] as string;
    const response = await fx.client.send('POST', v1(name).download, { accept: JSON_TYPE, ...(contentType === undefined ? {} : { contentType }), body: { snapshotId } });
    expect(response.status).toBe(415);
    expect(response.json).toMatchObject({ error: 415, errorCode: CODES.unsupportedMediaType, detail: expect.stringContaining('application/json') });
    expect(fx.sim.jobsFor(snapshotId)).toEqual([]);
  });

  it('require snapshotId alone, and still check a target when one is given', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const missing = await call('POST', v1().download, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.badRequestDetail.fields.map((f: { field: string }) => f.field)).toEqual(['snapshotId']);
    const invalid = await call('POST', v1().download, { body: { snapshotId: fx.sim.snapshotIds(fx.sim.clusters.shared)[0], targetDeploymentItemName: 'has space' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ errorCode: CODES.invalidAttribute, parameters: ['targetDeploymentItemName'] });
    // v2 still requires the target.
    const v2 = await fx.client.send('POST', `${fx.group}/clusters/${fx.sim.clusters.shared}/backup/tenant/download`, {
      accept: TENANT_MEDIA_TYPE,
      contentType: TENANT_MEDIA_TYPE,
      body: { snapshotId: fx.sim.snapshotIds(fx.sim.clusters.shared)[0] },
    });
    expect(v2.status).toBe(400);
    expect(v2.json.badRequestDetail.fields.map((f: { field: string }) => f.field)).toEqual(['targetDeploymentItemName']);
  });

  it('accept a service-account token as well as digest', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const token = await serviceAccountToken(fx.sim);
    expectV1Answer(await call('GET', v1().snapshots, { auth: { authorization: `Bearer ${token}` } }));
    expect((await call('GET', v1().snapshots, { auth: 'none' })).status).toBe(401);
  });

  it('exist for the tenant operations only: a Flex or cluster path under v1.0 is an unknown resource', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const prefix = `/api/atlas/v1.0/groups/${fx.sim.groupId}`;
    for (const path of [`${prefix}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots`, `${prefix}/clusters/${fx.sim.clusters.shared}`, `${prefix}/clusters`]) {
      const response = await call('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.json.errorCode).toBe(CODES.resourceNotFound);
    }
  });
});

describe('the v1.0 tenant paths from the sunset on', () => {
  /** The five v1.0 tenant operations on the M2 cluster of `f`, each a request v1.0 accepted before the sunset. */
  async function callAll(f: SimulatorFixture): Promise<[string, TestResponse][]> {
    const snapshotId = f.sim.snapshotIds(f.sim.clusters.shared).at(-1) as string;
    const tenant = `/api/atlas/v1.0/groups/${f.sim.groupId}/clusters/${f.sim.clusters.shared}/backup/tenant`;
    const send = (method: string, path: string, body?: unknown) =>
      f.client.send(method, path, { accept: JSON_TYPE, ...(body === undefined ? {} : { contentType: JSON_TYPE, body }) });
    return [
      ['downloadClusterBackupTenant', await send('POST', `${tenant}/download`, { snapshotId })],
      ['listBackupTenantRestores', await send('GET', `${tenant}/restores`)],
      ['getBackupTenantRestore', await send('GET', `${tenant}/restores/${'a'.repeat(24)}`)],
      ['listClusterBackupSnapshots', await send('GET', `${tenant}/snapshots`)],
      ['getBackupTenantSnapshot', await send('GET', `${tenant}/snapshots/${snapshotId}`)],
    ];
  }

  it('answer 410 VERSION_GONE naming API version v1.0 and the Flex twin, and create no job', async () => {
    fx.sim.setNow(AFTER_SUNSET);
    fx.sim.clearRequests();
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.shared).at(-1) as string;
    const jobsBefore = fx.sim.jobsFor(snapshotId).length;
    const twins: Record<string, string> = {
      downloadClusterBackupTenant: 'downloadFlexBackup',
      listBackupTenantRestores: 'listFlexRestoreJobs',
      getBackupTenantRestore: 'getFlexRestoreJob',
      listClusterBackupSnapshots: 'listFlexBackupSnapshots',
      getBackupTenantSnapshot: 'getFlexBackupSnapshot',
    };
    const answers = await callAll(fx);
    for (const [operationId, response] of answers) {
      expect(response.status, operationId).toBe(410);
      expect(response.headers['content-type']).toBe(JSON_TYPE);
      expect(response.json).toEqual({
        error: 410,
        errorCode: CODES.versionGone,
        reason: 'Gone',
        detail: `API version v1.0 of ${operationId} reached its sunset on 2026-01-22T00:00:00.000Z and is gone. Use ${twins[operationId]} instead.`,
        parameters: ['v1.0'],
      });
    }
    const answered = fx.sim.requests.filter((r) => r.status !== 401).map((r) => [r.operationId, r.status]);
    expect(answered).toEqual(answers.map(([operationId]) => [operationId, 410]));
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(jobsBefore);
  });

  it('answer 410 whatever the Accept, as the v2 paths do', async () => {
    fx.sim.setNow(AFTER_SUNSET);
    expect((await fx.client.send('GET', v1().snapshots, { accept: TENANT_MEDIA_TYPE })).status).toBe(410);
  });

  it("answer 404 RESOURCE_NOT_FOUND with sunsetAnswer 'not-found'", async () => {
    const removed = await startFixture({ now: () => new Date(AFTER_SUNSET), sunsetAnswer: 'not-found' });
    try {
      for (const [operationId, response] of await callAll(removed)) {
        expect(response.status, operationId).toBe(404);
        expect(response.json).toMatchObject({ errorCode: CODES.resourceNotFound, detail: expect.stringContaining(`${operationId} was removed at its sunset`) });
      }
    } finally {
      await removed.close();
    }
  });
});
