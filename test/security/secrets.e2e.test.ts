import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyClient } from '../../adapters/legacy-client.js';
import {
  AtlasApiError,
  AuthError,
  createSnapshotShim,
  DownloadFailedError,
  SnapshotTransferError,
  UnsupportedClusterError,
  ValidationError,
  type ShimEvent,
  type SnapshotShim,
  type SnapshotShimOptions,
} from '../../src/index.js';
import { AFTER, BEFORE, SUNSET } from '../simulator/simulator-fixture.js';
import { startEmissionCapture, type EmissionCapture } from './helpers/emission-capture.js';
import { loopbackOnlyDispatcher, refusedOrigins } from './helpers/loopback-only.js';
import { useProxiedSimulator } from './helpers/proxied-simulator.js';
import { requireBuiltCli, runCli } from './helpers/run-cli.js';
import { errorRenderings, findLeaks, valueRenderings, type Emitted, type Secret } from './leak-search.js';

/**
 * Runs the end-to-end scenarios (each cluster kind before and after the sunset, both
 * authentication schemes, a fallback, a FAILED job, an expired URL renewed, 401s, bad
 * snapshot URLs, the legacy client, the CLI with --verbose and --json) through a proxy
 * that records every credential on the wire and signs every snapshotUrl, collects
 * everything the library emits (errors, events, log records, diagnostics-channel messages,
 * console and process output, CLI output), and searches it all for every secret at the end.
 */

const HOURS_5 = 5 * 3_600_000;

const fx = useProxiedSimulator({ clock: BEFORE, jobDurationMs: 100, dirPrefix: 'atlas-snapshot-secrets-' });
// Every shim goes through it: a hostile URL that validation let through would fail here, off the network.
let network: ReturnType<typeof loopbackOnlyDispatcher>;
let capture: EmissionCapture;
/** Secrets made up by the tests themselves (wrong keys, signatures in hostile URLs). */
const madeUp: Secret[] = [];
const shims: Array<{ close(): Promise<void> }> = [];

function secret(name: string): string {
  const value = `${name}-${randomBytes(18).toString('base64url')}`;
  madeUp.push({ name, value });
  return value;
}

function shimWith(options: Partial<SnapshotShimOptions> = {}): SnapshotShim {
  const shim = createSnapshotShim({
    baseUrl: fx.proxy.origin,
    credentials: fx.sim.apiKey,
    sunsetDate: SUNSET,
    now: () => fx.clock,
    onEvent: capture.onEvent,
    logger: capture.logger,
    dispatcher: network.dispatcher,
    ...options,
  });
  shims.push(shim);
  capture.emitted.push(...valueRenderings(shim, 'shim'));
  return shim;
}

/** Runs a scenario, recording its error (every rendering of it) when it throws; returns what it resolved or threw. */
async function scenario<T>(name: string, work: () => Promise<T>): Promise<T | unknown> {
  try {
    return await work();
  } catch (error) {
    capture.emitted.push(...errorRenderings(error, name));
    return error;
  }
}

const snapshotOf = (cluster: string, index = 0): string => fx.sim.snapshotIds(cluster)[index] as string;
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(() => {
  requireBuiltCli();
  network = loopbackOnlyDispatcher();
  capture = startEmissionCapture();
});

// Registered after the fixture's, so it runs first: the proxy and the simulator outlive these.
afterAll(async () => {
  capture?.stop();
  await Promise.all(shims.splice(0).map((shim) => shim.close()));
  await network?.close();
});

describe('secrets never appear in anything emitted', () => {
  const kinds = ['shared', 'sharedM5', 'flexLegacy', 'flex'] as const;

  for (const scheme of ['apiKey', 'serviceAccount'] as const) {
    for (const [when, at] of [['before', BEFORE], ['after', AFTER]] as const) {
      it(`${scheme}: each cluster kind ${when} the sunset downloads; a dedicated one is refused`, async () => {
        fx.clock = at;
        const shim = shimWith({ credentials: fx.sim[scheme] });
        for (const kind of kinds) {
          const cluster = fx.sim.clusters[kind];
          const destination = join(fx.dir, `${scheme}-${when}-${kind}.tar.gz`);
          const result = await scenario(`${scheme} ${when} ${kind}`, () =>
            shim.download({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster), destination, pollIntervalMs: 20 }),
          );
          expect(result, `${kind}: ${String(result)}`).toMatchObject({ path: destination });
          expect(await sha256(destination)).toBe(fx.sim.snapshotSha256(snapshotOf(cluster)));
        }
        const dedicated = await scenario(`${scheme} ${when} dedicated`, () =>
          shim.download({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.dedicated, snapshotId: snapshotOf(fx.sim.clusters.dedicated), destination: join(fx.dir, 'd.tar.gz') }),
        );
        expect(dedicated).toBeInstanceOf(UnsupportedClusterError);
      }, 60_000);
    }
  }

  it('a fallback each way is reported as an event', async () => {
    fx.clock = BEFORE;
    const events: ShimEvent[] = [];
    const onEvent = (event: ShimEvent): void => (events.push(event), capture.onEvent(event));
    const tenantFlag = shimWith({ route: 'tenant', onEvent });
    await tenantFlag.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId: snapshotOf(fx.sim.clusters.flex) });
    const flexFlag = shimWith({ route: 'flex', credentials: fx.sim.serviceAccount, onEvent });
    await flexFlag.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared, snapshotId: snapshotOf(fx.sim.clusters.shared) });
    expect(events.map((event) => event.type)).toEqual(['route-fallback', 'route-fallback']);
  });

  it('a FAILED job ends in DownloadFailedError, with either scheme', async () => {
    fx.clock = BEFORE;
    for (const scheme of ['apiKey', 'serviceAccount'] as const) {
      const cluster = scheme === 'apiKey' ? fx.sim.clusters.sharedM5 : fx.sim.clusters.flex;
      const snapshotId = snapshotOf(cluster, 1);
      fx.sim.failJobsFor(snapshotId);
      const error = await scenario(`FAILED job ${scheme}`, () =>
        shimWith({ credentials: fx.sim[scheme] }).download({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId, destination: join(fx.dir, `failed-${scheme}`), pollIntervalMs: 20 }),
      );
      expect(error).toBeInstanceOf(DownloadFailedError);
    }
  });

  it('an expired snapshot URL is renewed, and a URL the host refuses fails without its query', async () => {
    fx.clock = BEFORE;
    const shim = shimWith({ credentials: fx.sim.serviceAccount });
    const cluster = fx.sim.clusters.flexLegacy;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) }), { pollIntervalMs: 20 });
    expect(job.snapshotUrl).toMatch(/X-Amz-Signature=/);
    fx.clock = new Date(BEFORE.getTime() + HOURS_5);
    try {
      const renewed = await scenario('renewal', () => shim.saveSnapshot(job, join(fx.dir, 'renewed.tar.gz')));
      expect(renewed).toMatchObject({ sha256: fx.sim.snapshotSha256(snapshotOf(cluster)) });
    } finally {
      fx.clock = BEFORE;
    }
    // The same signed URL pointed at a snapshot the host does not have: a 404 from the host.
    const fresh = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) }), { pollIntervalMs: 20 });
    const missing = fresh.snapshotUrl!.replace(/[a-f0-9]{24}\.tar\.gz/, `${'0'.repeat(24)}.tar.gz`);
    const error = await scenario('host 404', () => shim.saveSnapshot({ ...fresh, snapshotUrl: missing }, join(fx.dir, 'missing.tar.gz')));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect((error as SnapshotTransferError).status).toBe(404);
  }, 60_000);

  it('a 401: a wrong private key, a wrong client secret, and revoked tokens (recovered)', async () => {
    fx.clock = BEFORE;
    const target = { groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared };
    const wrongKey = await scenario('wrong private key', () =>
      shimWith({ credentials: { publicKey: fx.sim.apiKey.publicKey, privateKey: secret('wrong-private-key') } }).explainRoute(target),
    );
    expect(wrongKey).toBeInstanceOf(AtlasApiError);
    expect((wrongKey as AtlasApiError).status).toBe(401);
    const wrongSecret = await scenario('wrong client secret', () =>
      shimWith({ credentials: { clientId: fx.sim.serviceAccount.clientId, clientSecret: secret('wrong-client-secret') } }).explainRoute(target),
    );
    expect(wrongSecret).toBeInstanceOf(AuthError);
    const shim = shimWith({ credentials: fx.sim.serviceAccount, clusterKindTtlMs: 0 });
    await shim.explainRoute(target);
    fx.sim.revokeTokens();
    await expect(scenario('revoked token', () => shim.explainRoute(target))).resolves.toMatchObject({ route: 'tenant' });
  });

  it('bad snapshot URLs are refused before any request, their secrets unshown', async () => {
    fx.clock = BEFORE;
    const shim = shimWith();
    const cluster = fx.sim.clusters.flex;
    const job = await shim.waitForDownload(await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: snapshotOf(cluster) }), { pollIntervalMs: 20 });
    const urls = [
      `ftp://127.0.0.1/snap.tar.gz?X-Amz-Signature=${secret('ftp-signature')}`,
      `http://storage.invalid/snap.tar.gz?X-Amz-Signature=${secret('http-signature')}`,
      `file:///etc/passwd?X-Amz-Signature=${secret('file-signature')}`,
      `https://user:${secret('url-password')}@127.0.0.1:1/snap.tar.gz`,
      `javascript:fetch('${secret('javascript-payload')}')`,
      `data:application/gzip;base64,${secret('data-payload')}`,
      `https://127.0.0.1:1/${'p'.repeat(20_000)}?X-Amz-Signature=${secret('long-url-signature')}`,
    ];
    fx.sim.clearRequests();
    for (const [index, snapshotUrl] of urls.entries()) {
      const error = await scenario(`bad snapshot URL ${index}`, () => shim.saveSnapshot({ ...job, snapshotUrl }, join(fx.dir, `bad-${index}.tar.gz`)));
      expect(error, snapshotUrl.slice(0, 40)).toBeInstanceOf(ValidationError);
    }
    expect(fx.sim.requests).toEqual([]);
    expect(refusedOrigins).toEqual([]);
  });

  it('the legacy client, before and after the sunset', async () => {
    for (const [scheme, at] of [['apiKey', BEFORE], ['serviceAccount', AFTER]] as const) {
      fx.clock = at;
      const { onEvent, logger } = capture;
      const client = createLegacyClient({ baseUrl: fx.proxy.origin, credentials: fx.sim[scheme], sunsetDate: SUNSET, now: () => fx.clock, onEvent, logger, dispatcher: network.dispatcher });
      shims.push(client);
      capture.emitted.push(...valueRenderings(client, 'legacy client'));
      const cluster = fx.sim.clusters.shared;
      const job = await client.downloadClusterBackupTenant(fx.sim.groupId, cluster, { snapshotId: snapshotOf(cluster), targetDeploymentItemName: cluster });
      const read = await scenario(`legacy read ${scheme}`, () => client.getBackupTenantRestore(fx.sim.groupId, cluster, job.id!));
      expect(read).toMatchObject({ id: job.id });
      const missing = await scenario(`legacy 404 ${scheme}`, () => client.getBackupTenantRestore(fx.sim.groupId, cluster, 'a'.repeat(24)));
      expect(missing).toBeInstanceOf(AtlasApiError);
    }
    fx.clock = BEFORE;
  });

  describe('the CLI', () => {
    const apiKeyEnv = (): Record<string, string> => ({
      MONGODB_ATLAS_BASE_URL: fx.proxy.origin,
      MONGODB_ATLAS_PUBLIC_API_KEY: fx.sim.apiKey.publicKey,
      MONGODB_ATLAS_PRIVATE_API_KEY: fx.sim.apiKey.privateKey,
    });
    const serviceAccountEnv = (): Record<string, string> => ({
      MONGODB_ATLAS_BASE_URL: fx.proxy.origin,
      MONGODB_ATLAS_CLIENT_ID: fx.sim.serviceAccount.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: fx.sim.serviceAccount.clientSecret,
    });
    const download = (cluster: string, snapshotId: string, out: string, ...extra: string[]): string[] => [
      'download', '--project', fx.sim.groupId, '--cluster', cluster, '--snapshot', snapshotId, '--out', join(fx.dir, out), '--now', BEFORE.toISOString(), '--poll-interval', '30', ...extra,
    ];

    async function cli(name: string, args: string[], env: Record<string, string>, expectedCode: number): Promise<void> {
      const result = await runCli(args, env);
      capture.emitted.push({ where: `CLI ${name} stdout`, text: result.stdout }, { where: `CLI ${name} stderr`, text: result.stderr });
      expect(result.code, `${name}: ${result.stderr}`).toBe(expectedCode);
    }

    it('downloads with --json and with --verbose, with either scheme', async () => {
      fx.clock = BEFORE;
      await cli('json api key', download(fx.sim.clusters.shared, snapshotOf(fx.sim.clusters.shared), 'cli-1.tar.gz', '--json'), apiKeyEnv(), 0);
      await cli('verbose service account', download(fx.sim.clusters.flex, snapshotOf(fx.sim.clusters.flex), 'cli-2.tar.gz', '--verbose'), serviceAccountEnv(), 0);
      await cli('json fallback', download(fx.sim.clusters.flex, snapshotOf(fx.sim.clusters.flex), 'cli-3.tar.gz', '--json', '--route', 'tenant'), serviceAccountEnv(), 0);
    }, 60_000);

    it('fails with --verbose: a FAILED job, a 401, a refused token, a dedicated cluster, secrets given as flags', async () => {
      fx.clock = BEFORE;
      const failing = snapshotOf(fx.sim.clusters.shared, 2);
      fx.sim.failJobsFor(failing);
      await cli('FAILED job', download(fx.sim.clusters.shared, failing, 'cli-failed.tar.gz', '--verbose'), apiKeyEnv(), 4);
      await cli('wrong private key', ['explain', '--project', fx.sim.groupId, '--cluster', fx.sim.clusters.flex, '--verbose', '--json'], {
        ...apiKeyEnv(),
        MONGODB_ATLAS_PRIVATE_API_KEY: secret('cli-wrong-private-key'),
      }, 3);
      await cli('wrong client secret', download(fx.sim.clusters.flex, snapshotOf(fx.sim.clusters.flex), 'cli-x.tar.gz', '--verbose'), {
        ...serviceAccountEnv(),
        MONGODB_ATLAS_CLIENT_SECRET: secret('cli-wrong-client-secret'),
      }, 3);
      await cli('dedicated, secrets as flags', [
        ...download(fx.sim.clusters.dedicated, snapshotOf(fx.sim.clusters.dedicated), 'cli-d.tar.gz', '--verbose', '--json'),
        '--base-url', fx.proxy.origin, '--client-id', fx.sim.serviceAccount.clientId, '--client-secret', fx.sim.serviceAccount.clientSecret,
      ], {}, 4);
      await cli('bad destination', download(fx.sim.clusters.flex, snapshotOf(fx.sim.clusters.flex), 'no-such-dir/x.tar.gz', '--verbose'), apiKeyEnv(), 6);
    }, 60_000);
  });

  it('the snapshot host never received an Atlas Authorization', () => {
    const fileRequests = fx.sim.requests.filter((request) => request.path.startsWith('/snapshot-files/'));
    expect(fileRequests.length).toBeGreaterThan(0);
    expect(fileRequests.filter((request) => request.auth !== 'none')).toEqual([]);
  });

  it('the search finds a deliberately leaked secret (negative control)', () => {
    const signature = fx.proxy.signatures.at(-1)!;
    const token = fx.proxy.accessTokens.at(-1)!;
    const leaky: Emitted[] = [
      ...errorRenderings(new Error(`GET https://storage.example/snap.tar.gz?X-Amz-Signature=${signature}`), 'leaky error'),
      ...valueRenderings({ headers: { authorization: `Bearer ${token}` } }, 'leaky event'),
      { where: 'leaky log line', text: `private key: ${encodeURIComponent(fx.sim.apiKey.privateKey)}` },
    ];
    const secrets = [
      { name: 'signature', value: signature },
      { name: 'access token', value: token },
      { name: 'private key', value: fx.sim.apiKey.privateKey },
    ];
    const leaks = findLeaks(leaky, secrets);
    expect(new Set(leaks.map((leak) => leak.secret))).toEqual(new Set(['signature', 'access token', 'private key']));
    expect(leaks.some((leak) => leak.where.startsWith('leaky error') && leak.where.endsWith('util.inspect'))).toBe(true);
  });

  it('nothing emitted contains a secret: not the keys, the tokens, the signatures, nor the made-up ones', () => {
    // What went over the wire: Bearer tokens, the Basic client credentials, and each Digest answer (a hash of the private key).
    const wire = fx.proxy.authorizations.flatMap((value) => {
      const [scheme, credential] = value.split(/\s+/, 2) as [string, string];
      if (scheme === 'Bearer' || scheme === 'Basic') return [{ name: `${scheme} credential`, value: credential }];
      const response = /\bresponse="([^"]+)"/.exec(value)?.[1];
      return response === undefined ? [] : [{ name: 'Digest response', value: response }];
    });
    const secrets: Secret[] = [
      { name: 'private key', value: fx.sim.apiKey.privateKey },
      { name: 'client secret', value: fx.sim.serviceAccount.clientSecret },
      ...fx.proxy.accessTokens.map((value) => ({ name: 'access token', value })),
      ...fx.proxy.signatures.map((value) => ({ name: 'snapshotUrl signature', value })),
      ...wire,
      ...madeUp,
    ];
    const { emitted } = capture;
    // The scenarios must really have produced what is searched for, or a clean result means nothing.
    expect(fx.proxy.accessTokens.length).toBeGreaterThanOrEqual(3);
    expect(fx.proxy.signatures.length).toBeGreaterThanOrEqual(20);
    expect(new Set(wire.map((s) => s.name))).toEqual(new Set(['Bearer credential', 'Basic credential', 'Digest response']));
    expect(emitted.filter((e) => /CLI .* stdout/.test(e.where) && e.text.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(emitted.filter((e) => e.where.startsWith('event route-fallback')).length).toBeGreaterThan(0);
    expect(emitted.filter((e) => e.where.startsWith('log ')).length).toBeGreaterThan(0);
    expect(emitted.filter((e) => e.where.startsWith('channel request')).length).toBeGreaterThan(0);
    expect(emitted.filter((e) => / util\.inspect deep$/.test(e.where)).length).toBeGreaterThanOrEqual(15);
    expect(findLeaks(emitted, secrets)).toEqual([]);
  });
});
