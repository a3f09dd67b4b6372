import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasResponseError, createSnapshotShim } from '../../src/index.js';
import { ANSWER_LIMIT_BYTES } from '../../src/http/collect-response.js';
import { failureOf, openShims } from './fault-fixture.js';

// An "Atlas" on 127.0.0.1 that answers every request with a JSON body 32 MiB over the limit
// (more than loopback socket buffers hold, so a client that stops reading is noticed).
let server: Server;
let baseUrl: string;
let requests = 0;
let bytesSent = 0;
const OVER = ANSWER_LIMIT_BYTES + 32 * 1024 * 1024;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/vnd.atlas.2024-11-13+json' });
    let left = OVER;
    const more = (): void => {
      while (left > 0) {
        const chunk = Buffer.alloc(Math.min(left, 65_536), 0x20);
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
        bytesSent += chunk.length;
      }
      res.end();
    };
    res.on('close', () => (left = 0));
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(openShims.splice(0).map((shim) => shim.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('an Atlas answer beyond the size limit', () => {
  it('is an AtlasResponseError with the status and the request, sent once, never read whole', async () => {
    const shim = createSnapshotShim({ baseUrl, credentials: { publicKey: 'pubkey', privateKey: 'private-key-0000' }, route: 'flex' });
    openShims.push(shim);
    const job = { route: 'flex', id: 'a'.repeat(24), projectId: 'b'.repeat(24), clusterName: 'flex-one' } as never;
    const error = await failureOf(shim.getDownload(job));
    expect(error).toBeInstanceOf(AtlasResponseError);
    expect(error).toMatchObject({
      status: 200,
      request: { method: 'GET', path: `/api/atlas/v2/groups/${'b'.repeat(24)}/flexClusters/flex-one/backup/restoreJobs/${'a'.repeat(24)}` },
    });
    expect((error as Error).message).toContain(`exceeds ${ANSWER_LIMIT_BYTES} bytes`);
    // Not a transport failure to try again: a second request would only bring the same answer.
    expect(requests).toBe(1);
    expect(bytesSent).toBeLessThan(OVER);
  });
});
