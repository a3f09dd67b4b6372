import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectResponse, type CollectHooks } from '../../src/http/collect-response.js';

// A real server on 127.0.0.1: `/bytes/N` answers N bytes in 64 KiB writes.
let server: Server;
let origin: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    const size = Number(req.url?.split('/')[2] ?? 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    let left = size;
    const more = (): void => {
      while (left > 0) {
        const chunk = Buffer.alloc(Math.min(left, 65_536), 0x61);
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function hooks(limitBytes: number) {
  const seen = { starts: 0, settles: 0 };
  const value: CollectHooks = {
    onStart: () => (seen.starts += 1),
    onSettle: () => (seen.settles += 1),
    tooLarge: (status, limit) => new Error(`status ${status}: over ${limit} bytes`),
    limitBytes,
  };
  return { seen, value };
}

const dispatch = agent.dispatch.bind(agent);

describe('collectResponse', () => {
  it('reads a whole answer up to the limit, and settles once', async () => {
    const { seen, value } = hooks(300_000);
    const answer = await collectResponse(dispatch, { origin, path: '/bytes/300000', method: 'GET' }, value);
    expect(answer).toMatchObject({ status: 200, statusMessage: 'OK', headers: { 'content-length': '300000' } });
    expect(answer.body.length).toBe(300_000);
    expect(seen).toEqual({ starts: 1, settles: 1 });
  });

  it('aborts an answer one byte over the limit with the error it is given, holding no more than the limit', async () => {
    const { seen, value } = hooks(299_999);
    await expect(collectResponse(dispatch, { origin, path: '/bytes/300000', method: 'GET' }, value)).rejects.toThrow('status 200: over 299999 bytes');
    expect(seen).toEqual({ starts: 1, settles: 1 });
  });

  it('settles when the dispatcher refuses the request outright', async () => {
    const { seen, value } = hooks(1024);
    const refusing = () => {
      throw new TypeError('closed');
    };
    await expect(collectResponse(refusing, { origin, path: '/bytes/1', method: 'GET' }, value)).rejects.toThrow('closed');
    expect(seen).toEqual({ starts: 0, settles: 1 });
  });
});
