import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartialValidators } from '../../src/download/partial-file.js';
import { PrefixHasher } from '../../src/download/prefix-hasher.js';
import { layoutFromFirstAnswer, partBounds, partCount, trustedParts } from '../../src/download/save-in-parts.js';
import type { SnapshotResponse } from '../../src/download/snapshot-response.js';

const KiB = 1024;
const ETAG = '"abc123"';
const DATE = 'Wed, 21 Oct 2026 07:28:00 GMT';

// The pure decisions take a response only for its headers' facts; the body is never read.
function ranged(fields: Partial<Extract<SnapshotResponse, { kind: 'rest' }>>): SnapshotResponse {
  const body = Readable.from([]) as unknown as Extract<SnapshotResponse, { kind: 'rest' }>['body'];
  return { kind: 'rest', body, etag: ETAG, lastModified: DATE, start: 0, end: 64 * KiB - 1, total: 1000 * KiB, ...fields };
}

describe('how a file is cut into parts', () => {
  it('counts parts and bounds each, the last one shorter', () => {
    const layout = { total: 10, size: 4 };
    expect(partCount(layout)).toBe(3);
    expect([0, 1, 2].map((i) => partBounds(layout, i))).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 9 },
    ]);
    expect(partCount({ total: 8, size: 4 })).toBe(2);
  });
});

describe('layoutFromFirstAnswer: whether a first answer allows a save in parts', () => {
  const partSize = 64 * KiB;

  it('takes a 206 for the first part of a larger file with a total and a strong ETag', () => {
    expect(layoutFromFirstAnswer(ranged({}), partSize)).toEqual({ total: 1000 * KiB, size: partSize, etag: ETAG, lastModified: DATE, validator: ETAG });
  });

  it('holds the parts to Last-Modified when the ETag is weak or missing', () => {
    expect(layoutFromFirstAnswer(ranged({ etag: 'W/"weak"' }), partSize)?.validator).toBe(DATE);
    expect(layoutFromFirstAnswer(ranged({ etag: undefined }), partSize)?.validator).toBe(DATE);
  });

  it.each([
    ['a 200', { kind: 'whole' } as const],
    ['no total', { total: undefined }],
    ['no validator', { etag: undefined, lastModified: undefined }],
    ['a weak ETag alone', { etag: 'W/"weak"', lastModified: undefined }],
    ['a file no larger than a part', { total: 64 * KiB, end: 64 * KiB - 1 }],
    ['another range than asked', { end: 1000 }],
    ['a range not at byte 0', { start: 1 }],
  ])('refuses %s', (_, fields) => {
    const response = 'kind' in fields ? ({ ...ranged({}), ...fields } as SnapshotResponse) : ranged(fields);
    expect(layoutFromFirstAnswer(response, partSize)).toBeUndefined();
  });
});

describe('trustedParts: whether a recorded save in parts can be continued', () => {
  // Three parts of 64 KiB, the last one half of it.
  const size = 64 * KiB;
  const total = 2.5 * size;
  const record: PartialValidators = { sourcePath: '/s/a.tar.gz', etag: ETAG, lastModified: DATE, total, parts: { size, complete: [0, 2] } };

  it('continues a record that fits the partial file', () => {
    const trusted = trustedParts(record, total, '/s/a.tar.gz');
    expect(trusted?.layout).toEqual({ total, size, etag: ETAG, lastModified: DATE, validator: ETAG });
    expect([...trusted!.complete]).toEqual([0, 2]);
  });

  it('continues from another URL path only with a strong ETag', () => {
    expect(trustedParts(record, total, '/s/renewed.tar.gz')).toBeDefined();
    expect(trustedParts({ ...record, etag: undefined }, total, '/s/renewed.tar.gz')).toBeUndefined();
    expect(trustedParts({ ...record, etag: undefined }, total, '/s/a.tar.gz')?.layout.validator).toBe(DATE);
  });

  it.each([
    ['a single-stream record', { parts: undefined }],
    ['a total other than the file size', { total: total + 1 }],
    ['no total', { total: undefined }],
    ['no validator', { etag: undefined, lastModified: undefined }],
    ['a part index past the last part', { parts: { size, complete: [0, 3] } }],
    ['part indexes out of order', { parts: { size, complete: [2, 0] } }],
    ['a part listed twice', { parts: { size, complete: [1, 1] } }],
    ['a part size below what an option allows', { parts: { size: size - 1, complete: [] } }],
    ['a part size above what an option allows', { parts: { size: 2 ** 30 + 1, complete: [] } }],
  ])('refuses %s', (_, fields) => {
    expect(trustedParts({ ...record, ...fields }, total, '/s/a.tar.gz')).toBeUndefined();
  });
});

describe('PrefixHasher: the SHA-256 of a file written out of order', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prefix-hasher-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes the prefix as it grows, whatever order the parts were written in', async () => {
    // Parts of 9 MiB: past the growth the hasher passes on to its worker at once.
    const content = randomBytes(27 * 1024 * KiB + 123);
    const path = join(dir, 'file');
    const handle = await open(path, 'w');
    await handle.truncate(content.length);
    const hasher = new PrefixHasher(path);
    const cut = [0, 9 * 1024 * KiB, 18 * 1024 * KiB, content.length];
    // The last part first, then the first (the prefix grows: the worker hashes it while the
    // middle part is still zeros on disk, which it must not read), then the middle one.
    for (const i of [2, 0, 1]) {
      await handle.write(content, cut[i], cut[i + 1]! - cut[i]!, cut[i]);
      if (i === 0) hasher.advanceTo(cut[1]!);
      if (i === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    hasher.advanceTo(cut[1]! - 10); // an earlier offset is ignored
    await handle.close();
    expect(await hasher.digest(content.length)).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('rejects when the file is shorter than the size it is asked to hash', async () => {
    const path = join(dir, 'short');
    const handle = await open(path, 'w');
    await handle.write(Buffer.alloc(100));
    await handle.close();
    await expect(new PrefixHasher(path).digest(200)).rejects.toThrow(/ended at byte 100, before byte 200/);
  });
});
