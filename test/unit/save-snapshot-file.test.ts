import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { SnapshotTransferError } from '../../src/errors/download-errors.js';
import { partialFileFor } from '../../src/download/partial-file.js';
import { exists, rejectionOf, save, setupSave, sha256, SNAPSHOT_PATH, useSaveFixtures } from './helpers/save-fixture.js';

useSaveFixtures();
const setup = setupSave;
// Today's single stream (connections: 1), for the test that checks its request shape (one
// GET without Range). The save in parts has its own tests in save-snapshot-file.parallel.test.ts.
const SINGLE_STREAM = { connections: 1 } as const;

describe('saveSnapshotFile: complete saves', () => {
  it('saves the whole file with the right sha256 and size, leaving no temporary file', async () => {
    const { host, dir, destination, base, source } = await setup();
    const saved = await save({ ...base, ...SINGLE_STREAM, source: source() });
    expect(saved).toEqual({ path: destination, bytes: host.size, sha256: host.sha256() });
    const written = await readFile(destination);
    expect(written.equals(host.content())).toBe(true);
    expect(sha256(written)).toBe(saved.sha256);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
    expect(host.requests).toHaveLength(1);
    expect(host.requests[0]!.headers.range).toBeUndefined();
  });

  it('resolves a relative destination to an absolute path and replaces an existing file', async () => {
    const { host, dir, base, source } = await setup();
    await writeFile(join(dir, 'snapshot.tar.gz'), 'old contents');
    await mkdir(join(dir, 'sub'));
    // Written by hand, not with path.join (which would collapse the `..`): relative to the
    // working directory the code resolves against, with a `..` segment for it to resolve.
    const relativePath = `${relative(process.cwd(), dir)}/sub/../snapshot.tar.gz`;
    expect(isAbsolute(relativePath)).toBe(false);
    expect(relativePath).toContain('/sub/../');
    const saved = await save({ ...base, destination: relativePath, source: source() });
    expect(saved.path).toBe(resolve(process.cwd(), relativePath));
    expect(saved.path).toBe(join(dir, 'snapshot.tar.gz'));
    expect((await readFile(saved.path!)).equals(host.content())).toBe(true);
  });
});

describe('saveSnapshotFile: host errors', () => {
  it.each([404, 500])('turns HTTP %i into a typed error and leaves nothing behind', async (status) => {
    const { host, dir, base, source } = await setup();
    host.faults.failWith = status;
    const error = await rejectionOf(save({ ...base, source: source() }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status, bytesWritten: 0 });
    expect((error as Error).message).toContain(`HTTP ${status}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a disk error as phase write, with nothing at the destination', async () => {
    const { destination, dir, base, source } = await setup();
    // A directory where the temporary file should go makes opening it fail (EISDIR).
    await mkdir(partialFileFor(destination, SNAPSHOT_PATH).path);
    const error = await rejectionOf(save({ ...base, source: source() }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'write' });
    expect((error as Error).message).toContain('EISDIR');
    expect(await exists(destination)).toBe(false);
    expect((await readdir(dir)).filter((name) => !name.startsWith('.'))).toEqual([]);
  });
});

describe('saveSnapshotFile: abort', () => {
  it('rejects mid-stream with the signal reason, releases the connection, leaves nothing at the destination', async () => {
    const { host, destination, base, source } = await setup(256 * 1024);
    host.faults.drip = { bytes: 4096, intervalMs: 10 };
    const controller = new AbortController();
    const saving = save({
      ...base,
      source: source(),
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: ({ bytes }) => {
        if (bytes >= 20_000) controller.abort();
      },
    });
    const error = await rejectionOf(saving);
    expect(error).toBe(controller.signal.reason);
    expect((error as DOMException).name).toBe('AbortError');
    expect(await exists(destination)).toBe(false);
    await vi.waitFor(() => expect(host.requests[0]!.closedEarly).toBe(true), { timeout: 1000 });
    // resume is on by default: the bytes already saved stay for a later call.
    expect((await stat(partialFileFor(destination, SNAPSHOT_PATH).path)).size).toBeGreaterThan(0);
  });

  it('removes the partial file on abort when resume is false, and rejects with a custom reason', async () => {
    const { host, dir, base, source } = await setup(256 * 1024);
    host.faults.drip = { bytes: 4096, intervalMs: 10 };
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 80);
    const error = await rejectionOf(save({ ...base, source: source(), signal: controller.signal, resume: false }));
    expect(error).toBe(reason);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects at once, without a request, when the signal is already aborted', async () => {
    const { host, base, source } = await setup();
    const error = await rejectionOf(save({ ...base, source: source(), signal: AbortSignal.abort() }));
    expect((error as DOMException).name).toBe('AbortError');
    expect(host.requests).toHaveLength(0);
  });
});

describe('saveSnapshotFile: a Writable destination', () => {
  it('receives the exact bytes and is left open', async () => {
    const { host, dir, base, source } = await setup(300_000);
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const saved = await save({ ...base, destination: sink, source: source() });
    expect(saved).toEqual({ path: undefined, bytes: host.size, sha256: host.sha256() });
    expect(Buffer.concat(chunks).equals(host.content())).toBe(true);
    expect(sink.writableEnded).toBe(false);
    sink.write('trailer');
    expect(await readdir(dir)).toEqual([]);
  });

  it('respects a slow stream’s backpressure', async () => {
    const { host, base, source } = await setup(200_000);
    let received = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        setTimeout(callback, 1);
      },
    });
    const saved = await save({ ...base, destination: slow, source: source() });
    expect(received).toBe(host.size);
    expect(saved.sha256).toBe(host.sha256());
    expect(maxBuffered).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
  });

  it('fails with phase write when the stream errors', async () => {
    const { base, source } = await setup(300_000);
    let calls = 0;
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        calls += 1;
        callback(calls > 2 ? Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) : null);
      },
    });
    const error = await rejectionOf(save({ ...base, destination: broken, source: source() }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'write' });
    expect((error as Error).message).toContain('ENOSPC');
  });

  it('fails without resuming when the connection is cut', async () => {
    const { host, base, source } = await setup(300_000);
    host.faults.cutAfter = [100_000];
    const error = await rejectionOf(save({ ...base, destination: new PassThrough().resume(), source: source() }));
    expect(error).toMatchObject({ name: 'SnapshotTransferError', phase: 'transfer' });
    expect(host.requests).toHaveLength(1);
  });
});
