import { inspect } from 'node:util';
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createLegacyClient } from '../../adapters/legacy-client.js';
import { renderError } from '../../src/cli/cli-errors.js';
import { REDACTED, redactDeep, redactSecrets } from '../../src/errors/redact-secrets.js';
import {
  AtlasApiError,
  AtlasResponseError,
  AuthError,
  createSnapshotShim,
  DownloadFailedError,
  ShimError,
  SnapshotTransferError,
  TimeoutError,
  ValidationError,
} from '../../src/index.js';
import { errorRenderings, findLeaks, valueRenderings } from './leak-search.js';

const SIGNATURE = 'f3a9c0de51b2f3a9c0de51b2f3a9c0de51b2';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZGJfc2EifQ.c2lnbmF0dXJl';
const PRIVATE_KEY = '8f2c1e4a-6b3d-4c2a-9e1f-0a7b5c3d2e1f';
const CLIENT_SECRET = 'mdb_sa_sk_Zm9vYmFyYmF6cXV4cXV1eA';
const SECRETS = [
  { name: 'signature', value: SIGNATURE },
  { name: 'token', value: TOKEN },
  { name: 'private key', value: PRIVATE_KEY },
  { name: 'client secret', value: CLIENT_SECRET },
];
const SIGNED_URL = `https://storage.example.com/snap.tar.gz?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=${SIGNATURE}`;
const LEAKY = `GET ${SIGNED_URL} with Authorization: Bearer ${TOKEN}; form client_secret=${CLIENT_SECRET}&grant_type=client_credentials; {"privateKey":"${PRIVATE_KEY}"}`;

describe('redactSecrets', () => {
  it.each([
    ['a URL query', SIGNED_URL, `https://storage.example.com/snap.tar.gz?${REDACTED}`],
    ['a URL query inside prose', `failed: GET ${SIGNED_URL}.`, `failed: GET https://storage.example.com/snap.tar.gz?${REDACTED}`],
    ['a Bearer token', `Authorization: Bearer ${TOKEN}`, `Authorization: Bearer ${REDACTED}`],
    ['Basic credentials', `authorization: Basic ${Buffer.from(`id:${CLIENT_SECRET}`).toString('base64')}`, `authorization: Basic ${REDACTED}`],
    ['a Digest answer', 'Digest username="pub", realm="MMS Public API", nonce="abc", uri="/x", response="0123abcd", nc=00000001', `Digest ${REDACTED}`],
    ['an OAuth form body', `grant_type=client_credentials&client_secret=${CLIENT_SECRET}`, `grant_type=client_credentials&client_secret=${REDACTED}`],
    ['a signature without its URL', `X-Amz-Signature=${SIGNATURE}&x=1`, `X-Amz-Signature=${REDACTED}&x=1`],
    ['a JSON access_token', `{"access_token":"${TOKEN}","expires_in":3600}`, `{"access_token":"${REDACTED}","expires_in":3600}`],
    ['a JSON privateKey', `{"publicKey":"pub","privateKey":"${PRIVATE_KEY}"}`, `{"publicKey":"pub","privateKey":"${REDACTED}"}`],
  ])('masks %s', (_name, text, masked) => {
    expect(redactSecrets(text)).toBe(masked);
  });

  it.each([
    'The Atlas service account token request answered with token type mac; only Bearer tokens are supported.',
    'A 401 Digest challenge was answered once.',
    'Atlas answered GET /api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/clusters/c0 with HTTP 404: RESOURCE_NOT_FOUND',
    'The snapshot host answered GET https://storage.example.com/snap.tar.gz with HTTP 404.',
    'Invalid clusterName: expected 1 to 64 letters, received "a?b".',
  ])('leaves a message without secrets as written: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('takes linear time on a hostile 1 MB string', () => {
    const started = performance.now();
    redactSecrets(`https://${'a'.repeat(500_000)}?${'b='.repeat(250_000)}`);
    redactSecrets(`Digest ${'a='.repeat(500_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('redactDeep masks nested strings, keeps "__proto__" as data, and cuts cycles', () => {
    const cyclic: Record<string, unknown> = { url: SIGNED_URL };
    cyclic.self = cyclic;
    const hostile = JSON.parse(`{"__proto__":{"polluted":true},"list":["Bearer ${TOKEN}"]}`) as unknown;
    const out = redactDeep([cyclic, hostile]) as Array<Record<string, unknown>>;
    expect(out[0]).toEqual({ url: `https://storage.example.com/snap.tar.gz?${REDACTED}`, self: REDACTED });
    expect(Object.getPrototypeOf(out[1])).toBe(Object.prototype);
    expect(Object.keys(out[1]!)).toEqual(['__proto__', 'list']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });
});

describe('errors are masked where they are built', () => {
  const cause = Object.assign(new Error(`socket hang up on ${SIGNED_URL}`), { code: 'ECONNRESET', headers: { authorization: `Bearer ${TOKEN}` } });
  const errors: Array<[string, ShimError]> = [
    ['ShimError', new ShimError(LEAKY, 'TEST', { cause })],
    ['ValidationError', new ValidationError('snapshotUrl', 'an https URL', LEAKY)],
    ['AuthError', new AuthError(LEAKY, 401, { cause })],
    ['AtlasResponseError', new AtlasResponseError(LEAKY, 200, { method: 'GET', path: '/x' }, { cause })],
    ['SnapshotTransferError', new SnapshotTransferError(LEAKY, { phase: 'transfer', cause })],
    ['TimeoutError', new TimeoutError(LEAKY, 10)],
    [
      'AtlasApiError',
      new AtlasApiError({ status: 400, request: { method: 'POST', path: '/x' }, errorCode: 'INVALID', detail: LEAKY, reason: `Bearer ${TOKEN}`, parameters: [SIGNED_URL, { nested: LEAKY }] }),
    ],
  ];

  it.each(errors)('%s: message, stack, toJSON, util.inspect and the cause show no secret', (_name, error) => {
    expect(findLeaks(errorRenderings(error, 'error'), SECRETS)).toEqual([]);
    // Masked, not emptied: the reader still sees what kind of thing was there.
    expect(error.message).toContain(REDACTED);
  });

  it('a DownloadFailedError shows the job’s identity, never its URL or raw body', () => {
    const job = {
      id: '7b2c3d4e5f6a7b8c9d0e1f2a',
      route: 'flex',
      status: 'FAILED',
      snapshotId: '6a1b2c3d4e5f6a7b8c9d0e1f',
      clusterName: 'cluster0',
      snapshotUrl: SIGNED_URL,
      raw: { snapshotUrl: SIGNED_URL, token: TOKEN },
    };
    const error = new DownloadFailedError(job);
    expect(error.job).toBe(job);
    expect(inspect(error)).toMatch(/DownloadFailedError: .*7b2c3d4e5f6a7b8c9d0e1f2a/);
    expect(inspect(error)).toContain("clusterName: 'cluster0'");
    // util.inspect at any depth, with hidden properties, shows the toJSON view, not the job object.
    expect(findLeaks(errorRenderings(error, 'failed'), SECRETS.filter((s) => s.name !== 'private key' && s.name !== 'client secret'))).toEqual([]);
  });

  it('util.inspect still shows the stack, the code and the fields', () => {
    const error = new SnapshotTransferError('The snapshot host answered GET https://h/x with HTTP 404.', { phase: 'transfer', status: 404, bytesWritten: 7 });
    const shown = inspect(error);
    expect(shown).toMatch(/^SnapshotTransferError: The snapshot host answered/);
    expect(shown).toMatch(/\n\s+at /);
    expect(shown).toMatch(/code: 'SNAPSHOT_TRANSFER'/);
    expect(shown).toMatch(/status: 404/);
    expect(shown).toMatch(/bytesWritten: 7/);
  });

  it('a cause with something to mask is replaced by a masked copy of its class; a clean one is kept as it is', () => {
    class SocketFailure extends Error {
      readonly code = 'ECONNRESET';
    }
    const leaky = new SocketFailure(`reset while reading ${SIGNED_URL}`);
    const masked = new SnapshotTransferError('the transfer was interrupted', { phase: 'transfer', cause: leaky }).cause as SocketFailure;
    expect(masked).toBeInstanceOf(SocketFailure);
    expect(masked).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: `reset while reading https://storage.example.com/snap.tar.gz?${REDACTED}` });
    expect(masked.stack).not.toContain(SIGNATURE);
    expect(leaky.message).toContain(SIGNATURE);

    const clean = new Error('socket hang up');
    expect(new SnapshotTransferError('interrupted', { phase: 'transfer', cause: clean }).cause).toBe(clean);
  });

  it('a cause whose members cannot be read does not keep the error from being built', () => {
    const unreadable = Object.defineProperty(new Error('odd'), 'detail', {
      enumerable: true,
      get() {
        throw new Error('getter throws');
      },
    });
    const error = new AuthError('refused', 401, { cause: unreadable });
    expect(error.cause).toBe(unreadable);
    expect(error.message).toBe('refused');
  });

  it('the negative control: the same search finds the secrets in an unmasked error', () => {
    const plain = new Error(LEAKY, { cause });
    expect(new Set(findLeaks(errorRenderings(plain, 'plain'), SECRETS).map((leak) => leak.secret))).toEqual(new Set(SECRETS.map((s) => s.name)));
  });

  it('the CLI masks what a foreign error says, with or without --verbose', () => {
    for (const verbose of [false, true]) {
      const text = renderError(new Error(LEAKY, { cause }), 1, { verbose, secrets: [] });
      expect(findLeaks([{ where: `renderError verbose=${verbose}`, text }], SECRETS)).toEqual([]);
      expect(text).toMatch(/^atlas-snapshot: GET https:\/\/storage\.example\.com\/snap\.tar\.gz\?\[REDACTED\]/);
    }
  });
});

describe('the shim and the legacy client in logs', () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  afterAll(() => agent.close());

  it.each([
    ['an API key', { publicKey: 'public-key-1', privateKey: PRIVATE_KEY }, { publicKey: 'public-key-1', privateKey: REDACTED }],
    ['a service account', { clientId: 'mdb_sa_id_1', clientSecret: CLIENT_SECRET }, { clientId: 'mdb_sa_id_1', clientSecret: REDACTED }],
  ])('with %s, util.inspect and toJSON show the configuration and no secret', async (_name, credentials, shown) => {
    const shim = createSnapshotShim({ credentials, dispatcher: agent, route: () => 'auto', sunsetDate: '2026-01-22T00:00:00Z' });
    try {
      expect(shim.toJSON()).toEqual({
        baseUrl: 'https://cloud.mongodb.com',
        credentials: shown,
        route: 'flag source',
        sunsetDate: '2026-01-22T00:00:00.000Z',
        allowSunsetEndpoint: false,
        atlasForGovernment: false,
      });
      expect(inspect(shim)).toMatch(/^SnapshotShim \{/);
      const legacy = createLegacyClient({ credentials, dispatcher: agent });
      const renderings = [...valueRenderings(shim, 'shim'), ...valueRenderings(legacy, 'legacy client'), { where: 'shim spread', text: inspect({ ...shim }) }];
      expect(findLeaks(renderings, SECRETS)).toEqual([]);
      await legacy.close();
    } finally {
      await shim.close();
    }
  });
});
