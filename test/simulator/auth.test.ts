import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { computeDigestResponse, parseDigestChallenge } from '../../src/auth/digest.js';
import { SIMULATOR_ERROR_CODES } from '../../src/simulator/index.js';
import { DigestTestClient } from './digest-test-client.js';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
afterEach(async () => fx?.close());

const clusterPath = (f: SimulatorFixture): string => `${f.group}/clusters/${f.sim.clusters.dedicated}`;

describe('digest challenge', () => {
  it('answers an unauthenticated request with 401, an ApiError and Atlas\'s challenge', async () => {
    fx = await startFixture();
    const response = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: 'none' });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json).toMatchObject({ error: 401, errorCode: SIMULATOR_ERROR_CODES.unauthorized, reason: 'Unauthorized' });
    const header = response.headers['www-authenticate'] as string;
    expect(header).toMatch(/^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/=]{32}", algorithm=MD5, qop="auth", stale=false$/);
    expect(parseDigestChallenge(header)).toMatchObject({ realm: 'MMS Public API', algorithm: 'MD5', qop: ['auth'], stale: false });
    expect(fx.sim.requests).toEqual([{ method: 'GET', path: clusterPath(fx), status: 401, auth: 'none' }]);
  });

  it('accepts the digested request and logs it as digest with its operationId', async () => {
    fx = await startFixture();
    const response = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE });
    expect(response.status).toBe(200);
    expect(fx.sim.requests.at(-1)).toEqual({ method: 'GET', path: clusterPath(fx), status: 200, auth: 'digest', operationId: 'getCluster' });
  });

  it('lets one nonce serve many requests over several connections: exactly one 401 in total', async () => {
    fx = await startFixture();
    for (let i = 0; i < 12; i += 1) expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
    // A second client object means new connections, but it reuses the first one's nonce.
    const other = new DigestTestClient(fx.sim.url, fx.sim.apiKey);
    const challenge = fx.client.challenge;
    if (challenge === undefined) throw new Error('no challenge');
    for (let nc = 100; nc < 108; nc += 1) {
      const uri = clusterPath(fx);
      const authorization = fx.client.authorization('GET', uri, nc);
      expect((await other.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, authorization)).status).toBe(200);
    }
    await other.close();
    expect(fx.sim.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(fx.client.challengesAnswered).toBe(1);
    expect(fx.sim.requests).toHaveLength(21);
  });

  it('answers a correct digest on an expired nonce with stale=true and a fresh nonce', async () => {
    fx = await startFixture({ nonceTtlMs: 150 });
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
    const oldNonce = fx.client.challenge?.nonce;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const stale = await fx.client.raw('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', clusterPath(fx)));
    expect(stale.status).toBe(401);
    const challenge = parseDigestChallenge(stale.headers['www-authenticate']);
    expect(challenge?.stale).toBe(true);
    expect(challenge?.nonce).not.toBe(oldNonce);
    // The client's usual path: take the new nonce and go on.
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
  });

  it('refuses a replayed nonce count, not as stale, and accepts an unused lower one (out-of-order arrival)', async () => {
    fx = await startFixture();
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
    const uri = clusterPath(fx);
    expect((await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', uri, 5))).status).toBe(200);
    for (const nc of [5, 1]) {
      const replay = await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', uri, nc));
      expect(replay.status).toBe(401);
      expect(parseDigestChallenge(replay.headers['www-authenticate'])?.stale).toBe(false);
    }
    expect((await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', uri, 3))).status).toBe(200);
    expect((await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', uri, 3))).status).toBe(401);
    expect((await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', uri, 6))).status).toBe(200);
  });

  it('refuses a wrong private key, an unknown public key, a wrong uri and a wrong method', async () => {
    fx = await startFixture();
    const uri = clusterPath(fx);
    const wrongSecret = new DigestTestClient(fx.sim.url, { publicKey: fx.sim.apiKey.publicKey, privateKey: 'not-the-key' });
    const wrongUser = new DigestTestClient(fx.sim.url, { publicKey: 'abcdefgh', privateKey: fx.sim.apiKey.privateKey });
    for (const client of [wrongSecret, wrongUser]) {
      const response = await client.send('GET', uri, { accept: CLUSTER_MEDIA_TYPE });
      expect(response.status).toBe(401);
      expect(parseDigestChallenge(response.headers['www-authenticate'])?.stale).toBe(false);
      await client.close();
    }
    await fx.client.send('GET', uri, { accept: CLUSTER_MEDIA_TYPE });
    const otherUri = await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('GET', `${uri}x`));
    expect(otherUri.status).toBe(401);
    const otherMethod = await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, fx.client.authorization('POST', uri));
    expect(otherMethod.status).toBe(401);
  });

  it('includes the query string in the uri that is digested', async () => {
    fx = await startFixture();
    const path = `${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots?pageNum=1&itemsPerPage=1`;
    const response = await fx.client.send('GET', path, { accept: FLEX_MEDIA_TYPE });
    expect(response.status).toBe(200);
    expect(fx.sim.requests.at(-1)?.path).toBe(`${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots`);
  });

  it('challenges with SHA-256 when asked to, and then refuses MD5 answers', async () => {
    fx = await startFixture({ digestAlgorithm: 'SHA-256' });
    const uri = clusterPath(fx);
    const challenged = await fx.client.send('GET', uri, { accept: CLUSTER_MEDIA_TYPE, auth: 'none' });
    const challenge = parseDigestChallenge(challenged.headers['www-authenticate']);
    expect(challenge?.algorithm).toBe('SHA-256');
    expect((await fx.client.send('GET', uri, { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
    const md5Response = computeDigestResponse({
      algorithm: 'MD5',
      username: fx.sim.apiKey.publicKey,
      password: fx.sim.apiKey.privateKey,
      realm: 'MMS Public API',
      nonce: challenge?.nonce ?? '',
      method: 'GET',
      uri,
      qop: 'auth',
      nc: '00000001',
      cnonce: 'abc',
    });
    const authorization =
      `Digest username="${fx.sim.apiKey.publicKey}", realm="MMS Public API", nonce="${challenge?.nonce}", uri="${uri}", ` +
      `algorithm=MD5, response="${md5Response}", qop=auth, nc=00000001, cnonce="abc"`;
    expect((await fx.client.raw('GET', uri, { accept: CLUSTER_MEDIA_TYPE }, authorization)).status).toBe(401);
  });

  it('refuses Basic credentials on Atlas operations and logs them as basic', async () => {
    fx = await startFixture();
    const basic = `Basic ${Buffer.from(`${fx.sim.apiKey.publicKey}:${fx.sim.apiKey.privateKey}`).toString('base64')}`;
    const response = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: { authorization: basic } });
    expect(response.status).toBe(401);
    expect(fx.sim.requests.at(-1)?.auth).toBe('basic');
  });
});

describe('service accounts', () => {
  const tokenRequest = (f: SimulatorFixture, id: string, secret: string, body = 'grant_type=client_credentials') =>
    request(`${f.sim.url}/api/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
    });

  async function token(f: SimulatorFixture): Promise<string> {
    const response = await tokenRequest(f, f.sim.serviceAccount.clientId, f.sim.serviceAccount.clientSecret);
    expect(response.statusCode).toBe(200);
    return ((await response.body.json()) as { access_token: string }).access_token;
  }

  it('issues Atlas-shaped credentials per start', async () => {
    fx = await startFixture();
    const second = await startFixture();
    expect(fx.sim.apiKey.publicKey).toMatch(/^[a-z]{8}$/);
    expect(fx.sim.apiKey.privateKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fx.sim.serviceAccount.clientId).toMatch(/^mdb_sa_id_[0-9a-f]+$/);
    expect(fx.sim.serviceAccount.clientSecret).toMatch(/^mdb_sa_sk_\S+$/);
    expect(second.sim.apiKey.privateKey).not.toBe(fx.sim.apiKey.privateKey);
    expect(second.sim.serviceAccount.clientSecret).not.toBe(fx.sim.serviceAccount.clientSecret);
    await second.close();
  });

  it('issues a bearer token for client credentials', async () => {
    fx = await startFixture({ tokenTtlSeconds: 120 });
    const response = await tokenRequest(fx, fx.sim.serviceAccount.clientId, fx.sim.serviceAccount.clientSecret);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    const body = (await response.body.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^\S{20,}$/), token_type: 'Bearer', expires_in: 120 });
    expect(fx.sim.requests.at(-1)).toEqual({ method: 'POST', path: '/api/oauth/token', status: 200, auth: 'basic' });
  });

  it('announces the default lifetime of one hour', async () => {
    fx = await startFixture();
    const response = await tokenRequest(fx, fx.sim.serviceAccount.clientId, fx.sim.serviceAccount.clientSecret);
    expect(((await response.body.json()) as { expires_in: number }).expires_in).toBe(3600);
  });

  it('answers a bad client with 401 invalid_client and a bad grant with 400 unsupported_grant_type', async () => {
    fx = await startFixture();
    const badClient = await tokenRequest(fx, fx.sim.serviceAccount.clientId, 'mdb_sa_sk_wrong');
    expect(badClient.statusCode).toBe(401);
    expect(await badClient.body.json()).toMatchObject({ error: 'invalid_client' });
    const badGrant = await tokenRequest(fx, fx.sim.serviceAccount.clientId, fx.sim.serviceAccount.clientSecret, 'grant_type=password');
    expect(badGrant.statusCode).toBe(400);
    expect(await badGrant.body.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('accepts the bearer token on Atlas operations until revokeTokens()', async () => {
    fx = await startFixture();
    const bearer = { authorization: `Bearer ${await token(fx)}` };
    const ok = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: bearer });
    expect(ok.status).toBe(200);
    expect(fx.sim.requests.at(-1)).toMatchObject({ auth: 'bearer', status: 200, operationId: 'getCluster' });
    fx.sim.revokeTokens();
    const revoked = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: bearer });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toMatchObject({ error: 401, errorCode: SIMULATOR_ERROR_CODES.unauthorized });
    const fresh = { authorization: `Bearer ${await token(fx)}` };
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: fresh })).status).toBe(200);
  });

  it('stops accepting a token once its lifetime has passed', async () => {
    fx = await startFixture({ tokenTtlSeconds: 0.2 });
    const bearer = { authorization: `Bearer ${await token(fx)}` };
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: bearer })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: bearer })).status).toBe(401);
  });

  it('refuses a token it never issued', async () => {
    fx = await startFixture();
    const response = await fx.client.send('GET', clusterPath(fx), { accept: CLUSTER_MEDIA_TYPE, auth: { authorization: 'Bearer made-up' } });
    expect(response.status).toBe(401);
  });
});
