import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectResponse, type CollectHooks } from '../../src/http/collect-response.js';
import { sendBytes, startServer, type TestServer } from './helpers/http-server.js';

// A real server on 127.0.0.1: `/bytes/N` answers N bytes.
let server: TestServer;
const agent = new Agent();

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const size = Number(req.url.split('/')[2] ?? 0);
    await sendBytes(res, size, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
  });
});
afterAll(async () => {
  await agent.close();
  await server.close();
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
    const answer = await collectResponse(dispatch, { origin: server.origin, path: '/bytes/300000', method: 'GET' }, value);
    expect(answer).toMatchObject({ status: 200, statusMessage: 'OK', headers: { 'content-length': '300000' } });
    expect(answer.body.length).toBe(300_000);
    expect(seen).toEqual({ starts: 1, settles: 1 });
  });

  it('aborts an answer one byte over the limit with the error it is given', async () => {
    const { seen, value } = hooks(299_999);
    const answer = collectResponse(dispatch, { origin: server.origin, path: '/bytes/300000', method: 'GET' }, value);
    await expect(answer).rejects.toThrow('status 200: over 299999 bytes');
    expect(seen).toEqual({ starts: 1, settles: 1 });
  });

  it('settles when the dispatcher refuses the request outright', async () => {
    const { seen, value } = hooks(1024);
    const refusing = () => {
      throw new TypeError('closed');
    };
    await expect(collectResponse(refusing, { origin: server.origin, path: '/bytes/1', method: 'GET' }, value)).rejects.toThrow('closed');
    expect(seen).toEqual({ starts: 0, settles: 1 });
  });
});
