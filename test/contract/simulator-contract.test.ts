import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_LISTS_CONTRACT, contractSuite, loadContract, type ContractOperation, type Json } from './contract.js';
import { simulatorChecks, type SimulatorChecks } from './simulator-checks.js';
import { ATLAS_OPERATIONS, atlasPath, type AtlasOperationId } from '../../src/atlas/operations.js';
import { OPERATION_HANDLERS } from '../../src/simulator/operations.js';
import { SIMULATOR_ERROR_CODES as CODES } from '../../src/simulator/index.js';
import type { TestResponse } from '../simulator/digest-test-client.js';
import { AFTER_SUNSET, BEFORE_SUNSET, get, post, startFixture, type SimulatorFixture } from '../simulator/simulator-fixture.js';

/** The operations the simulator serves, as the table describes them, sorted by operationId (to compare with a contract's). */
function servedOperations(): { operationId: string; method: string; path: string; mediaType: string }[] {
  return (Object.keys(OPERATION_HANDLERS) as AtlasOperationId[])
    .map((operationId) => {
      const { method, path, mediaType } = ATLAS_OPERATIONS[operationId];
      return { operationId, method, path, mediaType };
    })
    .sort((a, b) => a.operationId.localeCompare(b.operationId));
}

/** A contract's operations in the same form. */
function listedOperations(operations: Map<string, ContractOperation>): { operationId: string; method: string; path: string; mediaType: string }[] {
  return [...operations.values()]
    .map((o) => ({ operationId: o.operationId, method: o.method, path: o.path, mediaType: o.mediaType }))
    .sort((a, b) => a.operationId.localeCompare(b.operationId));
}

contractSuite('the simulator', () => {
  let fx: SimulatorFixture;
  let operations: Map<string, ContractOperation>;
  let document: Json;
  let checks: SimulatorChecks;
  // The checks of this contract under short names; `checks` exists once beforeAll loaded it.
  const validator = (schemaName: string) => checks.validator(schemaName);
  const expectSchema = (schemaName: string, body: unknown) => checks.expectSchema(schemaName, body);
  const op = (operationId: string) => checks.op(operationId);
  const expectOk = (operationId: string, response: TestResponse, contentType?: string) => checks.expectOk(operationId, response, contentType);
  const expectApiError = (operationId: string | undefined, response: TestResponse, status: number, errorCode?: string) =>
    checks.expectApiError(operationId, response, status, errorCode);

  const url = (operationId: AtlasOperationId, name: string, id?: string): string => atlasPath(operationId, { groupId: fx.sim.groupId, clusterName: name, itemId: id });
  const accept = (operationId: string): string => op(operationId).mediaType;

  /** POSTs a body after checking that it is itself valid for the contract's request schema. */
  async function download(operationId: 'downloadClusterBackupTenant' | 'downloadFlexBackup', path: string, body: Json): Promise<TestResponse> {
    const operation = op(operationId);
    expectSchema(operation.requestSchema as string, body);
    return post(fx.client, path, operation.requestMediaType as string, body);
  }

  beforeAll(async () => {
    const contract = loadContract();
    ({ operations, document } = contract);
    checks = simulatorChecks(contract);
    fx = await startFixture({ jobDurationMs: 600 });
  });
  afterAll(async () => fx?.close());

  it('the closed validators refuse an undeclared field, at the top and nested (so the checks below can fail)', () => {
    const { open, closed } = validator('TenantRestore');
    const restore = { snapshotId: 'a'.repeat(24), targetDeploymentItemName: 'c', targetProjectId: 'b'.repeat(24) };
    expect(open(restore), JSON.stringify(open.errors)).toBe(true);
    expect(closed(restore), JSON.stringify(closed.errors)).toBe(true);
    expect(closed({ ...restore, surprise: 1 })).toBe(false);
    const page = validator('PaginatedTenantRestore');
    expect(page.closed({ results: [restore] }), JSON.stringify(page.closed.errors)).toBe(true);
    expect(page.closed({ results: [{ ...restore, surprise: 1 }] })).toBe(false);
  });

  it('lists 12 operations the simulator serves, with their paths, methods and media types; the others it serves are the cluster lists', () => {
    expect(operations.size).toBe(12);
    const served = servedOperations();
    expect(served.filter((o) => operations.has(o.operationId))).toEqual(listedOperations(operations));
    // The rest are the other contract's (checked against it below).
    const others = served.filter((o) => !operations.has(o.operationId));
    expect(others.map((o) => ATLAS_OPERATIONS[o.operationId as AtlasOperationId].role)).toEqual(['listClusters', 'listClusters']);
    for (const o of operations.values()) if (o.requestMediaType !== undefined) expect(o.requestMediaType).toBe(o.mediaType);
  });

  describe('before the sunset', () => {
    beforeAll(() => fx.sim.setNow(BEFORE_SUNSET));

    it('getCluster describes shared, legacy Flex and dedicated clusters', async () => {
      const { shared, sharedM5, flexLegacy, dedicated, flex } = fx.sim.clusters;
      for (const name of [shared, sharedM5, flexLegacy, dedicated]) expectOk('getCluster', await get(fx.client, url('getCluster', name), accept('getCluster')));
      expectApiError('getCluster', await get(fx.client, url('getCluster', flex), accept('getCluster')), 400, 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
      expectApiError('getCluster', await get(fx.client, url('getCluster', 'missing-cluster'), accept('getCluster')), 404, CODES.clusterNotFound);
    });

    it('getFlexCluster describes both Flex kinds and refuses the others', async () => {
      const { shared, flexLegacy, dedicated, flex } = fx.sim.clusters;
      for (const name of [flex, flexLegacy]) expectOk('getFlexCluster', await get(fx.client, url('getFlexCluster', name), accept('getFlexCluster')));
      for (const name of [shared, dedicated]) {
        expectApiError('getFlexCluster', await get(fx.client, url('getFlexCluster', name), accept('getFlexCluster')), 400, 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
      }
    });

    it('the five tenant operations serve an M2 cluster through a job to COMPLETED', async () => {
      const name = fx.sim.clusters.shared;
      const list = expectOk('listClusterBackupSnapshots', await get(fx.client, url('listClusterBackupSnapshots', name), accept('listClusterBackupSnapshots')));
      const snapshotId = list.results[0].id as string;
      expectOk('getBackupTenantSnapshot', await get(fx.client, url('getBackupTenantSnapshot', name, snapshotId), accept('getBackupTenantSnapshot')));
      const created = expectOk(
        'downloadClusterBackupTenant',
        await download('downloadClusterBackupTenant', url('downloadClusterBackupTenant', name), { snapshotId, targetDeploymentItemName: name }),
      );
      const statuses = new Set<string>([created.status]);
      let job = created;
      while (job.status !== 'COMPLETED') {
        await new Promise((resolve) => setTimeout(resolve, 40));
        job = expectOk('getBackupTenantRestore', await get(fx.client, url('getBackupTenantRestore', name, created.id), accept('getBackupTenantRestore')));
        statuses.add(job.status);
      }
      expect(statuses.size).toBeGreaterThanOrEqual(3);
      expect(job).toEqual(expect.objectContaining({ snapshotUrl: expect.any(String), expirationDate: expect.any(String), restoreFinishedDate: expect.any(String) }));
      const restores = expectOk('listBackupTenantRestores', await get(fx.client, url('listBackupTenantRestores', name), accept('listBackupTenantRestores')));
      expect(restores.results.map((r: Json) => r.id)).toContain(created.id);
    });

    it('the five tenant operations under their v1.0 paths answer the same shapes, as application/json', async () => {
      const name = fx.sim.clusters.sharedM5;
      const v1 = (operationId: AtlasOperationId, id?: string): string => atlasPath(operationId, { groupId: fx.sim.groupId, clusterName: name, itemId: id }, 'v1.0');
      const json = 'application/json';
      const list = expectOk('listClusterBackupSnapshots', await get(fx.client, v1('listClusterBackupSnapshots'), json), json);
      const snapshotId = list.results[0].id as string;
      expectOk('getBackupTenantSnapshot', await get(fx.client, v1('getBackupTenantSnapshot', snapshotId), json), json);
      // The v1.0 body, snapshotId alone, is not a valid v2 `TenantRestore`; its answer is one.
      const created = expectOk('downloadClusterBackupTenant', await post(fx.client, v1('downloadClusterBackupTenant'), json, { snapshotId }), json);
      expectOk('getBackupTenantRestore', await get(fx.client, v1('getBackupTenantRestore', created.id), json), json);
      const restores = expectOk('listBackupTenantRestores', await get(fx.client, v1('listBackupTenantRestores'), json), json);
      expect(restores.results.map((r: Json) => r.id)).toContain(created.id);
      expectApiError('listClusterBackupSnapshots', await get(fx.client, v1('listClusterBackupSnapshots'), accept('listClusterBackupSnapshots')), 406, CODES.invalidVersionDate);
    });

    it('the tenant operations serve a legacy Flex cluster, refuse a native one and a dedicated one', async () => {
      const { flexLegacy, flex, dedicated } = fx.sim.clusters;
      expectOk('listClusterBackupSnapshots', await get(fx.client, url('listClusterBackupSnapshots', flexLegacy), accept('listClusterBackupSnapshots')));
      const body = { snapshotId: fx.sim.snapshotIds(flex)[0], targetDeploymentItemName: flex };
      const native = await download('downloadClusterBackupTenant', url('downloadClusterBackupTenant', flex), body);
      expectApiError('downloadClusterBackupTenant', native, 400, 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
      const dedicatedList = await get(fx.client, url('listBackupTenantRestores', dedicated), accept('listBackupTenantRestores'));
      expectApiError('listBackupTenantRestores', dedicatedList, 400, CODES.tenantClusterRequired);
    });

    it.each(['flex', 'flexLegacy'] as const)('the five Flex operations serve the %s cluster, with FAILED and COMPLETED jobs', async (role) => {
      const name = fx.sim.clusters[role];
      const list = expectOk('listFlexBackupSnapshots', await get(fx.client, `${url('listFlexBackupSnapshots', name)}?itemsPerPage=1`, accept('listFlexBackupSnapshots')));
      expect(list.links.map((l: Json) => l.rel)).toEqual(['self', 'next']);
      const [snapshotId, failingId] = fx.sim.snapshotIds(name) as [string, string];
      expectOk('getFlexBackupSnapshot', await get(fx.client, url('getFlexBackupSnapshot', name, snapshotId), accept('getFlexBackupSnapshot')));
      fx.sim.failJobsFor(failingId);
      const ok = expectOk('downloadFlexBackup', await download('downloadFlexBackup', url('downloadFlexBackup', name), { snapshotId }));
      const bad = expectOk('downloadFlexBackup', await download('downloadFlexBackup', url('downloadFlexBackup', name), { snapshotId: failingId }));
      const seen = new Set<string>();
      const deadline = Date.now() + 10_000;
      let done = false;
      while (!done && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        const jobs = expectOk('listFlexRestoreJobs', await get(fx.client, url('listFlexRestoreJobs', name), accept('listFlexRestoreJobs')));
        const mine = jobs.results.filter((j: Json) => j.id === ok.id || j.id === bad.id);
        for (const j of mine) seen.add(j.status);
        done = mine.every((j: Json) => j.status === 'COMPLETED' || j.status === 'FAILED');
      }
      expect(seen).toContain('COMPLETED');
      expect(seen).toContain('FAILED');
      const completed = expectOk('getFlexRestoreJob', await get(fx.client, url('getFlexRestoreJob', name, ok.id), accept('getFlexRestoreJob')));
      expect(completed).toMatchObject({ status: 'COMPLETED', instanceName: name, snapshotUrl: expect.stringContaining('/snapshot-files/') });
      const failed = expectOk('getFlexRestoreJob', await get(fx.client, url('getFlexRestoreJob', name, bad.id), accept('getFlexRestoreJob')));
      expect(failed.status).toBe('FAILED');
    });
  });

  describe('after the sunset', () => {
    beforeAll(() => fx.sim.setNow(AFTER_SUNSET));

    it('getCluster refuses the migrated M2/M5 and legacy Flex clusters; getFlexCluster describes them', async () => {
      const { shared, sharedM5, flexLegacy } = fx.sim.clusters;
      for (const name of [shared, sharedM5, flexLegacy]) {
        expectApiError('getCluster', await get(fx.client, url('getCluster', name), accept('getCluster')), 400, 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
        expectOk('getFlexCluster', await get(fx.client, url('getFlexCluster', name), accept('getFlexCluster')));
      }
    });

    /** The five tenant operations on the M2 cluster of `f`, each a request valid for the contract. */
    async function callTenantOperations(f: SimulatorFixture): Promise<(readonly [AtlasOperationId, TestResponse])[]> {
      const name = f.sim.clusters.shared;
      const snapshotId = f.sim.snapshotIds(name)[0] as string;
      const at = (operationId: AtlasOperationId, id?: string): string => atlasPath(operationId, { groupId: f.sim.groupId, clusterName: name, itemId: id });
      const body = { snapshotId, targetDeploymentItemName: name };
      expectSchema(op('downloadClusterBackupTenant').requestSchema as string, body);
      return [
        ['downloadClusterBackupTenant', await post(f.client, at('downloadClusterBackupTenant'), accept('downloadClusterBackupTenant'), body)],
        ['listBackupTenantRestores', await get(f.client, at('listBackupTenantRestores'), accept('listBackupTenantRestores'))],
        ['getBackupTenantRestore', await get(f.client, at('getBackupTenantRestore', 'a'.repeat(24)), accept('getBackupTenantRestore'))],
        ['listClusterBackupSnapshots', await get(f.client, at('listClusterBackupSnapshots'), accept('listClusterBackupSnapshots'))],
        ['getBackupTenantSnapshot', await get(f.client, at('getBackupTenantSnapshot', snapshotId), accept('getBackupTenantSnapshot'))],
      ];
    }

    it('the five tenant operations answer 410 VERSION_GONE, as a sunset API version', async () => {
      for (const [operationId, response] of await callTenantOperations(fx)) {
        expect(expectApiError(operationId, response, 410, CODES.versionGone).detail).toMatch(/sunset/);
      }
    });

    it("with sunsetAnswer 'not-found', the five tenant operations answer 404 RESOURCE_NOT_FOUND, as removed paths", async () => {
      const removedPaths = await startFixture({ now: () => new Date(AFTER_SUNSET), sunsetAnswer: 'not-found' });
      try {
        for (const [operationId, response] of await callTenantOperations(removedPaths)) {
          expect(expectApiError(operationId, response, 404, CODES.resourceNotFound).detail).toMatch(/sunset/);
        }
      } finally {
        await removedPaths.close();
      }
    });

    it('the Flex operations serve the migrated M2 cluster to a COMPLETED download', async () => {
      const name = fx.sim.clusters.shared;
      const snapshots = expectOk('listFlexBackupSnapshots', await get(fx.client, url('listFlexBackupSnapshots', name), accept('listFlexBackupSnapshots')));
      const created = expectOk('downloadFlexBackup', await download('downloadFlexBackup', url('downloadFlexBackup', name), { snapshotId: snapshots.results[0].id }));
      let job = created;
      while (job.status !== 'COMPLETED') {
        await new Promise((resolve) => setTimeout(resolve, 40));
        job = expectOk('getFlexRestoreJob', await get(fx.client, url('getFlexRestoreJob', name, created.id), accept('getFlexRestoreJob')));
      }
      expect(job.snapshotUrl).toEqual(expect.any(String));
    });
  });

  describe('errors are ApiError envelopes', () => {
    beforeAll(() => fx.sim.setNow(BEFORE_SUNSET));

    it('401 without credentials', async () => {
      const response = await fx.client.send('GET', url('listFlexBackupSnapshots', fx.sim.clusters.flex), { accept: accept('listFlexBackupSnapshots'), auth: 'none' });
      expectApiError('listFlexBackupSnapshots', response, 401, CODES.unauthorized);
    });

    it('406 for an unversioned Accept, 415 for an unversioned Content-Type', async () => {
      const name = fx.sim.clusters.flex;
      expectApiError('getFlexCluster', await get(fx.client, url('getFlexCluster', name), 'application/json'), 406, 'INVALID_VERSION_DATE');
      const response = await fx.client.send('POST', url('downloadFlexBackup', name), {
        accept: accept('downloadFlexBackup'),
        contentType: 'application/json',
        body: { snapshotId: fx.sim.snapshotIds(name)[0] },
      });
      expectApiError('downloadFlexBackup', response, 415, CODES.unsupportedMediaType);
    });

    it('400 for malformed JSON, missing or invalid attributes and malformed path parameters', async () => {
      const { shared, flex } = fx.sim.clusters;
      const tenantType = accept('downloadClusterBackupTenant');
      const malformed = await fx.client.send('POST', url('downloadClusterBackupTenant', shared), { accept: tenantType, contentType: tenantType, body: '{' });
      expectApiError('downloadClusterBackupTenant', malformed, 400, CODES.invalidJson);
      const missing = expectApiError('downloadClusterBackupTenant', await post(fx.client, url('downloadClusterBackupTenant', shared), tenantType, {}), 400, CODES.missingAttribute);
      expect(missing.badRequestDetail.fields).toHaveLength(2);
      const invalid = await post(fx.client, url('downloadFlexBackup', flex), accept('downloadFlexBackup'), { snapshotId: 'XYZ' });
      expectApiError('downloadFlexBackup', invalid, 400, CODES.invalidAttribute);
      const badPath = await get(fx.client, url('getFlexRestoreJob', flex, 'not-an-id'), accept('getFlexRestoreJob'));
      expectApiError('getFlexRestoreJob', badPath, 400, CODES.invalidParameter);
      const badPage = await get(fx.client, `${url('listFlexRestoreJobs', flex)}?itemsPerPage=501`, accept('listFlexRestoreJobs'));
      expectApiError('listFlexRestoreJobs', badPage, 400, CODES.invalidParameter);
    });

    it('429 RATE_LIMITED_TOKEN_BUCKET from an empty token bucket, with every header of tooManyRequests', async () => {
      const throttled = await startFixture({ rateLimit: { capacity: 1, refillTokens: 1, refillIntervalMs: 60_000, retryAfter: 'always' } });
      try {
        const path = atlasPath('listFlexRestoreJobs', { groupId: throttled.sim.groupId, clusterName: throttled.sim.clusters.flex });
        expectOk('listFlexRestoreJobs', await get(throttled.client, path, accept('listFlexRestoreJobs')));
        const response = await get(throttled.client, path, accept('listFlexRestoreJobs'));
        expectApiError('listFlexRestoreJobs', response, 429, CODES.rateLimitedTokenBucket);
        const declared = Object.keys(document.components.responses.tooManyRequests.headers as Json);
        expect(declared.sort()).toEqual(['RateLimit-Limit', 'RateLimit-Remaining', 'Retry-After']);
        // Each is declared an integer.
        for (const header of declared) expect(response.headers[header.toLowerCase()], header).toMatch(/^\d+$/);
      } finally {
        await throttled.close();
      }
    });

    it('404 for unknown clusters, jobs, snapshots and paths; 405 for other methods', async () => {
      const { flex, shared } = fx.sim.clusters;
      expectApiError('getFlexCluster', await get(fx.client, url('getFlexCluster', 'ghost'), accept('getFlexCluster')), 404, CODES.clusterNotFound);
      const unknownJob = await get(fx.client, url('getBackupTenantRestore', shared, 'b'.repeat(24)), accept('getBackupTenantRestore'));
      expectApiError('getBackupTenantRestore', unknownJob, 404, CODES.restoreJobNotFound);
      const unknownSnap = await get(fx.client, url('getFlexBackupSnapshot', flex, 'c'.repeat(24)), accept('getFlexBackupSnapshot'));
      expectApiError('getFlexBackupSnapshot', unknownSnap, 404, CODES.snapshotNotFound);
      const unknownSnapshot = await download('downloadFlexBackup', url('downloadFlexBackup', flex), { snapshotId: 'd'.repeat(24) });
      expectApiError('downloadFlexBackup', unknownSnapshot, 404, CODES.snapshotNotFound);
      expectApiError(undefined, await get(fx.client, `/api/atlas/v2/groups/${fx.sim.groupId}/unknown`, accept('getFlexCluster')), 404, CODES.resourceNotFound);
      const wrongMethod = await fx.client.send('PATCH', url('getFlexCluster', flex), { accept: accept('getFlexCluster') });
      expectApiError('getFlexCluster', wrongMethod, 405, CODES.methodNotAllowed);
    });
  });
});

contractSuite(
  "the simulator's cluster lists",
  () => {
    let fx: SimulatorFixture;
    let operations: Map<string, ContractOperation>;
    let checks: SimulatorChecks;
    const path = (operationId: 'listClusters' | 'listFlexClusters', groupId = fx.sim.groupId): string => atlasPath(operationId, { groupId, clusterName: '' });
    const list = (operationId: 'listClusters' | 'listFlexClusters', query = ''): Promise<TestResponse> =>
      get(fx.client, `${path(operationId)}${query}`, checks.op(operationId).mediaType);

    beforeAll(async () => {
      const contract = loadContract(CLUSTER_LISTS_CONTRACT);
      operations = contract.operations;
      checks = simulatorChecks(contract);
      fx = await startFixture();
    });
    afterAll(async () => fx?.close());

    it('lists the two cluster lists, which the simulator serves with their paths, methods and media types', () => {
      const listed = listedOperations(operations);
      expect(listed.map((o) => o.operationId)).toEqual(['listClusters', 'listFlexClusters']);
      expect(servedOperations().filter((o) => ATLAS_OPERATIONS[o.operationId as AtlasOperationId].role === 'listClusters')).toEqual(listed);
    });

    it.each([
      ['before', BEFORE_SUNSET],
      ['after', AFTER_SUNSET],
    ] as const)('%s the sunset, both lists answer their Paginated schema, each item the description schema', async (_when, now) => {
      fx.sim.setNow(now);
      for (const operationId of ['listClusters', 'listFlexClusters'] as const) {
        const page = checks.expectOk(operationId, await list(operationId));
        expect(page.results.length, operationId).toBeGreaterThan(0);
        expect(page.totalCount).toBe(page.results.length);
        const uncounted = checks.expectOk(operationId, await list(operationId, '?itemsPerPage=1&includeCount=false'));
        expect(uncounted.results).toHaveLength(1);
        expect(uncounted).not.toHaveProperty('totalCount');
      }
    });

    it('the closed validators refuse an undeclared field in a listed cluster (so the checks above can fail)', async () => {
      fx.sim.setNow(BEFORE_SUNSET);
      for (const operationId of ['listClusters', 'listFlexClusters'] as const) {
        const page = (await list(operationId)).json;
        const { open, closed } = checks.validator(checks.op(operationId).responseSchema);
        expect(closed(page), JSON.stringify(closed.errors)).toBe(true);
        const tampered = { ...page, results: [{ ...page.results[0], surprise: 1 }] };
        expect(open(tampered)).toBe(true);
        expect(closed(tampered)).toBe(false);
      }
    });

    it('errors are ApiError envelopes: 401, 404 GROUP_NOT_FOUND, 400 INVALID_PARAMETER, 406', async () => {
      for (const operationId of ['listClusters', 'listFlexClusters'] as const) {
        const mediaType = checks.op(operationId).mediaType;
        const anonymous = await fx.client.send('GET', path(operationId), { accept: mediaType, auth: 'none' });
        checks.expectApiError(operationId, anonymous, 401, CODES.unauthorized);
        checks.expectApiError(operationId, await get(fx.client, path(operationId, 'e'.repeat(24)), mediaType), 404, CODES.groupNotFound);
        checks.expectApiError(operationId, await list(operationId, '?pageNum=0'), 400, CODES.invalidParameter);
        checks.expectApiError(operationId, await get(fx.client, path(operationId), 'application/json'), 406, CODES.invalidVersionDate);
      }
    });
  },
  CLUSTER_LISTS_CONTRACT,
);
