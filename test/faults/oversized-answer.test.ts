import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_LIMIT_BYTES } from '../../src/http/collect-response.js';
import { AtlasResponseError, createSnapshotShim } from '../../src/index.js';
import { sendBytes, startServer, type TestServer } from '../unit/helpers/http-server.js';
import { failureOf, openShims } from './fault-fixture.js';

// An "Atlas" on 127.0.0.1 that answers every request with a JSON body 32 MiB over the limit
// (more than loopback socket buffers hold, so a client that stops reading is noticed).
const OVER = ANSWER_LIMIT_BYTES + 32 * 1024 * 1024;
let server: TestServer;
const sent: Array<Promise<number>> = [];

beforeAll(async () => {
  server = await startServer((_req, res) => {
    sent.push(sendBytes(res, OVER, { 'content-type': 'application/vnd.atlas.2024-11-13+json' }, 0x20));
  });
});
afterAll(async () => {
  await Promise.all(openShims.splice(0).map((shim) => shim.close()));
  await server.close();
});

describe('an Atlas answer beyond the size limit', () => {
  it('is an AtlasResponseError with the status and the request, sent once, never read whole', async () => {
    const shim = createSnapshotShim({ baseUrl: server.origin, credentials: { publicKey: 'pubkey', privateKey: 'private-key-0000' }, route: 'flex' });
    openShims.push(shim);
    const [groupId, jobId] = ['b'.repeat(24), 'a'.repeat(24)];
    const job = { route: 'flex', id: jobId, projectId: groupId, clusterName: 'flex-one' } as never;
    const error = await failureOf(shim.getDownload(job));
    expect(error).toBeInstanceOf(AtlasResponseError);
    expect(error).toMatchObject({
      status: 200,
      request: { method: 'GET', path: `/api/atlas/v2/groups/${groupId}/flexClusters/flex-one/backup/restoreJobs/${jobId}` },
    });
    expect((error as Error).message).toContain(`exceeds ${ANSWER_LIMIT_BYTES} bytes`);
    // Not a transport failure to try again: a second request would only bring the same answer.
    expect(server.requests).toHaveLength(1);
    expect(await sent[0]).toBeLessThan(OVER);
  });
});
