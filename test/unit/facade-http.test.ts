import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtlasResponseError, createSnapshotShim, VERSION } from '../../src/index.js';
import { mockAtlasWithToken } from './helpers/mock-atlas.js';

const ORIGIN = 'https://cloud.mongodb.com';
const groupId = '5f1a2b3c4d5e6f7a8b9c0d1e';
const snapshotId = '6a1b2c3d4e5f6a7b8c9d0e1f';
const jobId = '7b2c3d4e5f6a7b8c9d0e1f2a';
const credentials = { clientId: 'mdb_sa_id_test', clientSecret: 'mdb_sa_sk_secret' };

let agent: MockAgent;

// Interceptors hand headers on as a flat [name, value, …] list; read them as an object.
function headerObject(headers: unknown): Record<string, string> {
  if (!Array.isArray(headers)) return headers as Record<string, string>;
  const result: Record<string, string> = {};
  for (let i = 0; i < headers.length; i += 2) result[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  return result;
}

beforeEach(() => {
  agent = mockAtlasWithToken(ORIGIN);
});
afterEach(async () => {
  await agent.close();
});

function shim(route: 'tenant' | 'flex') {
  return createSnapshotShim({ credentials, dispatcher: agent, route, userAgent: 'my-app/1.0', now: () => new Date('2026-01-01T00:00:00Z') });
}

describe('the requests the facade sends', () => {
  it('tenant: versioned Accept and Content-Type, the TenantRestore body, User-Agent and Bearer token', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: `/api/atlas/v2/groups/${groupId}/clusters/legacy/backup/tenant/download`, method: 'POST' })
      .reply((options) => {
        seen = { headers: headerObject(options.headers), body: String(options.body) };
        return {
          statusCode: 200,
          data: { id: jobId, snapshotId, status: 'QUEUED', clusterName: 'legacy', targetDeploymentItemName: 'legacy', unknownField: 1 },
          responseOptions: { headers: { 'content-type': 'application/vnd.atlas.2023-01-01+json' } },
        };
      });
    // The tenant flag before the sunset still asks the cluster kind (for the decision); answer it.
    agent
      .get(ORIGIN)
      .intercept({ path: `/api/atlas/v2/groups/${groupId}/clusters/legacy`, method: 'GET' })
      .reply(200, { name: 'legacy', replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', electableSpecs: { instanceSize: 'M2' } }] }] });
    const download = await shim('tenant').downloadSnapshot({ groupId, clusterName: 'legacy', snapshotId });
    expect(download).toMatchObject({ route: 'tenant', id: jobId, status: 'QUEUED', clusterName: 'legacy', projectId: groupId });
    expect(download.raw.unknownField).toBe(1);
    expect(seen?.headers).toMatchObject({
      accept: 'application/vnd.atlas.2023-01-01+json',
      'content-type': 'application/vnd.atlas.2023-01-01+json',
      authorization: 'Bearer tok-1',
    });
    expect(seen?.headers['user-agent']).toBe(`atlas-snapshot-shim/${VERSION} node/${process.versions.node} my-app/1.0`);
    expect(JSON.parse(seen?.body ?? '')).toEqual({ snapshotId, targetDeploymentItemName: 'legacy' });
  });

  it('flex: the 2024-11-13 media type, a { snapshotId } body, and no cluster look-up', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: `/api/atlas/v2/groups/${groupId}/flexClusters/flexy/backup/download`, method: 'POST' })
      .reply((options) => {
        seen = { headers: headerObject(options.headers), body: String(options.body) };
        return { statusCode: 200, data: { id: jobId, snapshotId, status: 'PENDING', instanceName: 'flexy' } };
      });
    const download = await shim('flex').downloadSnapshot({ groupId, clusterName: 'flexy', snapshotId });
    expect(download).toMatchObject({ route: 'flex', clusterName: 'flexy', decision: { clusterKindSource: 'not-asked' } });
    expect(seen?.headers).toMatchObject({ accept: 'application/vnd.atlas.2024-11-13+json', 'content-type': 'application/vnd.atlas.2024-11-13+json' });
    expect(JSON.parse(seen?.body ?? '')).toEqual({ snapshotId });
    agent.assertNoPendingInterceptors();
  });

  it('getDownload re-reads the job from the family that created it, with no body', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `/api/atlas/v2/groups/${groupId}/flexClusters/flexy/backup/restoreJobs/${jobId}`, method: 'GET' })
      .reply(200, { id: jobId, status: 'COMPLETED', snapshotUrl: 'https://storage.example/x.tar.gz', expirationDate: '2026-01-01T04:00:00Z' });
    const job = await shim('flex').getDownload({
      ...(await import('../../src/model/normalize.js')).normalizeFlexRestoreJob({ id: jobId, instanceName: 'flexy', projectId: groupId }),
    });
    expect(job).toMatchObject({ route: 'flex', status: 'COMPLETED', clusterName: 'flexy', projectId: groupId });
    expect(job.expirationDate?.toISOString()).toBe('2026-01-01T04:00:00.000Z');
  });

  it('a success answer that is not JSON, or has no job id, is an AtlasResponseError', async () => {
    const path = `/api/atlas/v2/groups/${groupId}/flexClusters/flexy/backup/download`;
    // A success status means a job was created: the shim looks for it before giving up (here, none is listed).
    const listPath = `/api/atlas/v2/groups/${groupId}/flexClusters/flexy/backup/restoreJobs`;
    agent
      .get(ORIGIN)
      .intercept({ path: (requested) => requested.startsWith(`${listPath}?`), method: 'GET' })
      .reply(200, { results: [], links: [] }, { headers: { 'content-type': 'application/vnd.atlas.2024-11-13+json' } })
      .persist();
    agent.get(ORIGIN).intercept({ path, method: 'POST' }).reply(200, '<html>', { headers: { 'content-type': 'text/html' } });
    agent.get(ORIGIN).intercept({ path, method: 'POST' }).reply(200, '{"status":', { headers: { 'content-type': 'application/json' } });
    agent.get(ORIGIN).intercept({ path, method: 'POST' }).reply(200, { status: 'PENDING' });
    for (const message of [/content-type text\/html/, /not valid JSON/, /no id/]) {
      const error = await shim('flex').downloadSnapshot({ groupId, clusterName: 'flexy', snapshotId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AtlasResponseError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
