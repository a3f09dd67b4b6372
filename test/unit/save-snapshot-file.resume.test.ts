import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { SnapshotTransferError } from '../../src/errors/download-errors.js';
import { partialFileFor } from '../../src/download/partial-file.js';
import { exists, rejectionOf, save, setupSave, SNAPSHOT_PATH, useSaveFixtures } from './helpers/save-fixture.js';

useSaveFixtures();
const setup = setupSave;
// Today's single stream (connections: 1): these tests check its request shape, a first GET
// without Range answered 200 and `bytes=N-` resumes. The save in parts has its own tests in
// save-snapshot-file.parallel.test.ts.
const SINGLE_STREAM = { connections: 1 } as const;

describe('saveSnapshotFile: resuming', () => {
  it('survives connection cuts within one call with Range requests, each from further on', async () => {
    const { host, base, source } = await setup(4 * 1024 * 1024);
    host.faults.cutAfter = [1_000_000, 1_000_000];
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(saved.sha256).toBe(host.sha256());
    expect(saved.bytes).toBe(host.size);
    expect(host.requests.map((r) => r.status)).toEqual([200, 206, 206]);
    const [, second, third] = host.requests;
    const offsetOf = (range: string | undefined): number => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? Number.NaN);
    expect(offsetOf(second!.headers.range)).toBeGreaterThan(0);
    expect(second!.headers['if-range']).toBe(host.etag);
    // Resumed, not restarted: each request starts past the one before. (How many bytes a cut
    // loses depends on what sat in socket and sink buffers, up to about 1 MiB here, so the
    // total sent does not tell a resume from a restart; the offsets do.)
    expect(offsetOf(third!.headers.range)).toBeGreaterThan(offsetOf(second!.headers.range));
  });

  it('gives up past maxResumeAttempts keeping the partial file, and a later call resumes it', async () => {
    const { host, dir, destination, base, source } = await setup(2 * 1024 * 1024);
    // Cuts well past undici's 64 KiB body buffer, whose unread bytes a cut discards.
    host.faults.cutAfter = [300_000, 300_000, 300_000];
    const error = await rejectionOf(save({ ...base, ...SINGLE_STREAM, source: source(), maxResumeAttempts: 2 }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status: undefined });
    expect((error as SnapshotTransferError).bytesWritten).toBeGreaterThan(0);
    expect(host.requests).toHaveLength(3);
    expect(await exists(destination)).toBe(false);
    const partial = partialFileFor(destination, SNAPSHOT_PATH);
    const partialBytes = (await stat(partial.path)).size;
    expect(partialBytes).toBe((error as SnapshotTransferError).bytesWritten);
    expect(await exists(partial.sidecarPath)).toBe(true);

    const sentBefore = host.bytesSent();
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests[3]!.headers.range).toBe(`bytes=${partialBytes}-`);
    expect(host.requests[3]!.status).toBe(206);
    expect(host.bytesSent() - sentBefore).toBe(host.size - partialBytes);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });

  it('resumes after a body that ended short of Content-Range without a connection error', async () => {
    const { host, base, source } = await setup(2 * 1024 * 1024);
    host.faults.cutAfter = [500_000];
    host.faults.shortRangeAnswers = [300_000];
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => r.status)).toEqual([200, 206, 206]);
    expect(host.requests[1]!.closedEarly).toBe(false);
  });

  it('never renames a short file: past maxResumeAttempts it fails with nothing at the destination', async () => {
    const { host, destination, base, source } = await setup(2 * 1024 * 1024);
    host.faults.cutAfter = [500_000];
    host.faults.shortRangeAnswers = [300_000];
    const error = await rejectionOf(save({ ...base, ...SINGLE_STREAM, source: source(), maxResumeAttempts: 1 }));
    expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'transfer' });
    expect((error as Error).message).toMatch(/the body ended after \d+ of 2097152 bytes/);
    expect(await exists(destination)).toBe(false);
  });

  it('starts over, still correct, when the host ignores Range', async () => {
    const { host, base, source } = await setup(512 * 1024);
    host.faults.cutAfter = [200_000];
    host.faults.ignoreRange = true;
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(saved).toMatchObject({ bytes: host.size, sha256: host.sha256() });
    expect(host.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(host.requests[1]!.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it('starts over when the ETag changed since the partial file was written', async () => {
    const { host, destination, base, source } = await setup(512 * 1024);
    host.faults.cutAfter = [200_000];
    await rejectionOf(save({ ...base, ...SINGLE_STREAM, source: source(), maxResumeAttempts: 0 }));
    const oldEtag = host.etag;
    host.changeContent();
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(host.requests[1]!.headers['if-range']).toBe(oldEtag);
    expect(host.requests[1]!.status).toBe(200);
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);
  });

  it('starts over after a 416 (the partial file is as long as the snapshot)', async () => {
    const { host, destination, base, source } = await setup(64 * 1024);
    const partial = partialFileFor(destination, SNAPSHOT_PATH);
    await writeFile(partial.path, Buffer.alloc(host.size, 0x55));
    await writeFile(partial.sidecarPath, JSON.stringify({ sourcePath: SNAPSHOT_PATH, etag: host.etag, total: host.size }));
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(host.requests.map((r) => r.status)).toEqual([416, 200]);
    expect(saved.sha256).toBe(host.sha256());
  });

  it('with resume: false, ignores a partial file and restarts a cut transfer from byte 0', async () => {
    const { host, destination, base, source } = await setup(256 * 1024);
    const partial = partialFileFor(destination, SNAPSHOT_PATH);
    await writeFile(partial.path, host.content(0, 1000));
    await writeFile(partial.sidecarPath, JSON.stringify({ sourcePath: SNAPSHOT_PATH, etag: host.etag, total: host.size }));
    host.faults.cutAfter = [100_000];
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source(), resume: false });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => r.headers.range)).toEqual([undefined, undefined]);
  });
});

describe('saveSnapshotFile: expiry', () => {
  it('renews once before requesting when expiresAt has passed', async () => {
    const { host, base, source, renew } = await setup();
    const expired = source();
    const at = new Date('2030-01-01T04:00:00Z');
    const saved = await save({ ...base, source: { ...expired, expiresAt: at }, now: () => at });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests).toHaveLength(1);
    expect(expired.url).not.toContain(host.requests[0]!.token!);
  });

  it('does not renew before expiresAt', async () => {
    const { host, base, source, renew } = await setup();
    const saved = await save({
      ...base,
      source: { ...source(), expiresAt: new Date('2030-01-01T04:00:00.001Z') },
      now: () => new Date('2030-01-01T04:00:00Z'),
    });
    expect(renew).not.toHaveBeenCalled();
    expect(saved.sha256).toBe(host.sha256());
  });

  it('renews once after a 403 and completes', async () => {
    const { host, base, source, renew } = await setup();
    const stale = source();
    host.expireTokens();
    const saved = await save({ ...base, ...SINGLE_STREAM, source: stale });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.map((r) => r.status)).toEqual([403, 200]);
    expect(saved.sha256).toBe(host.sha256());
  });

  it('renews after a 403 on a resume and continues from the partial file', async () => {
    const { host, base, source, renew } = await setup(512 * 1024);
    host.faults.cutAfter = [200_000];
    host.faults.expireTokensOnCut = true;
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.map((r) => r.status)).toEqual([200, 403, 206]);
    expect(host.requests[2]!.headers.range).toBe(host.requests[1]!.headers.range);
    expect(saved.sha256).toBe(host.sha256());
  });

  it('fails on a second expiry, with the status, after asking for the renewed URL once more', async () => {
    const { host, destination, base, source } = await setup();
    const first = source();
    const second = source();
    host.expireTokens();
    const renew = vi.fn(async () => second);
    const error = await rejectionOf(save({ ...base, renew, source: first }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status: 403 });
    expect((error as Error).message).toMatch(/after it had already been renewed once/);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(await exists(destination)).toBe(false);
  });

  it('a renewed URL refused once while fresh is asked for again, and completes', async () => {
    const { host, base, source } = await setup();
    const second = { ...source(), expiresAt: new Date('2030-01-01T04:00:00Z') };
    // Refused twice: the first URL, then the renewed one once; the third request is served.
    host.faults.refuseNext = 2;
    const renew = vi.fn(async () => second);
    const saved = await save({ ...base, ...SINGLE_STREAM, renew, source: source(), now: () => new Date('2030-01-01T00:00:00Z') });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.map((r) => r.status)).toEqual([403, 403, 200]);
    expect(saved.sha256).toBe(host.sha256());
  });

  it('a renewed URL refused after its expiresAt is not asked for again: the save fails at once', async () => {
    const { host, base, source } = await setup();
    const second = { ...source(), expiresAt: new Date('2030-01-01T04:00:00Z') };
    host.faults.refuseNext = 2;
    // Before the renewed URL's request it is fresh; by its refusal, past its expiresAt.
    const now = () => new Date(host.requests.length < 2 ? '2030-01-01T00:00:00Z' : '2030-01-01T05:00:00Z');
    const renew = vi.fn(async () => second);
    const error = await rejectionOf(save({ ...base, renew, source: source(), now }));
    expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'transfer', status: 403 });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.map((r) => r.status)).toEqual([403, 403]);
  });

  it('fails when the renewed source has already expired by expiresAt', async () => {
    const { base, source } = await setup();
    const at = new Date('2030-01-01T00:00:00Z');
    const renew = vi.fn(async () => ({ ...source(), expiresAt: at }));
    const error = await rejectionOf(save({ ...base, renew, source: { ...source(), expiresAt: at }, now: () => at }));
    expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'transfer', status: undefined });
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
