import { join } from 'node:path';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  createSnapshotShim,
  ShimError,
  ValidationError,
  type SnapshotShim,
  type SnapshotShimOptions,
} from '../../src/index.js';
import { BEFORE } from '../simulator/simulator-fixture.js';
import { sendJson, startServer, type TestServer } from '../unit/helpers/http-server.js';
import { useProxiedSimulator } from './helpers/proxied-simulator.js';

/**
 * Where Atlas credentials may go: only to the configured Atlas origin, never to the
 * snapshot host, never along a redirect to another origin, and never over plain http
 * except to a loopback host. Other origins are second servers on 127.0.0.1 with another
 * port: a different port is a different origin.
 */

let elsewhere: TestServer;

beforeAll(async () => {
  elsewhere = await startServer((request, res) => {
    if (request.url.startsWith('/snapshot')) {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': 4 });
      res.end('snap');
    } else sendJson(res, 404, { error: 404, errorCode: 'RESOURCE_NOT_FOUND', detail: 'another origin' });
  });
});
afterAll(async () => {
  await elsewhere?.close();
});
// Registered after `elsewhere`, so the shims, the proxy and the simulator are closed before it.
const fx = useProxiedSimulator({ clock: BEFORE, jobDurationMs: 0, dirPrefix: 'atlas-snapshot-boundaries-' });
afterEach(async () => {
  fx.proxy.redirect = undefined;
  elsewhere.requests.length = 0;
  fx.sim.clearRequests();
});

function shimWith(options: Partial<SnapshotShimOptions>): SnapshotShim {
  return fx.closeAtEnd(createSnapshotShim({ baseUrl: fx.proxy.origin, credentials: fx.sim.apiKey, now: () => BEFORE, clusterKindTtlMs: 0, ...options }));
}

/** A caller's dispatcher that follows redirects, as some applications configure undici globally. */
function followingRedirects(): Dispatcher {
  const agent = fx.closeAtEnd(new Agent());
  return agent.compose(interceptors.redirect({ maxRedirections: 3 }));
}

const credentialHeaders = (server: TestServer) =>
  server.requests.flatMap((request) => ['authorization', 'cookie', 'proxy-authorization'].filter((name) => request.headers[name] !== undefined).map((name) => `${request.method} ${request.url}: ${name}`));

describe('baseUrl: https, or http only to a loopback host', () => {
  it.each([
    'https://cloud.mongodb.com',
    'https://cloud.mongodb.com/',
    'https://cloud-dev.mongodb.com:8443',
    'http://127.0.0.1:8080',
    'http://127.9.8.7',
    'http://localhost:1',
    'http://[::1]:9',
    'HTTP://LOCALHOST',
  ])('accepts %s', (baseUrl) => {
    const shim = fx.closeAtEnd(createSnapshotShim({ baseUrl, credentials: fx.sim.apiKey }));
    expect(shim.toJSON()).toMatchObject({ baseUrl: new URL(baseUrl).origin });
  });

  it.each([
    ['plain http to Atlas', 'http://cloud.mongodb.com'],
    ['plain http to any other host', 'http://example.com'],
    ['a host that only starts like loopback', 'http://127.0.0.1.nip.io'],
    ['a host that only starts like localhost', 'http://localhost.example.com'],
    ['a loopback name with credentials in front of another host', 'http://localhost:80@example.com'],
    ['user name and password', 'https://user:pass@cloud.mongodb.com'],
    ['a path', 'https://cloud.mongodb.com/api/atlas/v2'],
    ['a query', 'https://cloud.mongodb.com/?x=1'],
    ['a fragment', 'https://cloud.mongodb.com/#x'],
    ['ftp:', 'ftp://127.0.0.1'],
    ['file:', 'file:///etc/passwd'],
    ['ws:', 'ws://127.0.0.1'],
    ['javascript:', 'javascript:alert(1)'],
    ['a relative URL', '/api/atlas'],
    ['the empty string', ''],
    ['a number', 443],
    ['a URL object', new URL('https://cloud.mongodb.com')],
  ])('refuses %s, naming options.baseUrl', (_name, baseUrl) => {
    expect(() => createSnapshotShim({ baseUrl: baseUrl as string, credentials: fx.sim.apiKey })).toThrow(ValidationError);
    expect(() => createSnapshotShim({ baseUrl: baseUrl as string, credentials: fx.sim.apiKey })).toThrow(/options\.baseUrl/);
  });
});

describe('the snapshot host receives no Atlas credential', () => {
  it.each(['apiKey', 'serviceAccount'] as const)('%s: a warm shim sends the snapshot GET without Authorization or Cookie', async (scheme) => {
    for (const dispatcher of [undefined, followingRedirects()]) {
      const shim = shimWith({ credentials: fx.sim[scheme], ...(dispatcher ? { dispatcher } : {}) });
      // Warm: the digest session holds a nonce, the service account a token, for the Atlas origin.
      await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex });
      expect(fx.proxy.authorizations.length).toBeGreaterThan(0);
      const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId: fx.sim.snapshotIds(fx.sim.clusters.flex)[0]! }), { pollIntervalMs: 0 });
      const onElsewhere = { ...job, snapshotUrl: `${elsewhere.origin}/snapshot/file.tar.gz?X-Amz-Signature=abc` };
      await shim.saveSnapshot(onElsewhere, join(fx.dir, `${scheme}.tar.gz`));
      expect(elsewhere.requests.map((request) => request.url)).toEqual(['/snapshot/file.tar.gz?X-Amz-Signature=abc']);
      expect(credentialHeaders(elsewhere)).toEqual([]);
      elsewhere.requests.length = 0;
    }
  });

  it('the simulator’s own snapshot host saw no Authorization either', async () => {
    const shim = shimWith({ credentials: fx.sim.serviceAccount });
    const cluster = fx.sim.clusters.shared;
    await shim.download({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0]!, destination: join(fx.dir, 'sim.tar.gz'), pollIntervalMs: 0 });
    const files = fx.sim.requests.filter((request) => request.path.startsWith('/snapshot-files/'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((request) => request.auth)).toEqual(files.map(() => 'none'));
  });
});

describe('a redirect from the Atlas API to another origin carries no credential', () => {
  const target = () => ({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex });

  it.each(['apiKey', 'serviceAccount'] as const)('%s, the shim’s own dispatcher: the redirect is not followed at all', async (scheme) => {
    const shim = shimWith({ credentials: fx.sim[scheme] });
    await shim.explainRoute(target());
    fx.proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status: 302 };
    const error = await shim.downloadSnapshot({ ...target(), snapshotId: fx.sim.snapshotIds(fx.sim.clusters.flex)[0]! }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShimError);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a service account whose token endpoint redirects elsewhere fails with an AuthError, sending its secret nowhere', async () => {
    fx.proxy.redirect = { match: /^\/api\/oauth\/token$/, to: elsewhere.origin, status: 307 };
    const shim = shimWith({ credentials: fx.sim.serviceAccount });
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(AuthError);
    expect(elsewhere.requests).toEqual([]);
  });

  for (const status of [301, 302, 303, 307, 308] as const) {
    it.each(['apiKey', 'serviceAccount'] as const)(`%s, a caller's dispatcher that follows redirects: a ${status} reaches the other origin without Authorization`, async (scheme) => {
      const shim = shimWith({ credentials: fx.sim[scheme], dispatcher: followingRedirects() });
      await shim.explainRoute(target());
      const signedBefore = fx.proxy.authorizations.length;
      fx.proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status };
      await shim.explainRoute(target()).catch(() => undefined);
      // The request to Atlas was signed, and the copy the redirect sent elsewhere was not.
      expect(fx.proxy.authorizations.length).toBeGreaterThan(signedBefore);
      expect(elsewhere.requests.length).toBeGreaterThan(0);
      expect(credentialHeaders(elsewhere)).toEqual([]);
    });
  }

  it("a caller's dispatcher that follows redirects: a redirected token request reaches the other origin without the client secret", async () => {
    fx.proxy.redirect = { match: /^\/api\/oauth\/token$/, to: elsewhere.origin, status: 307 };
    const shim = shimWith({ credentials: fx.sim.serviceAccount, dispatcher: followingRedirects() });
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(AuthError);
    expect(elsewhere.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /api/oauth/token']);
    expect(credentialHeaders(elsewhere)).toEqual([]);
    expect(elsewhere.requests[0]!.body).not.toContain(fx.sim.serviceAccount.clientSecret);
  });
});

describe('an Atlas answer that is a redirect', () => {
  it('is an error, not an empty success that decides the route', async () => {
    const shim = shimWith({ credentials: fx.sim.apiKey });
    await shim.explainRoute(target());
    fx.proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status: 302 };
    // getCluster's 302 ends the look-up: read as an empty 200, it would have decided the route as 'flex'.
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(ShimError);
  });

  function target() {
    return { groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared };
  }
});
