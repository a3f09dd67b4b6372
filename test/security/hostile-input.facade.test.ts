import { readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSnapshotShim, SnapshotTransferError, type SnapshotDownload } from '../../src/index.js';
import { completedJob, exact, expectClearRefusal, missingDirectory, refusal, useNoNetwork, VALID } from './helpers/no-network.js';
import { hostileFor, NOT_OBJECTS, without } from './hostile-values.js';

/**
 * Hostile values at every facade method a JavaScript caller reaches: each is refused with a
 * typed, readable error before any I/O. "No I/O" is proven by an undici MockAgent that
 * refuses the network and has no intercepts, behind a counter of every request dispatched
 * (see `useNoNetwork`).
 */

const io = useNoNetwork();

describe('the facade', () => {
  const valid = { groupId: VALID.groupId, clusterName: VALID.clusterName, snapshotId: VALID.snapshotId };

  for (const field of ['groupId', 'clusterName', 'snapshotId'] as const) {
    it.each(hostileFor(valid[field]))(`downloadSnapshot refuses ${field} as %s`, async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.downloadSnapshot({ ...valid, [field]: value } as never)), exact(field));
    });
    if (field !== 'snapshotId') {
      it.each(hostileFor(valid[field]))(`explainRoute refuses ${field} as %s`, async (_name, value) => {
        expectClearRefusal(await refusal(() => io.shim.explainRoute({ ...valid, [field]: value } as never)), exact(field));
      });
    }
  }

  it.each(without(hostileFor(VALID.clusterName), 'undefined'))('downloadSnapshot refuses targetDeploymentItemName as %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.downloadSnapshot({ ...valid, targetDeploymentItemName: value } as never)), exact('targetDeploymentItemName'));
  });

  it.each(without(hostileFor('signal'), 'undefined'))('downloadSnapshot and explainRoute refuse a signal that is %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.downloadSnapshot({ ...valid, signal: value } as never)), exact('signal'));
    expectClearRefusal(await refusal(() => io.shim.explainRoute({ ...valid, signal: value } as never)), exact('signal'));
  });

  it.each([...NOT_OBJECTS, ['undefined', undefined] as const])('every method refuses an argument that is %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.downloadSnapshot(value as never)), /argument$/);
    expectClearRefusal(await refusal(() => io.shim.explainRoute(value as never)), /argument$/);
    expectClearRefusal(await refusal(() => io.shim.getDownload(value as never)), exact('download'));
    expectClearRefusal(await refusal(() => io.shim.saveSnapshot(value as never, join(io.dir, 'x.tar.gz'))), exact('download'));
    expectClearRefusal(await refusal(() => io.shim.download(value as never)), /argument$/);
  });

  describe('a job read back (getDownload, waitForDownload, saveSnapshot)', () => {
    const fields = { route: 'flex', projectId: VALID.groupId, clusterName: VALID.clusterName, id: VALID.jobId } as const;
    const named: Record<keyof typeof fields, RegExp> = {
      route: exact('download.route'),
      projectId: exact('groupId'),
      clusterName: exact('clusterName'),
      id: exact('download.id'),
    };
    for (const field of Object.keys(fields) as Array<keyof typeof fields>) {
      it.each(hostileFor(fields[field]))(`getDownload and waitForDownload refuse a job whose ${field} is %s`, async (_name, value) => {
        const job = completedJob({ status: 'RUNNING', [field]: value });
        expectClearRefusal(await refusal(() => io.shim.getDownload(job)), named[field]);
        expectClearRefusal(await refusal(() => io.shim.waitForDownload(job, { pollIntervalMs: 0 })), named[field]);
      });
    }

    it.each(hostileFor(VALID.snapshotId))('saveSnapshot refuses a job whose snapshotId is %s', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob({ snapshotId: value }), join(io.dir, 'x.tar.gz'))), exact('download.snapshotId'));
    });

    it.each(hostileFor(VALID.groupId))('saveSnapshot refuses a job whose projectId is %s', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob({ projectId: value }), join(io.dir, 'x.tar.gz'))), exact('groupId'));
    });
  });

  describe('snapshotUrl', () => {
    it.each([
      ['file:', 'file:///etc/passwd'],
      ['file: with a host', 'file://127.0.0.1/etc/passwd'],
      ['data:', 'data:application/gzip;base64,H4sIAAAAAAAAA'],
      ['javascript:', 'javascript:alert(document.cookie)'],
      ['ftp:', 'ftp://127.0.0.1/snap.tar.gz'],
      ['ws:', 'ws://127.0.0.1/snap.tar.gz'],
      ['blob:', 'blob:https://storage.example.com/0f4c'],
      ['plain http to another host', 'http://storage.example.com/snap.tar.gz?X-Amz-Signature=0123456789abcdef'],
      ['plain http to a host that only starts like loopback', 'http://127.0.0.1.nip.io/snap.tar.gz'],
      ['user name and password', 'https://user:0123456789abcdef@storage.example.com/snap.tar.gz'],
      ['a relative URL', '/snap.tar.gz?X-Amz-Signature=0123456789abcdef'],
      ['a scheme-relative URL', '//storage.example.com/snap.tar.gz'],
      ['a 1 MB URL', `https://storage.example.com/${'p'.repeat(1_000_000)}?X-Amz-Signature=0123456789abcdef`],
      ['a host name longer than DNS allows', `https://${'a'.repeat(300)}.example.com/snap.tar.gz`],
      ['NUL', 'https://storage.example.com/\u0000?X-Amz-Signature=0123456789abcdef'.replace('https://', 'https\u0000://')],
      ['the empty string', ''],
    ])('saveSnapshot refuses a snapshotUrl that is %s, before any request', async (_name, snapshotUrl) => {
      const error = await refusal(() => io.shim.saveSnapshot(completedJob({ snapshotUrl }), join(io.dir, 'x.tar.gz')));
      expectClearRefusal(error, /^source\.url$/);
      expect(await readdir(io.dir)).toEqual([]);
    });

    it.each(without(hostileFor(VALID.snapshotUrl), 'a NUL', 'a newline', 'a slash', 'a backslash', 'traversal after a valid value', 'undefined', 'the empty string', 'a 1 MB string'))(
      'saveSnapshot refuses a snapshotUrl that is %s',
      async (_name, snapshotUrl) => {
        expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob({ snapshotUrl }), join(io.dir, 'x.tar.gz'))), /^(download\.snapshotUrl|source\.url)$/);
      },
    );

    it('a job without a snapshotUrl is refused with a hint to wait for it', async () => {
      const error = await refusal(() => io.shim.saveSnapshot(completedJob({ snapshotUrl: undefined, status: 'RUNNING' }), join(io.dir, 'x.tar.gz')));
      expectClearRefusal(error, exact('download.snapshotUrl'));
      expect((error as Error).message).toMatch(/waitForDownload/);
    });
  });

  describe('destination', () => {
    // Each row says why it is refused; a resolved directory is named as the shim saw it, so a
    // `..` the shim did not receive (or did not resolve) changes the message and fails the row.
    it.each([
      ['a NUL', (d: string) => join(d, 'snap\u0000.tar.gz'), () => /contains a NUL character/],
      ['the empty string', () => '', () => /is empty/],
      ['only spaces', () => '   ', () => /is empty/],
      ['the root directory', () => '/', () => /"\/" ends with a separator/],
      ['an existing directory', (d: string) => d, () => /is an existing directory/],
      ['a path ending in a separator', (d: string) => `${d}/new/`, () => /ends with a separator/],
      // Concatenated, not joined: path.join would collapse each `..` before the shim saw it.
      ['a path under a missing directory', (d: string) => `${d}/missing/../missing/x.tar.gz`, (d: string) => missingDirectory(join(d, 'missing'))],
      ['traversal to a directory that does not exist', (d: string) => `${d}/../no-such-dir-here/x.tar.gz`, (d: string) => missingDirectory(resolve(d, '..', 'no-such-dir-here'))],
      [
        'relative traversal to a directory that does not exist',
        (d: string) => `${relative(process.cwd(), d)}/../no-such-dir-here/x.tar.gz`,
        (d: string) => missingDirectory(resolve(d, '..', 'no-such-dir-here')),
      ],
      ['a 1 MB path', (d: string) => join(d, 'a'.repeat(1_000_000)), () => /is longer than 4096 characters/],
      ['a path just past PATH_MAX', (d: string) => join(d, 'b'.repeat(4097)), () => /is longer than 4096 characters/],
      ['a path through a file', (d: string) => join(d, 'plain-file', 'x.tar.gz'), () => /is a file, not a directory/],
    ])('saveSnapshot and download refuse a destination that is %s, before any request', async (_name, destinationOf, messageOf) => {
      const plain = join(io.dir, 'plain-file');
      await writeFile(plain, 'x');
      try {
        const destination = destinationOf(io.dir);
        for (const error of [
          await refusal(() => io.shim.saveSnapshot(completedJob(), destination)),
          await refusal(() => io.shim.download({ groupId: VALID.groupId, clusterName: VALID.clusterName, snapshotId: VALID.snapshotId, destination })),
        ]) {
          expectClearRefusal(error, /destination/);
          expect((error as Error).message).toMatch(messageOf(io.dir));
        }
      } finally {
        await rm(plain, { force: true });
      }
    });

    it.each(without(hostileFor('x.tar.gz'), 'path traversal', 'traversal after a valid value', 'a slash', 'a backslash', 'a NUL', 'a newline', 'a 1 MB string', 'the empty string'))(
      'saveSnapshot and download refuse a destination that is %s',
      async (_name, destination) => {
        expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), destination as never)), exact('destination'));
        expectClearRefusal(await refusal(() => io.shim.download({ groupId: VALID.groupId, clusterName: VALID.clusterName, snapshotId: VALID.snapshotId, destination } as never)), exact('destination'));
      },
    );

    it('a 1 MB destination makes a one-line message that still shows where it starts and ends', async () => {
      const error = await refusal(() => io.shim.saveSnapshot(completedJob(), join(io.dir, `${'a'.repeat(1_000_000)}.tar.gz`)));
      expect(error).toBeInstanceOf(SnapshotTransferError);
      expect((error as Error).message).toContain(io.dir);
      expect((error as Error).message).toMatch(/\.tar\.gz".*\(\d+ characters\)/);
    });

    it('an ended or destroyed stream is refused', async () => {
      const ended = new PassThrough();
      ended.end();
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), ended)), /destination/);
      const destroyed = new PassThrough();
      destroyed.destroy();
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), destroyed)), /destination/);
    });
  });

  describe('options objects', () => {
    const running = (): SnapshotDownload => completedJob({ status: 'RUNNING', snapshotUrl: undefined });

    it.each(NOT_OBJECTS)('getDownload refuses options that are %s, before any request', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.getDownload(running(), value as never)), exact('options'));
      expect(io.dispatched).toEqual([]);
    });

    it.each(NOT_OBJECTS)('waitForDownload refuses options that are %s, before any request', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.waitForDownload(running(), value as never)), exact('options'));
      expect(io.dispatched).toEqual([]);
    });

    it.each(without(hostileFor('signal'), 'undefined'))('waitForDownload refuses a signal that is %s', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.waitForDownload(running(), { signal: value } as never)), exact('options.signal'));
    });

    it.each([...NOT_OBJECTS, ['undefined', undefined] as const])('waitForDownload refuses a job that is %s with a ValidationError, not a TypeError', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.waitForDownload(value as never)), exact('download'));
    });

    it.each(NOT_OBJECTS)('saveSnapshot refuses options that are %s', async (_name, value) => {
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), join(io.dir, 'x.tar.gz'), value as never)), exact('options'));
      expect(io.dispatched).toEqual([]);
      expect(await readdir(io.dir)).toEqual([]);
    });
  });

  describe('download options (one argument: the fields are named bare)', () => {
    it.each([
      ['pollIntervalMs', -1],
      ['pollIntervalMs', '2000'],
      ['timeoutMs', 'soon'],
      ['timeoutMs', 0],
      ['maxPollIntervalMs', 1.5],
      ['onStatus', 'log'],
      ['resume', 'yes'],
      ['onProgress', 42],
      ['progressIntervalMs', Number.NaN],
      ['maxResumeAttempts', -1],
      ['maxResumeAttempts', 1e12],
      ['signal', 'abort'],
      ['signal', { aborted: false, addEventListener() {} }],
    ])('download refuses %s = %o before it requests a download job', async (option, value) => {
      const destination = join(io.dir, 'x.tar.gz');
      expectClearRefusal(
        await refusal(() => io.shim.download({ groupId: VALID.groupId, clusterName: VALID.clusterName, snapshotId: VALID.snapshotId, destination, [option]: value } as never)),
        exact(option),
      );
      expect(io.dispatched).toEqual([]);
      expect(await readdir(io.dir)).toEqual([]);
    });
  });

  describe('save options', () => {
    it.each([
      ['signal', 'an AbortSignal-looking object', { aborted: false, addEventListener() {} }],
      ['signal', 'a string', 'abort'],
      ['onProgress', 'a string', 'console.log'],
      ['onProgress', 'an object', {}],
      ['resume', 'a string', 'false'],
      ['resume', 'a number', 0],
      ['progressIntervalMs', 'a negative number', -1],
      ['progressIntervalMs', 'NaN', Number.NaN],
      ['progressIntervalMs', 'a numeric string', '250'],
      ['maxResumeAttempts', 'a fraction', 1.5],
      ['maxResumeAttempts', 'a huge number', 1e12],
      ['maxResumeAttempts', 'a Symbol', Symbol('3')],
    ])('saveSnapshot refuses options.%s as %s', async (option, _name, value) => {
      expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), join(io.dir, 'x.tar.gz'), { [option]: value } as never)), exact(`options.${option}`));
    });
  });
});

describe('createSnapshotShim options', () => {
  const KEY = 'k3y-v4lue-0123456789abcdef';
  const renderings = (error: unknown): string => `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: Infinity, showHidden: true })}`;

  it.each(NOT_OBJECTS)('refuses options that are %s', (_name, options) => {
    expectClearRefusal(refusalOf(() => createSnapshotShim(options as never)), exact('options'));
  });

  it.each([
    ['the empty string', ''],
    ['a 1 MB string', `${KEY}${'x'.repeat(1_000_000)}`],
    ['a number', 42],
    ['null', null],
    ['a Symbol', Symbol(KEY)],
    ['an object with toString', { toString: () => KEY }],
    ['an array holding it', [KEY]],
    ['a boxed string', Object(KEY) as unknown],
  ])('refuses a private key or client secret that is %s, never echoing it', (_name, secret) => {
    for (const credentials of [{ publicKey: 'public', privateKey: secret }, { clientId: 'mdb_sa_id_1', clientSecret: secret }]) {
      const error = refusalOf(() => createSnapshotShim({ credentials } as never));
      expectClearRefusal(error, exact('options.credentials'));
      expect(renderings(error)).not.toContain(KEY);
    }
  });

  it.each([
    ['a NUL', 'pub\u0000lic'],
    ['a newline (header injection)', 'public\r\nX-Injected: 1'],
    ['a space', 'pub lic'],
    ['a 1 MB string', 'p'.repeat(1_000_000)],
    ['non-ASCII', 'pübl1c'],
  ])('refuses a public key or client id with %s', (_name, value) => {
    expectClearRefusal(refusalOf(() => createSnapshotShim({ credentials: { publicKey: value, privateKey: KEY } })), exact('options.credentials'));
    expectClearRefusal(refusalOf(() => createSnapshotShim({ credentials: { clientId: value, clientSecret: KEY } })), exact('options.credentials'));
  });

  it.each([
    ['a host name longer than DNS allows (a 1 MB one)', `https://${'a'.repeat(1_000_000)}.example.com`],
    ['a host name of 254 characters', `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`],
    ['a host name label of 64 characters', `https://${'a'.repeat(64)}.example.com`],
    ['a 1 MB URL padded with spaces the URL parser would strip', `https://cloud.mongodb.com${' '.repeat(1_000_000)}`],
  ])('refuses a baseUrl with %s, in a short message', async (_name, baseUrl) => {
    // Had it been accepted, close what was created, so the failure costs nothing else.
    const error = await refusal(async () => {
      await createSnapshotShim({ baseUrl, credentials: { publicKey: 'p', privateKey: 'k' } }).close();
    });
    expectClearRefusal(error, exact('options.baseUrl'));
    expect((error as Error).message).not.toContain('a'.repeat(100));
  });

  it('accepts a host name of 253 characters in labels of 63: the longest DNS allows', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    const shim = createSnapshotShim({ baseUrl: `https://${host}`, credentials: { publicKey: 'p', privateKey: 'k' } });
    expect(shim.toJSON().baseUrl).toBe(`https://${host}`);
    return shim.close();
  });

  it.each([
    ['userAgent', 'app/1.0\r\nAuthorization: Bearer x'],
    ['userAgent', 'u'.repeat(1_000_000)],
    ['environment', 'e'.repeat(1_000_000)],
    ['route', '../tenant'],
    ['route', Symbol('flex')],
    ['sunsetDate', '2026-01-22'],
    ['sunsetDate', new Date(Number.NaN)],
    ['now', new Date()],
    ['flagTimeoutMs', Number.NaN],
    ['clusterKindTtlMs', -1],
    ['timeouts', { connectMs: '10' }],
  ])('refuses options.%s = %o', (option, value) => {
    expectClearRefusal(refusalOf(() => createSnapshotShim({ credentials: { publicKey: 'public', privateKey: KEY }, [option]: value })), exact(`options.${option}`));
  });
});

/** The error a synchronous call throws; fails when it returns. */
function refusalOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return expect.fail('the call was expected to refuse its input, and returned');
}
