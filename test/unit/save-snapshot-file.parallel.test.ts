import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { partialFileFor } from '../../src/download/partial-file.js';
import { resolveSaveOptions, type SaveProgress, type SaveSnapshotOptions, type SnapshotSource } from '../../src/download/save-snapshot-file.js';
import { SnapshotTransferError } from '../../src/errors/download-errors.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { createSnapshotShim } from '../../src/index.js';
import { deferCleanup, exists, rejectionOf, save, setupSave, SNAPSHOT_PATH, thrownBy, useSaveFixtures } from './helpers/save-fixture.js';
import type { HostRequest, SnapshotHost } from './helpers/snapshot-host.js';
import { completedJob } from '../security/helpers/no-network.js';

// Issue 14: a save to a file path in parts, over several connections (see the contract in
// SaveSnapshotOptions.connections / partSizeBytes). Every snapshot here is 1–2 MiB cut into
// 64–128 KiB parts, so there are many parts and several connections have work at once.

useSaveFixtures();

const MiB = 1024 * 1024;
const PART = 65_536;

interface Part {
  readonly index: number;
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

/** The parts a save of `total` bytes in parts of `size` is cut into. */
function partsOf(total: number, size: number): Part[] {
  return Array.from({ length: Math.ceil(total / size) }, (_, index) => ({ index, start: index * size, end: Math.min((index + 1) * size, total) - 1 }));
}

const partText = (part: Part): string => `${part.start}-${part.end}`;
const rangeText = (request: HostRequest): string => `${request.rangeStart}-${request.rangeEnd}`;
const sorted = (texts: string[]): string[] => [...texts].sort();

/** The request a fresh parallel save begins with: part 0, no If-Range. */
const isFirstRequest = (request: HostRequest, partSize: number): boolean =>
  request.headers.range === `bytes=0-${partSize - 1}` && request.headers['if-range'] === undefined;

/** Indexes in `host.requests` of fresh first requests. */
const firstRequestsOf = (host: SnapshotHost, partSize: number): number[] =>
  host.requests.flatMap((request, at) => (isFirstRequest(request, partSize) ? [at] : []));

interface PartsSidecar {
  sourcePath?: unknown;
  etag?: unknown;
  lastModified?: unknown;
  total?: unknown;
  parts?: { size?: unknown; complete?: unknown };
}

async function readSidecar(destination: string): Promise<PartsSidecar> {
  return JSON.parse(await readFile(partialFileFor(destination, SNAPSHOT_PATH).sidecarPath, 'utf8')) as PartsSidecar;
}

/** Writes a partial file and its sidecar by hand, as an interrupted save would have left them. */
async function leavePartial(destination: string, bytes: Buffer, sidecar: object | string): Promise<void> {
  const partial = partialFileFor(destination, SNAPSHOT_PATH);
  await writeFile(partial.path, bytes, { mode: 0o600 });
  await writeFile(partial.sidecarPath, typeof sidecar === 'string' ? sidecar : `${JSON.stringify(sidecar)}\n`, { mode: 0o600 });
}

/** A partial file of `total` bytes holding the host's bytes in `complete` parts and zeros elsewhere. */
function partialBytes(host: SnapshotHost, total: number, parts: Part[], complete: number[]): Buffer {
  const bytes = Buffer.alloc(total);
  for (const index of complete) {
    const part = parts[index]!;
    host.content(part.start, part.end + 1).copy(bytes, part.start);
  }
  return bytes;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('saveSnapshotFile in parts: the parts', () => {
  it.each([2, 4])('with %i connections, saves parts that complete out of order into the right file', async (connections) => {
    const size = 2 * MiB + 12_345; // the last part is short
    const partSize = 131_072;
    const { host, dir, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, partSize);
    expect(parts).toHaveLength(17);
    // The later a part, the sooner it is answered: each round of parts completes back to front.
    host.faults.delayRange = (start) => (start === 0 ? 0 : 8 * (parts.length - Math.floor(start / partSize)));
    const progress: SaveProgress[] = [];
    const saved = await save({
      ...base,
      source: source(),
      connections,
      partSizeBytes: partSize,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });

    expect(saved).toEqual({ path: destination, bytes: size, sha256: host.sha256() });
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);

    const [first] = host.requests;
    expect(first!.headers.range).toBe(`bytes=0-${partSize - 1}`);
    expect(first!.headers['accept-encoding']).toBe('identity');
    expect(first!.headers['if-range']).toBeUndefined();
    // Every part asked for exactly once, each a 206 checked against the first answer's ETag.
    expect(sorted(host.requests.map(rangeText))).toEqual(sorted(parts.map(partText)));
    expect(host.requests.map((r) => r.status)).toEqual(parts.map(() => 206));
    expect(host.requests.slice(1).map((r) => r.headers['if-range'])).toEqual(parts.slice(1).map(() => host.etag));
    expect(host.bytesSent()).toBe(size);
    expect(host.maxConcurrent).toBe(connections);
    expect(host.requests.filter((r) => r.headers.authorization !== undefined || r.headers.cookie !== undefined)).toEqual([]);

    // The delays did reorder the parts: completion order is not the order of the file.
    const completion = [...host.requests].sort((a, b) => a.finishedAt! - b.finishedAt!).map((r) => r.rangeStart!);
    expect(completion).toHaveLength(parts.length);
    expect(completion).not.toEqual([...completion].sort((a, b) => a - b));

    // One progress for the whole save: never backwards, ending at the total.
    expect(progress.length).toBeGreaterThan(1);
    const bytes = progress.map((p) => p.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ bytes: size, total: size });
  });

  it('uses at most connections requests at once with 16 connections and fewer parts than that', async () => {
    const { host, base, source } = await setupSave(6 * PART);
    host.faults.delayRange = () => 20;
    const saved = await save({ ...base, source: source(), connections: 16, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests).toHaveLength(6);
    expect(host.maxConcurrent).toBeGreaterThan(1);
    expect(host.maxConcurrent).toBeLessThanOrEqual(6);
  });

  it('by default saves a file over 8 MiB in parts of 8 MiB', async () => {
    const size = 8 * MiB + 1000;
    const { host, base, source } = await setupSave(size);
    const saved = await save({ ...base, source: source() });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => r.headers.range)).toEqual([`bytes=0-${8 * MiB - 1}`, `bytes=${8 * MiB}-${size - 1}`]);
    expect(host.requests.map((r) => r.status)).toEqual([206, 206]);
  });
});

describe('saveSnapshotFile in parts: a part cut mid-body', () => {
  it.each([
    // cutAfter takes one entry per body answer in order; Infinity lets an answer through whole.
    ['the first part (the answer that chose the parallel save)', [40_000]],
    ['a later part', [Number.POSITIVE_INFINITY, 70_000]],
  ])('requests %s again from the byte where it stopped, with If-Range', async (_what, cutAfter) => {
    const size = MiB;
    const partSize = 131_072;
    const { host, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, partSize);
    host.faults.cutAfter = [...cutAfter];
    // The client has read every byte sent before the cut, so "where it stopped" is exact.
    host.faults.cutPauseMs = 100;
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: partSize });
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);

    const cut = host.requests.filter((r) => r.cut);
    expect(cut).toHaveLength(1);
    const [cutPart] = cut;
    expect(cutPart!.bytesSent).toBe(cutAfter.at(-1));
    if (cutAfter.length > 1) expect(cutPart!.rangeStart).toBeGreaterThan(0);
    const retries = host.requests.filter((r) => r !== cutPart && r.rangeEnd === cutPart!.rangeEnd);
    expect(retries).toHaveLength(1);
    const [retry] = retries;
    expect(host.requests.indexOf(retry!)).toBeGreaterThan(host.requests.indexOf(cutPart!));
    expect(retry!.headers.range).toBe(`bytes=${cutPart!.rangeStart! + cutPart!.bytesSent}-${cutPart!.rangeEnd}`);
    expect(retry!.headers['if-range']).toBe(host.etag);
    expect(retry!.status).toBe(206);
    // Nothing fetched twice: one request per part, plus the retry.
    expect(host.requests).toHaveLength(parts.length + 1);
    expect(host.bytesSent()).toBe(size);
  });

  it('counts cuts over the whole call: past maxResumeAttempts it fails, keeping the parts for a later call', async () => {
    const size = MiB;
    const { host, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, PART);
    host.faults.cutAfter = [Number.POSITIVE_INFINITY, 30_000, 30_000, 30_000];
    const error = await rejectionOf(save({ ...base, source: source(), connections: 4, partSizeBytes: PART, maxResumeAttempts: 2 }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status: undefined });
    expect(host.requests.filter((r) => r.cut)).toHaveLength(3);
    expect(await exists(destination)).toBe(false);
    const partial = partialFileFor(destination, SNAPSHOT_PATH);
    expect((await stat(partial.path)).size).toBe(size);
    const sidecar = await readSidecar(destination);
    expect(sidecar).toMatchObject({ sourcePath: SNAPSHOT_PATH, etag: host.etag, total: size, parts: { size: PART } });

    const before = host.requests.length;
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    const complete = sidecar.parts!.complete as number[];
    const later = host.requests.slice(before);
    expect(sorted(later.map(rangeText))).toEqual(sorted(parts.filter((p) => !complete.includes(p.index)).map(partText)));
  });
});

describe('saveSnapshotFile in parts: abort and resume', () => {
  it('aborted with several parts in flight keeps the parts on disk; the next call fetches only the missing ones', async () => {
    const size = MiB;
    const { host, dir, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, PART);
    host.faults.drip = { bytes: 8192, intervalMs: 4 };
    const controller = new AbortController();
    const error = await rejectionOf(
      save({
        ...base,
        source: source(),
        connections: 4,
        partSizeBytes: PART,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: ({ bytes }) => {
          if (bytes >= size / 2) controller.abort();
        },
      }),
    );
    expect(controller.signal.aborted).toBe(true);
    expect(error).toBe(controller.signal.reason);
    expect(await exists(destination)).toBe(false);
    // Several parts were in flight when it aborted, and every connection is released.
    expect(host.maxConcurrent).toBe(4);
    await vi.waitFor(() => expect(host.inFlight()).toBe(0), { timeout: 2000 });

    const partial = partialFileFor(destination, SNAPSHOT_PATH);
    expect((await stat(partial.path)).size).toBe(size);
    const sidecar = await readSidecar(destination);
    expect(sidecar).toMatchObject({ sourcePath: SNAPSHOT_PATH, etag: host.etag, lastModified: host.lastModified, total: size, parts: { size: PART } });
    const complete = sidecar.parts!.complete as number[];
    expect(complete.length).toBeGreaterThan(0);
    expect(complete.length).toBeLessThan(parts.length);
    expect(new Set(complete).size).toBe(complete.length);
    const onDisk = await readFile(partial.path);
    for (const index of complete) {
      expect(Number.isInteger(index) && index >= 0 && index < parts.length).toBe(true);
      const part = parts[index]!;
      expect(onDisk.subarray(part.start, part.end + 1).equals(host.content(part.start, part.end + 1))).toBe(true);
    }

    host.faults.drip = undefined;
    const before = host.requests.length;
    const sentBefore = host.bytesSent();
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved).toEqual({ path: destination, bytes: size, sha256: host.sha256() });
    const later = host.requests.slice(before);
    const missing = parts.filter((p) => !complete.includes(p.index));
    // Exactly the missing parts, each checked with If-Range; none of the complete ones.
    expect(sorted(later.map(rangeText))).toEqual(sorted(missing.map(partText)));
    expect(later.map((r) => r.headers['if-range'])).toEqual(missing.map(() => host.etag));
    expect(host.bytesSent() - sentBefore).toBe(missing.reduce((sum, p) => sum + p.end + 1 - p.start, 0));
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });
});

describe('saveSnapshotFile in parts: hosts that do not allow it', () => {
  it('a host that ignores Range: one request, its 200 saved as one stream', async () => {
    const { host, destination, base, source } = await setupSave(MiB);
    host.faults.ignoreRange = true;
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(host.requests).toHaveLength(1);
    expect(host.requests[0]!.headers.range).toBe(`bytes=0-${PART - 1}`);
    expect(host.requests[0]!.status).toBe(200);
    expect(host.maxConcurrent).toBe(1);
  });

  it('a snapshot that fits one part: one ranged request, saved as one stream', async () => {
    const { host, dir, base, source } = await setupSave(100_000);
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: 131_072 });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => [r.headers.range, r.status])).toEqual([['bytes=0-131071', 206]]);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });

  it.each([
    ['no ETag and no Last-Modified', { noEtag: true, noLastModified: true }],
    ['a weak ETag and no Last-Modified', { weakEtag: true, noLastModified: true }],
    ['no total in Content-Range', { totalUnknown: true }],
  ])('a host with %s: the first body is dropped, then one plain GET', async (_what, faults) => {
    const { host, destination, base, source } = await setupSave(MiB);
    Object.assign(host.faults, faults);
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(host.requests.map((r) => [r.headers.range, r.status])).toEqual([
      [`bytes=0-${PART - 1}`, 206],
      [undefined, 200],
    ]);
  });

  it.each([
    ['Last-Modified only (no ETag)', { noEtag: true }],
    ['a weak ETag and Last-Modified', { weakEtag: true }],
  ])('a host with %s: saved in parts, If-Range carrying the Last-Modified date', async (_what, faults) => {
    const { host, destination, base, source } = await setupSave(MiB);
    Object.assign(host.faults, faults);
    // Answers that take a moment, so the connections' requests overlap where the host can see it.
    host.faults.delayRange = () => 10;
    const parts = partsOf(MiB, PART);
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(sorted(host.requests.map(rangeText))).toEqual(sorted(parts.map(partText)));
    expect(host.requests.slice(1).map((r) => r.headers['if-range'])).toEqual(parts.slice(1).map(() => host.lastModified));
    expect(host.maxConcurrent).toBeGreaterThan(1);
  });

  it('a Writable destination always gets one plain stream', async () => {
    const { host, base, source } = await setupSave(MiB);
    const sink = new PassThrough().resume();
    const saved = await save({ ...base, destination: sink, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => r.headers.range)).toEqual([undefined]);
  });
});

describe('saveSnapshotFile in parts: the content changes', () => {
  it.each([
    ['answered 200 to If-Range', {}],
    ['answered 206 with another ETag (a host that ignores If-Range)', { ignoreIfRange: true }],
    ['answered 200 to an If-Range of Last-Modified', { noEtag: true }],
  ])('between parts (%s): starts over from a first request and saves the new content', async (_what, faults) => {
    const size = MiB;
    const { host, dir, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, PART);
    Object.assign(host.faults, faults);
    const oldSha = host.sha256();
    const oldEtag = host.etag;
    host.faults.changeContentAfter = 6;
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(host.etag).not.toBe(oldEtag);
    expect(saved.sha256).toBe(host.sha256());
    expect(saved.sha256).not.toBe(oldSha);
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);

    const firsts = firstRequestsOf(host, PART);
    expect(firsts).toHaveLength(2);
    expect(host.requests[firsts[0]!]!.contentEtag).toBe(oldEtag);
    const restart = host.requests.slice(firsts[1]);
    expect(restart[0]!.contentEtag).toBe(host.etag);
    // After the restart every part once, all of the new content.
    expect(sorted(restart.map(rangeText))).toEqual(sorted(parts.map(partText)));
    expect(restart.map((r) => r.contentEtag)).toEqual(parts.map(() => host.etag));
  });

  it('that keeps changing fails past maxResumeAttempts with a SnapshotTransferError', async () => {
    const { host, destination, base, source } = await setupSave(MiB);
    host.faults.changeContentEvery = 3;
    const error = await rejectionOf(save({ ...base, source: source(), connections: 4, partSizeBytes: PART, maxResumeAttempts: 2 }));
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer' });
    expect(await exists(destination)).toBe(false);
    // The first try and two restarts.
    expect(firstRequestsOf(host, PART)).toHaveLength(3);
  });
});

describe('saveSnapshotFile in parts: the per-part record of an earlier save', () => {
  const size = MiB;
  const parts = partsOf(size, PART);
  const complete = [0, 1, 2, 5, 15];
  const goodSidecar = (host: SnapshotHost) => ({
    sourcePath: SNAPSHOT_PATH,
    etag: host.etag,
    lastModified: host.lastModified,
    total: size,
    parts: { size: PART, complete },
  });

  it.each([
    ['with a strong ETag', {}, false],
    ['with Last-Modified only', { noEtag: true }, true],
  ])('is continued when it matches (%s): no complete part is asked for again', async (_what, faults, withoutEtag) => {
    const { host, dir, destination, base, source } = await setupSave(size);
    Object.assign(host.faults, faults);
    const sidecar = { ...goodSidecar(host), ...(withoutEtag ? { etag: undefined } : {}) };
    await leavePartial(destination, partialBytes(host, size, parts, complete), sidecar);
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    const missing = parts.filter((p) => !complete.includes(p.index));
    expect(sorted(host.requests.map(rangeText))).toEqual(sorted(missing.map(partText)));
    expect(host.requests.map((r) => r.headers['if-range'])).toEqual(missing.map(() => (withoutEtag ? host.lastModified : host.etag)));
    expect(host.bytesSent()).toBe(missing.reduce((sum, p) => sum + p.end + 1 - p.start, 0));
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
  });

  type Refusal = [what: string, sidecar: (good: ReturnType<typeof goodSidecar>) => object | string, fileSize: number, seenBy: 'the save' | 'the host'];
  const refusals: Refusal[] = [
    ['not valid JSON', (good) => JSON.stringify(good).slice(0, 40), size, 'the save'],
    ['a part index out of range', (good) => ({ ...good, parts: { size: PART, complete: [0, 1, parts.length] } }), size, 'the save'],
    ['a negative part index', (good) => ({ ...good, parts: { size: PART, complete: [-1, 0] } }), size, 'the save'],
    ['a part size below 64 KiB', (good) => ({ ...good, parts: { size: 1000, complete: [0, 1, 2] } }), size, 'the save'],
    ['a part size above 1 GiB (the whole file one complete part)', (good) => ({ ...good, parts: { size: 2 ** 30 + PART, complete: [0] } }), size, 'the save'],
    ['a total other than the partial file’s size', (good) => good, size - 1000, 'the save'],
    ['no validator', (good) => ({ ...good, etag: undefined, lastModified: undefined }), size, 'the save'],
    ['another sourcePath and no ETag', (good) => ({ ...good, sourcePath: '/backups/other.tar.gz', etag: undefined }), size, 'the save'],
    ['another total than the host’s', (good) => ({ ...good, total: size + 2 * PART }), size + 2 * PART, 'the host'],
    ['another ETag than the host’s', (good) => ({ ...good, etag: '"snapshot-v0"' }), size, 'the host'],
  ];

  it.each(refusals)('is refused with %s: the save starts over from byte 0 and ends right', async (_what, sidecarOf, fileSize, seenBy) => {
    const { host, dir, destination, base, source } = await setupSave(size);
    // Bytes no part has: trusting them would show in the SHA-256.
    await leavePartial(destination, Buffer.alloc(fileSize, 0x55), sidecarOf(goodSidecar(host)));
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved).toEqual({ path: destination, bytes: size, sha256: host.sha256() });
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);

    const firsts = firstRequestsOf(host, PART);
    expect(firsts).toHaveLength(1);
    if (seenBy === 'the save') {
      expect(firsts[0]).toBe(0);
    } else {
      // It asked for the missing parts with If-Range, learned from the answers, and started over.
      expect(firsts[0]).toBeGreaterThan(0);
      const resumed = host.requests.slice(0, firsts[0]);
      expect(resumed.map((r) => r.headers['if-range'] !== undefined)).toEqual(resumed.map(() => true));
    }
    expect(sorted(host.requests.slice(firsts[0]).map(rangeText))).toEqual(sorted(parts.map(partText)));
  });

  it('is ignored with resume: false', async () => {
    const { host, base, source, destination } = await setupSave(size);
    await leavePartial(destination, partialBytes(host, size, parts, complete), goodSidecar(host));
    const saved = await save({ ...base, source: source(), connections: 4, partSizeBytes: PART, resume: false });
    expect(saved.sha256).toBe(host.sha256());
    expect(isFirstRequest(host.requests[0]!, PART)).toBe(true);
    expect(host.requests).toHaveLength(parts.length);
  });
});

/** The facade, against the snapshot host's origin as its Atlas base URL (as in the inputs tests). */
function shimFor(host: SnapshotHost) {
  const shim = createSnapshotShim({ baseUrl: host.origin, credentials: { publicKey: 'pub', privateKey: 'private-key-secret' } });
  deferCleanup(() => shim.close());
  return shim;
}

describe('saveSnapshotFile in parts: connections and partSizeBytes', () => {
  it('with connections: 1 saves as today: one stream, no Range', async () => {
    const { host, base, source } = await setupSave(MiB);
    const saved = await save({ ...base, source: source(), connections: 1, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(host.requests.map((r) => [r.headers.range, r.status])).toEqual([[undefined, 200]]);
  });

  it.each([
    [{ connections: 0 }, 'connections'],
    [{ connections: 17 }, 'connections'],
    [{ connections: 1.5 }, 'connections'],
    [{ connections: -1 }, 'connections'],
    [{ connections: Number.NaN }, 'connections'],
    [{ connections: '4' }, 'connections'],
    [{ partSizeBytes: 1000 }, 'partSizeBytes'],
    [{ partSizeBytes: 65_535 }, 'partSizeBytes'],
    [{ partSizeBytes: 2 ** 30 + 1 }, 'partSizeBytes'],
    [{ partSizeBytes: 65_536.5 }, 'partSizeBytes'],
    [{ partSizeBytes: '65536' }, 'partSizeBytes'],
  ])('refuses %o with a ValidationError naming %s, before any request', async (bad, name) => {
    const options = bad as unknown as SaveSnapshotOptions;
    const thrown = thrownBy(() => resolveSaveOptions(options));
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: `options.${name}` });
    // shim.download takes the options as top-level fields.
    expect(thrownBy(() => resolveSaveOptions(options, ''))).toMatchObject({ name: 'ValidationError', field: name });
    const { host, dir } = await setupSave(MiB);
    const error = await rejectionOf(shimFor(host).saveSnapshot(completedJob({ snapshotUrl: host.signedUrl() }), join(dir, 'out.gz'), options));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: `options.${name}` });
    expect(host.requests).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('accepts the bounds and defaults to 4 connections of 8 MiB parts', () => {
    expect(resolveSaveOptions({})).toMatchObject({ connections: 4, partSizeBytes: 8_388_608 });
    expect(resolveSaveOptions({ connections: 1, partSizeBytes: 65_536 })).toMatchObject({ connections: 1, partSizeBytes: 65_536 });
    expect(resolveSaveOptions({ connections: 16, partSizeBytes: 1_073_741_824 })).toMatchObject({ connections: 16, partSizeBytes: 1_073_741_824 });
  });
});

describe('saveSnapshotFile in parts: an expiring URL', () => {
  /** A renew that answers a fresh URL after a moment, so refusals of several parts overlap it. */
  function slowRenew(host: SnapshotHost) {
    const urls: string[] = [];
    const renew = vi.fn(async (): Promise<SnapshotSource> => {
      await sleep(30);
      const url = host.signedUrl(SNAPSHOT_PATH);
      urls.push(url);
      return { url };
    });
    return { renew, tokens: () => urls.map((url) => new URL(url).searchParams.get('X-Amz-Signature')) };
  }

  it('expired mid-save: renewed exactly once, and every refused part continues with the new URL', async () => {
    const size = 2 * MiB;
    const { host, destination, base, source } = await setupSave(size);
    const parts = partsOf(size, PART);
    const { renew, tokens } = slowRenew(host);
    // The URL expires as part 12 is asked for; the requests for parts 12 and 13 are refused only
    // after 150 ms, long after the other connections' refusals have renewed the URL: a refusal
    // of a URL already replaced must neither renew it again nor count as the new URL's refusal.
    const late = [12 * PART, 13 * PART];
    let expired = false;
    host.faults.delayRange = (start) => {
      if (!late.includes(start)) return 0;
      if (!expired) {
        expired = true;
        host.expireTokens();
      }
      return 150;
    };
    const saved = await save({ ...base, renew, source: source(), connections: 4, partSizeBytes: PART });
    expect(expired).toBe(true);
    expect(saved.sha256).toBe(host.sha256());
    expect((await readFile(destination)).equals(host.content())).toBe(true);
    expect(renew).toHaveBeenCalledTimes(1);

    const oldToken = host.requests[0]!.token;
    const [newToken] = tokens();
    expect(newToken).toBeDefined();
    expect(new Set(host.requests.map((r) => r.token))).toEqual(new Set([oldToken, newToken]));
    const refused = host.requests.filter((r) => r.status === 403);
    expect(refused.length).toBeGreaterThan(1);
    expect(refused.map((r) => r.token)).toEqual(refused.map(() => oldToken));
    expect(refused.filter((r) => late.includes(r.rangeStart!))).toHaveLength(2);
    const renewed = host.requests.filter((r) => r.token === newToken);
    expect(renewed.length).toBeGreaterThan(0);
    expect(renewed.map((r) => r.status)).toEqual(renewed.map(() => 206));
    expect(renewed.map((r) => r.headers['if-range'])).toEqual(renewed.map(() => host.etag));
    for (const refusal of refused) {
      const again = host.requests.filter((r) => r.token === newToken && r.headers.range === refusal.headers.range);
      expect(again, `part ${refusal.headers.range} asked for again with the new URL`).toHaveLength(1);
    }
    // No part restarted: each part's bytes were sent once.
    expect(host.bytesSent()).toBe(size);
    expect(firstRequestsOf(host, PART)).toEqual([0]);
    expect(sorted(host.requests.filter((r) => r.status === 206).map(rangeText))).toEqual(sorted(parts.map(partText)));
  });

  it('refused on its first request: renewed once, then saved in parts', async () => {
    const { host, base, source } = await setupSave(MiB);
    const stale = source();
    host.expireTokens();
    const { renew } = slowRenew(host);
    const saved = await save({ ...base, renew, source: stale, connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.slice(0, 2).map((r) => [r.headers.range, r.status])).toEqual([
      [`bytes=0-${PART - 1}`, 403],
      [`bytes=0-${PART - 1}`, 206],
    ]);
    expect(host.requests).toHaveLength(partsOf(MiB, PART).length + 1);
  });

  it('expired at a cut: the part is asked for again with the new URL, from where it stopped', async () => {
    const size = MiB;
    const { host, base, source } = await setupSave(size);
    const { renew, tokens } = slowRenew(host);
    host.faults.cutAfter = [Number.POSITIVE_INFINITY, 30_000];
    host.faults.cutPauseMs = 100;
    host.faults.expireTokensOnCut = true;
    const saved = await save({ ...base, renew, source: source(), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(renew).toHaveBeenCalledTimes(1);
    const [cutPart] = host.requests.filter((r) => r.cut);
    expect(cutPart).toBeDefined();
    const rest = `bytes=${cutPart!.rangeStart! + 30_000}-${cutPart!.rangeEnd}`;
    const [newToken] = tokens();
    expect(host.requests.filter((r) => r.headers.range === rest).map((r) => [r.token === newToken, r.status])).toEqual([[true, 206]]);
    expect(host.bytesSent()).toBe(size);
  });

  it('a renewed URL refused once while fresh is asked for again, and the save goes on in parts', async () => {
    const { host, base, source } = await setupSave(MiB);
    host.faults.refuseNext = 2;
    const second = { ...source(), expiresAt: new Date('2030-01-01T04:00:00Z') };
    const renew = vi.fn(async () => second);
    const saved = await save({ ...base, renew, source: source(), now: () => new Date('2030-01-01T00:00:00Z'), connections: 4, partSizeBytes: PART });
    expect(saved.sha256).toBe(host.sha256());
    expect(renew).toHaveBeenCalledTimes(1);
    expect(host.requests.slice(0, 3).map((r) => [r.headers.range, r.status])).toEqual([
      [`bytes=0-${PART - 1}`, 403],
      [`bytes=0-${PART - 1}`, 403],
      [`bytes=0-${PART - 1}`, 206],
    ]);
    expect(host.requests).toHaveLength(partsOf(MiB, PART).length + 2);
  });

  it('expired again after the renewal: fails with 403, nothing at the destination, the parts kept', async () => {
    const size = MiB;
    const { host, destination, base, source } = await setupSave(size);
    const renew = vi.fn(async (): Promise<SnapshotSource> => {
      const url = host.signedUrl(SNAPSHOT_PATH);
      host.expireTokens();
      return { url };
    });
    let expired = false;
    const error = await rejectionOf(
      save({
        ...base,
        renew,
        source: source(),
        connections: 4,
        partSizeBytes: PART,
        progressIntervalMs: 0,
        onProgress: ({ bytes }) => {
          if (!expired && bytes >= size / 4) {
            expired = true;
            host.expireTokens();
          }
        },
      }),
    );
    expect(error).toBeInstanceOf(SnapshotTransferError);
    expect(error).toMatchObject({ phase: 'transfer', status: 403 });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(await exists(destination)).toBe(false);
    const sidecar = await readSidecar(destination);
    expect((sidecar.parts!.complete as number[]).length).toBeGreaterThan(0);
  });
});
