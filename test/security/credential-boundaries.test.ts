import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { sendJson, startServer, type TestServer } from '../unit/helpers/http-server.js';
import { startAtlasProxy, type AtlasProxy } from './helpers/atlas-proxy.js';

/**
 * Where Atlas credentials may go: only to the configured Atlas origin, never to the
 * snapshot host, never along a redirect to another origin, and never over plain http
 * except to a loopback host. Other origins are second servers on 127.0.0.1 with another
 * port: a different port is a different origin.
 */

const BEFORE = new Date('2026-01-10T12:00:00Z');
let sim: AtlasSimulator;
let proxy: AtlasProxy;
let elsewhere: TestServer;
let dir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => BEFORE, jobDurationMs: 0 });
  proxy = await startAtlasProxy(sim.url);
  elsewhere = await startServer((request, res) => {
    if (request.url.startsWith('/snapshot')) {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': 4 });
      res.end('snap');
    } else sendJson(res, 404, { error: 404, errorCode: 'RESOURCE_NOT_FOUND', detail: 'another origin' });
  });
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-boundaries-'));
});
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await elsewhere?.close();
  await proxy?.close();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  proxy.redirect = undefined;
  elsewhere.requests.length = 0;
  sim.clearRequests();
});

function shimWith(options: Partial<SnapshotShimOptions>): SnapshotShim {
  const shim = createSnapshotShim({ baseUrl: proxy.origin, credentials: sim.apiKey, now: () => BEFORE, clusterKindTtlMs: 0, ...options });
  closers.push(() => shim.close());
  return shim;
}

/** A caller's dispatcher that follows redirects, as some applications configure undici globally. */
function followingRedirects(): Dispatcher {
  const agent = new Agent();
  closers.push(() => agent.close());
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
    const shim = createSnapshotShim({ baseUrl, credentials: sim.apiKey });
    closers.push(() => shim.close());
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
    expect(() => createSnapshotShim({ baseUrl: baseUrl as string, credentials: sim.apiKey })).toThrow(ValidationError);
    expect(() => createSnapshotShim({ baseUrl: baseUrl as string, credentials: sim.apiKey })).toThrow(/options\.baseUrl/);
  });
});

describe('the snapshot host receives no Atlas credential', () => {
  it.each(['apiKey', 'serviceAccount'] as const)('%s: a warm shim sends the snapshot GET without Authorization or Cookie', async (scheme) => {
    for (const dispatcher of [undefined, followingRedirects()]) {
      const shim = shimWith({ credentials: sim[scheme], ...(dispatcher ? { dispatcher } : {}) });
      // Warm: the digest session holds a nonce, the service account a token, for the Atlas origin.
      await shim.explainRoute({ groupId: sim.groupId, clusterName: sim.clusters.flex });
      expect(proxy.authorizations.length).toBeGreaterThan(0);
      const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: sim.groupId, clusterName: sim.clusters.flex, snapshotId: sim.snapshotIds(sim.clusters.flex)[0]! }), { pollIntervalMs: 0 });
      const onElsewhere = { ...job, snapshotUrl: `${elsewhere.origin}/snapshot/file.tar.gz?X-Amz-Signature=abc` };
      await shim.saveSnapshot(onElsewhere, join(dir, `${scheme}.tar.gz`));
      expect(elsewhere.requests.map((request) => request.url)).toEqual(['/snapshot/file.tar.gz?X-Amz-Signature=abc']);
      expect(credentialHeaders(elsewhere)).toEqual([]);
      elsewhere.requests.length = 0;
    }
  });

  it('the simulator’s own snapshot host saw no Authorization either', async () => {
    const shim = shimWith({ credentials: sim.serviceAccount });
    const cluster = sim.clusters.shared;
    await shim.download({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0]!, destination: join(dir, 'sim.tar.gz'), pollIntervalMs: 0 });
    const files = sim.requests.filter((request) => request.path.startsWith('/snapshot-files/'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((request) => request.auth)).toEqual(files.map(() => 'none'));
  });
});

describe('a redirect from the Atlas API to another origin carries no credential', () => {
  const target = () => ({ groupId: sim.groupId, clusterName: sim.clusters.flex });

  it.each(['apiKey', 'serviceAccount'] as const)('%s, the shim’s own dispatcher: the redirect is not followed at all', async (scheme) => {
    const shim = shimWith({ credentials: sim[scheme] });
    await shim.explainRoute(target());
    proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status: 302 };
    const error = await shim.downloadSnapshot({ ...target(), snapshotId: sim.snapshotIds(sim.clusters.flex)[0]! }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShimError);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a service account whose token endpoint redirects elsewhere fails with an AuthError, sending its secret nowhere', async () => {
    proxy.redirect = { match: /^\/api\/oauth\/token$/, to: elsewhere.origin, status: 307 };
    const shim = shimWith({ credentials: sim.serviceAccount });
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(AuthError);
    expect(elsewhere.requests).toEqual([]);
  });

  for (const status of [301, 302, 303, 307, 308] as const) {
    it.each(['apiKey', 'serviceAccount'] as const)(`%s, a caller's dispatcher that follows redirects: a ${status} reaches the other origin without Authorization`, async (scheme) => {
      const shim = shimWith({ credentials: sim[scheme], dispatcher: followingRedirects() });
      await shim.explainRoute(target());
      const signedBefore = proxy.authorizations.length;
      proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status };
      await shim.explainRoute(target()).catch(() => undefined);
      // The request to Atlas was signed, and the copy the redirect sent elsewhere was not.
      expect(proxy.authorizations.length).toBeGreaterThan(signedBefore);
      expect(elsewhere.requests.length).toBeGreaterThan(0);
      expect(credentialHeaders(elsewhere)).toEqual([]);
    });
  }

  it("a caller's dispatcher that follows redirects: a redirected token request reaches the other origin without the client secret", async () => {
    proxy.redirect = { match: /^\/api\/oauth\/token$/, to: elsewhere.origin, status: 307 };
    const shim = shimWith({ credentials: sim.serviceAccount, dispatcher: followingRedirects() });
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(AuthError);
    expect(elsewhere.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /api/oauth/token']);
    expect(credentialHeaders(elsewhere)).toEqual([]);
    expect(elsewhere.requests[0]!.body).not.toContain(sim.serviceAccount.clientSecret);
  });
});

describe('an Atlas answer that is a redirect', () => {
  it('is an error, not an empty success that decides the route', async () => {
    const shim = shimWith({ credentials: sim.apiKey });
    await shim.explainRoute(target());
    proxy.redirect = { match: /^\/api\/atlas\//, to: elsewhere.origin, status: 302 };
    // getCluster's 302 ends the look-up: read as an empty 200, it would have decided the route as 'flex'.
    await expect(shim.explainRoute(target())).rejects.toBeInstanceOf(ShimError);
  });

  function target() {
    return { groupId: sim.groupId, clusterName: sim.clusters.shared };
  }
});
