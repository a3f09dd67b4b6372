import { accessSync, constants, statSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { Agent, Dispatcher, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import {
  checkDestination,
  createCredentialStripInterceptor,
  resolveSaveOptions,
  type SaveSnapshotOptions,
  type SnapshotSource,
} from '../../src/download/save-snapshot-file.js';
import { SnapshotTransferError } from '../../src/errors/download-errors.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { createSnapshotShim } from '../../src/index.js';
import { startDigestServer } from './helpers/digest-server.js';
import { deferCleanup, rejectionOf, save, setupSave, useSaveFixtures } from './helpers/save-fixture.js';
import { completedJob } from '../security/helpers/no-network.js';

useSaveFixtures();
const setup = (size = 64 * 1024) => setupSave(size);

/**
 * The facade, against the snapshot host's own origin as its Atlas base URL: a request it
 * sent to Atlas would land on the host too, so `host.requests` counts every request.
 */
function shimFor(host: { signedUrl: () => string }) {
  const shim = createSnapshotShim({ baseUrl: new URL(host.signedUrl()).origin, credentials: { publicKey: 'pub', privateKey: 'private-key-secret' } });
  deferCleanup(() => shim.close());
  return shim;
}

/** A dispatcher that records what it is asked to dispatch, and sends nothing. */
class RecordingDispatcher extends Dispatcher {
  readonly seen: Dispatcher.DispatchOptions[] = [];
  override dispatch(opts: Dispatcher.DispatchOptions): boolean {
    this.seen.push(opts);
    return true;
  }
}

describe('checkDestination', () => {
  it('resolves a path in a writable directory to an absolute file destination', async () => {
    const { dir } = await setup();
    // Concatenated, not joined: path.join would collapse the `..` before checkDestination saw it.
    await expect(checkDestination(`${dir}/a/../out.gz`)).resolves.toEqual({ kind: 'file', path: join(dir, 'out.gz'), directory: dir });
  });

  it('resolves a relative path with a `..` segment against the working directory', async () => {
    const { dir } = await setup();
    const relativePath = `${relative(process.cwd(), dir)}/a/../out.gz`;
    expect(isAbsolute(relativePath)).toBe(false);
    await expect(checkDestination(relativePath)).resolves.toEqual({ kind: 'file', path: join(dir, 'out.gz'), directory: dir });
  });

  it.each([
    ['a missing directory', (dir: string) => join(dir, 'missing', 'out.gz'), /directory ".*missing" does not exist/],
    ['an existing directory', (dir: string) => dir, /is an existing directory/],
    ['a path ending in a separator', (dir: string) => `${dir}/new/`, /ends with a separator/],
    ['a NUL character', (dir: string) => join(dir, 'out\0.gz'), /contains a NUL character/],
    ['an empty path', () => '', /is empty/],
  ])('refuses %s with phase destination', async (_what, pathOf, message) => {
    const { dir } = await setup();
    const error = await rejectionOf(checkDestination(pathOf(dir)));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'destination', status: undefined, bytesWritten: 0 });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a path under a file (ENOTDIR), naming the directory', async () => {
    const { dir } = await setup();
    await writeFile(join(dir, 'plain-file'), 'x');
    const error = await rejectionOf(checkDestination(join(dir, 'plain-file', 'out.gz')));
    expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'destination' });
    expect((error as Error).message).toContain(join(dir, 'plain-file'));
  });

  // A chmod-ed directory proves nothing as root, who may write where the mode forbids (and CI
  // runs as root). The kernel refuses writing into /proc/sys to every process, root included:
  // access(W_OK) fails there (EACCES; EROFS where /proc/sys is mounted read-only). Linux only.
  it.runIf(process.platform === 'linux')('refuses a directory that is not writable, even by root (/proc/sys)', async () => {
    const locked = '/proc/sys';
    expect(statSync(locked).isDirectory()).toBe(true);
    expect(() => accessSync(locked, constants.W_OK | constants.X_OK)).toThrow(/EACCES|EROFS|EPERM/);
    const error = await rejectionOf(checkDestination(`${locked}/out.gz`));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'destination', status: undefined, bytesWritten: 0 });
    expect((error as Error).message).toBe('Cannot save the snapshot to "/proc/sys/out.gz": the directory "/proc/sys" is not writable by this process.');
  });

  it('accepts an open stream and refuses an ended or destroyed one', async () => {
    const open = new PassThrough();
    await expect(checkDestination(open)).resolves.toEqual({ kind: 'stream', stream: open });
    const ended = new PassThrough();
    ended.end();
    await expect(checkDestination(ended)).rejects.toMatchObject({ phase: 'destination' });
    const destroyed = new PassThrough();
    destroyed.destroy();
    await expect(checkDestination(destroyed)).rejects.toMatchObject({ phase: 'destination' });
  });

  it('refuses something that is neither a path nor a stream with a ValidationError', async () => {
    await expect(checkDestination(42 as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(checkDestination({ write: 1 } as unknown as string)).rejects.toMatchObject({ field: 'destination' });
  });
});

describe('saveSnapshotFile: refusals before any request', () => {
  it('refuses a bad destination without contacting the host', async () => {
    const { host, dir, renew, agent } = await setup();
    await writeFile(join(dir, 'plain-file'), 'x');
    for (const destination of [join(dir, 'missing', 'out.gz'), dir, join(dir, 'plain-file', 'x'), join(dir, 'a\0b')]) {
      const error = await rejectionOf(save({ source: { url: host.signedUrl() }, destination, renew, dispatcher: agent }));
      expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'destination' });
    }
    expect(host.requests).toHaveLength(0);
    expect(renew).not.toHaveBeenCalled();
  });

  it.each([
    ['file:', 'file:///etc/passwd?X-Amz-Signature=SECRET'],
    ['ftp:', 'ftp://127.0.0.1/snap.tar.gz?X-Amz-Signature=SECRET'],
    ['javascript:', 'javascript:alert(1)//?X-Amz-Signature=SECRET'],
    ['data:', 'data:application/gzip;base64,SECRET'],
    ['http: to a non-loopback host', 'http://storage.example.com/snap.tar.gz?X-Amz-Signature=SECRET'],
    ['a URL with credentials', 'https://user:SECRET@storage.example.com/snap.tar.gz'],
    ['a relative URL', '/snap.tar.gz?X-Amz-Signature=SECRET'],
  ])('refuses %s with a ValidationError that hides the query, before any I/O', async (_what, url) => {
    const { host, dir, renew, agent } = await setup();
    const destination = join(dir, 'out.gz');
    const error = await rejectionOf(save({ source: { url }, destination, renew, dispatcher: agent }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'source.url' });
    expect(JSON.stringify(error)).not.toContain('SECRET');
    expect(inspect(error)).not.toContain('SECRET');
    expect(host.requests).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a renewed source with a bad scheme', async () => {
    const { host, dir, agent } = await setup();
    const stale = host.signedUrl();
    host.expireTokens();
    const renew = async (): Promise<SnapshotSource> => ({ url: 'ftp://127.0.0.1/snap.tar.gz' });
    const error = await rejectionOf(save({ source: { url: stale }, destination: join(dir, 'out.gz'), renew, dispatcher: agent }));
    expect(error).toMatchObject({ name: 'ValidationError', field: 'renewed source.url' });
    expect(host.requests).toHaveLength(1);
  });

  // The lease parses the source (Atlas's data), so saveSnapshotFile itself still refuses it.
  it('refuses a source whose expiresAt is not a valid Date, naming source.expiresAt', async () => {
    const { host, dir, renew, agent } = await setup();
    const source = { url: 'https://h/x', expiresAt: new Date(Number.NaN) };
    const error = await rejectionOf(save({ source, destination: join(dir, 'out.gz'), renew, dispatcher: agent }));
    expect(error).toMatchObject({ name: 'ValidationError', field: 'source.expiresAt' });
    expect(host.requests).toHaveLength(0);
  });
});

// The options are the user's input: checked once, at the boundary (shim.saveSnapshot), by
// resolveSaveOptions, before saveSnapshotFile is called with them resolved.
describe('resolveSaveOptions: refusals at the boundary, before any request', () => {
  it.each([
    [{ progressIntervalMs: -1 }, 'options.progressIntervalMs'],
    [{ maxResumeAttempts: 1.5 }, 'options.maxResumeAttempts'],
    [{ resume: 'yes' }, 'options.resume'],
    [{ onProgress: 'log' }, 'options.onProgress'],
    [{ signal: {} }, 'options.signal'],
  ])('refuses bad input %o naming %s', async (bad, field) => {
    const options = bad as unknown as SaveSnapshotOptions;
    let thrown: unknown;
    try {
      resolveSaveOptions(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ name: 'ValidationError', field });
    // And through the facade, which checks them before any request (to Atlas or the host).
    const { host, dir } = await setup();
    const error = await rejectionOf(shimFor(host).saveSnapshot(completedJob({ snapshotUrl: host.signedUrl() }), join(dir, 'out.gz'), options));
    expect(error).toMatchObject({ name: 'ValidationError', field });
    expect(host.requests).toHaveLength(0);
  });
});

describe('saveSnapshotFile: credentials and secrets', () => {
  it('sends no Authorization or Cookie header through the default dispatcher', async () => {
    const { host, dir, renew } = await setup();
    host.faults.cutAfter = [];
    await save({ source: { url: host.signedUrl() }, destination: join(dir, 'out.gz'), renew });
    expect(host.requests).toHaveLength(1);
    expect(host.requests[0]!.headers.authorization).toBeUndefined();
    expect(host.requests[0]!.headers.cookie).toBeUndefined();
  });

  it('sends none through a dispatcher the caller also uses, signed in, for Atlas', async () => {
    const { host, dir, renew } = await setup();
    const atlas = await startDigestServer({ username: 'pub', password: 'private-key-secret' });
    const agent = new Agent();
    deferCleanup(() => atlas.close(), () => agent.close());
    const dispatcher = agent.compose(createDigestAuthInterceptor({ publicKey: 'pub', privateKey: 'private-key-secret', origin: atlas.origin }));
    const warm = await request(`${atlas.origin}/api/atlas/v2/groups`, { dispatcher });
    await warm.body.dump();
    expect(atlas.requests.some((r) => r.headers.authorization !== undefined)).toBe(true);
    await save({ source: { url: host.signedUrl() }, destination: join(dir, 'out.gz'), renew, dispatcher });
    expect(host.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it('sends none on any request of a save in parts, through either dispatcher', async () => {
    const { host, dir, renew } = await setupSave(512 * 1024);
    const atlas = await startDigestServer({ username: 'pub', password: 'private-key-secret' });
    const agent = new Agent();
    deferCleanup(() => atlas.close(), () => agent.close());
    const signing = agent.compose(createDigestAuthInterceptor({ publicKey: 'pub', privateKey: 'private-key-secret', origin: atlas.origin }));
    const warm = await request(`${atlas.origin}/api/atlas/v2/groups`, { dispatcher: signing });
    await warm.body.dump();
    const parallel = { connections: 4, partSizeBytes: 65_536 };
    await save({ source: { url: host.signedUrl() }, destination: join(dir, 'default.gz'), renew, ...parallel });
    await save({ source: { url: host.signedUrl() }, destination: join(dir, 'signed.gz'), renew, dispatcher: signing, ...parallel });
    // 8 parts per save, each its own request.
    expect(host.requests).toHaveLength(16);
    expect(host.requests.map((r) => [r.headers.authorization, r.headers.cookie])).toEqual(host.requests.map(() => [undefined, undefined]));
  });

  it('strips Authorization and Cookie from every header form undici accepts', async () => {
    const recorder = new RecordingDispatcher();
    const stripping = recorder.compose(createCredentialStripInterceptor());
    const request_ = { origin: 'https://storage.example.com', path: '/snap.tar.gz?X-Amz-Signature=s', method: 'GET' } as const;
    const passedOn = (headers: Dispatcher.DispatchOptions['headers']) => {
      expect(stripping.dispatch({ ...request_, headers }, {})).toBe(true);
      const seen = recorder.seen.at(-1)!;
      expect(seen).toMatchObject(request_);
      return seen.headers;
    };
    expect(passedOn({ Authorization: 'Bearer x', 'x-keep': '1', cookie: 'a=b' })).toEqual(['x-keep', '1']);
    expect(passedOn(['authorization', 'Basic y', 'x-keep', '1', 'COOKIE', 'c'])).toEqual(['x-keep', '1']);
    expect(passedOn(new Map([['AUTHORIZATION', 'z'], ['x-keep', '1']]))).toEqual(['x-keep', '1']);
    expect(passedOn(null)).toEqual([]);
    expect(recorder.seen).toHaveLength(4);

    const { host } = await setup();
    const agent = new Agent();
    deferCleanup(() => agent.close());
    const dispatcher: Dispatcher = agent.compose(createCredentialStripInterceptor());
    const response = await request(host.signedUrl(), { dispatcher, headers: { authorization: 'Bearer leaked', cookie: 'session=1' } });
    await response.body.dump();
    expect(host.requests[0]!.headers.authorization).toBeUndefined();
    expect(host.requests[0]!.headers.cookie).toBeUndefined();
  });

  it('never puts the query string (the signature) in an error message, its JSON or its inspection', async () => {
    const { host, dir, agent } = await setup(1024 * 1024);
    const destination = join(dir, 'out.gz');
    const errors: unknown[] = [];
    const tokens: string[] = [];
    const signed = (): string => {
      const url = host.signedUrl();
      tokens.push(new URL(url).searchParams.get('X-Amz-Signature')!);
      return url;
    };
    const failedSave = (extra: SaveSnapshotOptions = {}) =>
      rejectionOf(save({ source: { url: signed() }, destination, renew: async () => ({ url: signed() }), dispatcher: agent, ...extra }));

    host.faults.failWith = 404;
    errors.push(await failedSave());
    host.faults.failWith = 503;
    errors.push(await failedSave());
    host.faults.failWith = undefined;
    host.faults.cutAfter = [300_000, 300_000];
    errors.push(await failedSave({ maxResumeAttempts: 1 }));
    host.faults.cutAfter = [];
    const doomed = signed();
    host.expireTokens();
    errors.push(
      await rejectionOf(
        save({ source: { url: doomed }, destination, renew: async () => ({ url: doomed }), dispatcher: agent }),
      ),
    );
    errors.push(await rejectionOf(save({ source: { url: `ftp://127.0.0.1/x?X-Amz-Signature=${tokens[0]}` }, destination, renew: async () => ({ url: signed() }) })));

    expect(errors.map((e) => (e as { status?: number }).status)).toEqual([404, 503, undefined, 403, undefined]);
    for (const error of errors) {
      const renderings = [(error as Error).message, JSON.stringify(error), inspect(error, { depth: 10 }), String((error as Error).stack)];
      for (const text of renderings) {
        expect(text).not.toContain('X-Amz-Signature');
        for (const token of tokens) expect(text).not.toContain(token);
      }
      expect((error as Error).message).toMatch(/127\.0\.0\.1(:\d+)?\/(backups|x)/);
    }
  });
});
