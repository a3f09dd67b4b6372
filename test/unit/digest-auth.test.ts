import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { Agent, request, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createDigestAuthInterceptor, MAX_STALE_RETRIES } from '../../src/auth/digest-auth.js';
import { parseDigestAuthorization, type DigestAlgorithm } from '../../src/auth/digest.js';
import { startDigestServer, type DigestServer } from './helpers/digest-server.js';
import { sendJson, startServer } from './helpers/http-server.js';

const username = 'pubkey01';
const password = 'private-key-4f1c9e0a-do-not-leak';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function digestServer(algorithm?: DigestAlgorithm): Promise<DigestServer> {
  const server = await startDigestServer({ username, password, algorithm });
  cleanups.push(() => server.close());
  return server;
}

function client(origin: string, privateKey = password): Dispatcher {
  const agent = new Agent();
  cleanups.push(() => agent.close());
  return agent.compose(createDigestAuthInterceptor({ publicKey: username, privateKey, origin }));
}

async function call(dispatcher: Dispatcher, url: string, opts: Partial<Dispatcher.RequestOptions> = {}) {
  const res = await request(url, { dispatcher, ...opts } as Parameters<typeof request>[1]);
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as { method: string; url: string; body: string } };
}

const ncOf = (header: string | undefined): number => Number.parseInt(parseDigestAuthorization(header)?.nc ?? 'NaN', 16);

describe('createDigestAuthInterceptor: warm client', () => {
  it('pays one challenge, then signs every request preemptively', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    const first = await call(dispatcher, `${server.origin}/a`);
    expect(first.status).toBe(200);
    expect(server.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, false]);
    const second = await call(dispatcher, `${server.origin}/b`);
    expect(second.status).toBe(200);
    expect(server.requests).toHaveLength(3);
    expect(server.challenges).toHaveLength(1);
  });

  it('costs one 401 for 20 sequential requests, with nc rising 1..20', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    for (let i = 0; i < 20; i += 1) expect((await call(dispatcher, `${server.origin}/seq/${i}`)).status).toBe(200);
    expect(server.challenges).toHaveLength(1);
    expect(server.requests).toHaveLength(21);
    const signed = server.requests.filter((r) => r.headers.authorization !== undefined);
    expect(signed.map((r) => ncOf(r.headers.authorization))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(server.acceptedNc.get(server.challenges[0]!.nonce)).toHaveLength(20);
  });

  it('costs no further 401 for 20 concurrent requests on a warm client; nc values are unique', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    await call(dispatcher, `${server.origin}/warm`);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(dispatcher, `${server.origin}/par/${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.challenges).toHaveLength(1);
    expect(server.requests).toHaveLength(22);
    const ncs = server.requests.slice(1).map((r) => ncOf(r.headers.authorization));
    expect([...ncs].sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('answers stale=true with one retry on the new nonce', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    await call(dispatcher, `${server.origin}/warm`);
    server.expireNonces();
    const res = await call(dispatcher, `${server.origin}/after-expiry`);
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(4);
    expect(server.challenges.map((c) => c.stale)).toEqual([false, true]);
    expect(parseDigestAuthorization(server.requests[3]!.headers.authorization)?.nonce).toBe(server.challenges[1]!.nonce);
    // The new nonce then serves the next request without another challenge.
    expect((await call(dispatcher, `${server.origin}/next`)).status).toBe(200);
    expect(server.challenges).toHaveLength(2);
  });
});

describe('createDigestAuthInterceptor: challenges and retries', () => {
  it('keeps counting when a challenge repeats the current nonce, so no nc is ever reused', async () => {
    const server = await digestServer();
    server.behavior.reuseNonce = true;
    const dispatcher = client(server.origin);
    for (let i = 0; i < 3; i += 1) await call(dispatcher, `${server.origin}/warm/${i}`);
    server.behavior.refuseNext = 1;
    expect((await call(dispatcher, `${server.origin}/refused-once`)).status).toBe(200);
    expect(server.challenges.map((c) => c.nonce)).toEqual(Array(2).fill(server.challenges[0]!.nonce));
    expect(server.requests.slice(1).map((r) => ncOf(r.headers.authorization))).toEqual([1, 2, 3, 4, 5]);
  });

  it.each(['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as const)('answers a %s challenge', async (algorithm) => {
    const server = await digestServer(algorithm);
    const dispatcher = client(server.origin);
    expect((await call(dispatcher, `${server.origin}/x`)).status).toBe(200);
    expect(parseDigestAuthorization(server.requests[1]!.headers.authorization)?.algorithm).toBe(algorithm);
  });

  it.each([
    ['a string', () => JSON.stringify({ name: 'snap', n: 1 }), JSON.stringify({ name: 'snap', n: 1 })],
    ['a Buffer', () => Buffer.from('buffer-body'), 'buffer-body'],
    ['a Uint8Array', () => new TextEncoder().encode('bytes-body'), 'bytes-body'],
  ])('replays a POST body given as %s after the challenge', async (_kind, makeBody, expected) => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    const res = await call(dispatcher, `${server.origin}/post`, {
      method: 'POST',
      body: makeBody(),
      headers: { 'content-type': 'application/json', 'x-caller': 'kept' },
    });
    expect(res.status).toBe(200);
    expect(res.json().body).toBe(expected);
    expect(server.requests.map((r) => [r.body, r.headers['x-caller'], r.headers['content-type']])).toEqual([
      [expected, 'kept', 'application/json'],
      [expected, 'kept', 'application/json'],
    ]);
  });

  it('signs the path with its query, including a query given as an option', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    const res = await call(dispatcher, `${server.origin}/list?pageNum=2`);
    expect(res.json().url).toBe('/list?pageNum=2');
    const viaOption = await call(dispatcher, `${server.origin}/list`, { query: { itemsPerPage: 5, q: 'a b' } });
    expect(viaOption.status).toBe(200);
    expect(viaOption.json().url).toBe('/list?itemsPerPage=5&q=a%20b');
    expect(parseDigestAuthorization(server.requests.at(-1)!.headers.authorization)?.uri).toBe('/list?itemsPerPage=5&q=a%20b');
  });

  it('forwards the 401 after exactly two requests when the private key is wrong, cold or warm', async () => {
    const server = await digestServer();
    const dispatcher = client(server.origin, 'wrong-key');
    const res = await call(dispatcher, `${server.origin}/x`);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'unauthorized' });
    expect(server.requests).toHaveLength(2);
    expect((await call(dispatcher, `${server.origin}/y`)).status).toBe(401);
    expect(server.requests).toHaveLength(4);
  });

  it('retries once after the unsigned attempt, and up to MAX_STALE_RETRIES times for stale=true', async () => {
    expect(MAX_STALE_RETRIES).toBe(3);
    const server = await digestServer();
    const dispatcher = client(server.origin);
    server.behavior.staleNext = 1;
    expect((await call(dispatcher, `${server.origin}/once`)).status).toBe(200);
    expect(server.requests).toHaveLength(3);
    // Stale three times in a row, then served: each retry signed with the nonce of the answer before.
    server.behavior.staleNext = 3;
    expect((await call(dispatcher, `${server.origin}/thrice`)).status).toBe(200);
    expect(server.requests).toHaveLength(7);
    server.behavior.staleNext = Infinity;
    const res = await call(dispatcher, `${server.origin}/always-stale`);
    expect(res.status).toBe(401);
    // Preemptively signed, stale; re-signed three times, stale again: forwarded rather than looping.
    expect(server.requests).toHaveLength(11);
  });

  it.each([
    ['a stream', () => Readable.from([Buffer.from('part-1,'), Buffer.from('part-2')])],
    [
      'an async iterable',
      () =>
        (async function* () {
          yield Buffer.from('part-1,');
          yield Buffer.from('part-2');
        })(),
    ],
  ])('does not retry a request whose body is %s, and signs it when warm', async (_kind, makeBody) => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    const cold = await call(dispatcher, `${server.origin}/upload`, { method: 'POST', body: makeBody() as never });
    expect(cold.status).toBe(401);
    expect(server.requests).toHaveLength(1);
    // The forwarded challenge was still remembered, so the next streamed request goes out signed.
    const warm = await call(dispatcher, `${server.origin}/upload`, { method: 'POST', body: makeBody() as never });
    expect(warm.status).toBe(200);
    expect(warm.json().body).toBe('part-1,part-2');
    expect(server.requests).toHaveLength(2);
  });

  it('gives every request a client nonce of its own: 32 random hex digits', async () => {
    const server = await digestServer('SHA-256-sess');
    const dispatcher = client(server.origin);
    for (const path of ['/c1', '/c2', '/c3']) expect((await call(dispatcher, `${server.origin}${path}`)).status).toBe(200);
    const cnonces = server.requests.slice(1).map((r) => parseDigestAuthorization(r.headers.authorization)?.cnonce);
    expect(cnonces).toHaveLength(3);
    for (const cnonce of cnonces) expect(cnonce).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(cnonces).size).toBe(3);
  });
});

describe('createDigestAuthInterceptor: credentials stay on the origin', () => {
  it('leaves requests to another origin untouched, even when that origin challenges', async () => {
    const atlas = await digestServer();
    const other = await startServer((_req, res) =>
      sendJson(res, 401, { other: true }, { 'www-authenticate': 'Digest realm="evil", nonce="n1", qop="auth"' }),
    );
    cleanups.push(() => other.close());
    const dispatcher = client(atlas.origin);
    await call(dispatcher, `${atlas.origin}/warm`);
    const res = await call(dispatcher, `${other.origin}/steal`);
    expect(res.status).toBe(401);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });

  it.each([
    ['an object', { Authorization: 'Bearer caller-token' }],
    ['a flat array', ['authorization', 'Bearer caller-token']],
    ['a Map', new Map([['AUTHORIZATION', 'Bearer caller-token']])],
  ])('leaves a request that already carries Authorization (headers as %s) untouched', async (_kind, headers) => {
    const server = await digestServer();
    const dispatcher = client(server.origin);
    await call(dispatcher, `${server.origin}/warm`);
    const res = await call(dispatcher, `${server.origin}/pre`, { headers: headers as never });
    expect(res.status).toBe(401);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.headers.authorization).toBe('Bearer caller-token');
  });

  it('keeps the private key out of what a debugger shows (its options are checked, without quoting it, by createSnapshotShim)', async () => {
    const server = await digestServer();
    const interceptor = createDigestAuthInterceptor({ publicKey: username, privateKey: password, origin: server.origin });
    const agent = new Agent();
    cleanups.push(() => agent.close());
    const dispatcher = agent.compose(interceptor);
    await call(dispatcher, `${server.origin}/warm`);
    expect(inspect(interceptor, { showHidden: true, depth: Infinity })).not.toContain(password);
    expect(inspect(dispatcher, { showHidden: true, depth: 4 })).not.toContain(password);
  });
});
