import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { Agent, request, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServiceAccountInterceptor } from '../../src/auth/service-account-auth.js';
import { AuthError } from '../../src/errors/atlas-errors.js';
import { startServer, sendJson } from './helpers/http-server.js';
import { startTokenServer, type TokenMode, type TokenServer } from './helpers/token-server.js';

const clientId = 'mdb_sa_id_0123456789abcdef';
const clientSecret = 'mdb_sa_sk_SECRET-7a3e91-do-not-leak';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tokenServer(): Promise<TokenServer> {
  const server = await startTokenServer({ clientId, clientSecret });
  cleanups.push(() => server.close());
  return server;
}

type Options = Partial<Parameters<typeof createServiceAccountInterceptor>[0]>;

function client(origin: string, options: Options = {}, inner?: Dispatcher.DispatcherComposeInterceptor): Dispatcher {
  const agent = new Agent();
  cleanups.push(() => agent.close());
  const auth = createServiceAccountInterceptor({ clientId, clientSecret, origin, ...options });
  return inner ? agent.compose(inner, auth) : agent.compose(auth);
}

async function call(dispatcher: Dispatcher, url: string, opts: Partial<Dispatcher.RequestOptions> = {}) {
  const res = await request(url, { dispatcher, ...opts } as Parameters<typeof request>[1]);
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as { body: string; token: string } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('createServiceAccountInterceptor: tokens', () => {
  it('fetches one token for 20 concurrent requests, with the client-credentials request Atlas expects', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(dispatcher, `${server.origin}/api/${i}`)));
    expect(results.map((r) => [r.status, r.json().token])).toEqual(Array(20).fill([200, 'token-1']));
    expect(server.tokenRequests).toHaveLength(1);
    const tokenRequest = server.tokenRequests[0]!;
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`);
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest.headers.accept).toBe('application/json');
    expect(tokenRequest.body).toBe('grant_type=client_credentials');
    expect(server.apiRequests.map((r) => r.headers.authorization)).toEqual(Array(20).fill('Bearer token-1'));
  });

  it("sends the token request to Atlas's token path through the dispatch it wraps", async () => {
    const server = await tokenServer();
    const seen: string[] = [];
    const recorder: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
      seen.push(`${opts.method} ${opts.path}`);
      return dispatch(opts, handler);
    };
    const dispatcher = client(server.origin, {}, recorder);
    expect((await call(dispatcher, `${server.origin}/api/x`)).status).toBe(200);
    expect(seen).toEqual(['POST /api/oauth/token', 'GET /api/x']);
  });

  it('refreshes the token a minute before expires_in runs out (the wall clock, moved by the test)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    try {
      const server = await tokenServer();
      const dispatcher = client(server.origin);
      expect((await call(dispatcher, `${server.origin}/api/1`)).json().token).toBe('token-1');
      vi.setSystemTime(1_000_000 + 3600_000 - 60_000 - 1);
      expect((await call(dispatcher, `${server.origin}/api/2`)).json().token).toBe('token-1');
      vi.setSystemTime(1_000_000 + 3600_000 - 60_000);
      expect((await call(dispatcher, `${server.origin}/api/3`)).json().token).toBe('token-2');
      expect(server.tokenRequests).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a refused token, fetches a new one and replays the request once', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    await call(dispatcher, `${server.origin}/api/warm`);
    server.revoke('token-1');
    // Headers as a Map: the caller's own headers must survive adding Authorization.
    const headers = new Map([['content-type', 'application/json'], ['x-caller', 'kept']]);
    const res = await call(dispatcher, `${server.origin}/api/post`, { method: 'POST', body: '{"a":1}', headers: headers as never });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ token: 'token-2', body: '{"a":1}' });
    expect(server.apiRequests.slice(1).map((r) => [r.headers.authorization, r.body, r.headers['x-caller']])).toEqual([
      ['Bearer token-1', '{"a":1}', 'kept'],
      ['Bearer token-2', '{"a":1}', 'kept'],
    ]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('forwards a second 401 instead of looping', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    server.behavior.rejectAll = true;
    const res = await call(dispatcher, `${server.origin}/api/x`);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'invalid_token' });
    expect(server.apiRequests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('does not replay a streamed body after a 401', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    await call(dispatcher, `${server.origin}/api/warm`);
    server.revoke('token-1');
    const res = await call(dispatcher, `${server.origin}/api/upload`, { method: 'POST', body: Readable.from(['a', 'b']) as never });
    expect(res.status).toBe(401);
    expect(server.apiRequests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(1);
  });
});

describe('createServiceAccountInterceptor: failures', () => {
  it.each<[TokenMode, number | undefined, RegExp]>([
    ['unauthorized', 401, /refused with HTTP 401 \(invalid_client\).*client id 'mdb_sa_id_0123456789abcdef'/],
    ['server-error', 500, /refused with HTTP 500 \(server_error\).*try again later/],
    ['not-json', 200, /not JSON \(content-type text\/html\)/],
    ['no-token', 200, /without a usable access_token/],
  ])('fails the request with AuthError when the token endpoint answers %s', async (mode, status, message) => {
    const server = await tokenServer();
    server.behavior.tokenMode = mode;
    const dispatcher = client(server.origin);
    const err = await rejection(call(dispatcher, `${server.origin}/api/x`));
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).status).toBe(status);
    expect(err.message).toMatch(message);
    for (const text of [err.message, JSON.stringify(err), inspect(err)]) {
      expect(text).not.toContain(clientSecret);
      expect(text).not.toMatch(/token-(\d|leaked)/);
    }
    expect(server.apiRequests).toHaveLength(0);
    // A failure is not cached: the next request asks again and succeeds.
    server.behavior.tokenMode = 'ok';
    expect((await call(dispatcher, `${server.origin}/api/y`)).status).toBe(200);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('fails with AuthError carrying the network error as cause when the origin is unreachable', async () => {
    const gone = await startServer((_req, res) => void res.end());
    await gone.close();
    const dispatcher = client(gone.origin);
    const err = await rejection(call(dispatcher, `${gone.origin}/api/x`));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/token request \(POST \/api\/oauth\/token\) failed/);
    expect((err as AuthError).cause).toBeInstanceOf(Error);
    expect(JSON.stringify(err)).not.toContain(clientSecret);
  });

  it('rejects with the abort reason when the caller aborts while waiting for a token', async () => {
    const server = await tokenServer();
    server.behavior.holdTokens = true;
    const dispatcher = client(server.origin);
    const controller = new AbortController();
    const pending = call(dispatcher, `${server.origin}/api/x`, { signal: controller.signal });
    await expect.poll(() => server.tokenRequests.length).toBe(1);
    controller.abort();
    const err = await rejection(pending);
    expect(err.name).toBe('AbortError');
    server.releaseTokens();
    // The shared fetch still completes and serves the next request.
    server.behavior.holdTokens = false;
    expect((await call(dispatcher, `${server.origin}/api/y`)).json().token).toBe('token-1');
    expect(server.apiRequests.map((r) => r.url)).toEqual(['/api/y']);
  });

  it('rejects at once for a signal aborted before the request', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    const err = await rejection(call(dispatcher, `${server.origin}/api/x`, { signal: AbortSignal.abort() }));
    expect(err.name).toBe('AbortError');
    expect(server.apiRequests).toHaveLength(0);
  });
});

describe('createServiceAccountInterceptor: credentials stay on the origin', () => {
  it('sends neither token nor secret to another origin, and fetches no token for it', async () => {
    const atlas = await tokenServer();
    const other = await startServer((_req, res) => sendJson(res, 401, { other: true }));
    cleanups.push(() => other.close());
    const dispatcher = client(atlas.origin);
    const res = await call(dispatcher, `${other.origin}/steal`);
    expect(res.status).toBe(401);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(atlas.tokenRequests).toHaveLength(0);
  });

  it('leaves a request that already carries Authorization untouched', async () => {
    const server = await tokenServer();
    const dispatcher = client(server.origin);
    const res = await call(dispatcher, `${server.origin}/api/pre`, { headers: { authorization: 'Bearer caller-token' } });
    expect(res.status).toBe(401);
    expect(server.apiRequests.map((r) => r.headers.authorization)).toEqual(['Bearer caller-token']);
    expect(server.tokenRequests).toHaveLength(0);
  });

  it('keeps the secret out of what a debugger shows of the interceptor', () => {
    expect(inspect(createServiceAccountInterceptor({ clientId, clientSecret, origin: 'https://cloud.mongodb.com' }), { showHidden: true })).not.toContain(clientSecret);
  });
});
