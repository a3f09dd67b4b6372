import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotContent } from '../../src/simulator/snapshot-content.js';
import { parseRange } from '../../src/simulator/snapshot-files.js';
import { BEFORE_SUNSET, FLEX_MEDIA_TYPE, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
afterEach(async () => fx?.close());

async function completedJob(f: SimulatorFixture, role: 'flex' | 'flexLegacy' = 'flex') {
  const name = f.sim.clusters[role];
  const response = await post(f.client, `${f.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: f.sim.snapshotIds(name)[0] });
  expect(response.json.status).toBe('COMPLETED');
  return response.json as { snapshotUrl: string; snapshotId: string; expirationDate: string };
}

async function fetchFile(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const response = await request(url, { method, headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('snapshot files', () => {
  it('serves the whole file without any auth, matching snapshotSha256 and snapshotSize', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    const file = await fetchFile(job.snapshotUrl);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/gzip');
    expect(file.headers['accept-ranges']).toBe('bytes');
    expect(file.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Number(file.headers['content-length'])).toBe(262_144);
    expect(file.body.length).toBe(fx.sim.snapshotSize(job.snapshotId));
    expect(sha256(file.body)).toBe(fx.sim.snapshotSha256(job.snapshotId));
    expect(fx.sim.requests.at(-1)).toMatchObject({ method: 'GET', status: 200, auth: 'none' });
    expect(fx.sim.requests.at(-1)).not.toHaveProperty('operationId');
  });

  it('gives different snapshots different content and the same snapshot the same content in every run', async () => {
    fx = await startFixture({ jobDurationMs: 0, snapshotSizeBytes: 4096 });
    const other = await startFixture({ jobDurationMs: 0, snapshotSizeBytes: 4096 });
    const [a, b] = fx.sim.snapshotIds(fx.sim.clusters.flex) as [string, string];
    expect(fx.sim.snapshotSha256(a)).not.toBe(fx.sim.snapshotSha256(b));
    expect(other.sim.snapshotSha256(a)).toBe(fx.sim.snapshotSha256(a));
    expect(() => fx.sim.snapshotSha256('f'.repeat(24))).toThrow(TypeError);
    expect(() => fx.sim.snapshotSize('nope')).toThrow(TypeError);
    await other.close();
  });

  it('answers HEAD with the GET headers and no body', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    const head = await fetchFile(job.snapshotUrl, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(262_144);
    expect(head.headers.etag).toBe((await fetchFile(job.snapshotUrl)).headers.etag);
  });

  it('answers single ranges with 206 and the exact bytes, and unsatisfiable ones with 416', async () => {
    fx = await startFixture({ jobDurationMs: 0, snapshotSizeBytes: 200_000 });
    const job = await completedJob(fx);
    const whole = (await fetchFile(job.snapshotUrl)).body;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=70000-140000', 70_000, 140_000],
      ['bytes=199990-', 199_990, 199_999],
      ['bytes=-17', 199_983, 199_999],
      ['bytes=5-999999', 5, 199_999],
    ];
    for (const [range, start, end] of cases) {
      const part = await fetchFile(job.snapshotUrl, { range });
      expect(part.status, range).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/200000`);
      expect(Number(part.headers['content-length'])).toBe(end - start + 1);
      expect(part.body.equals(whole.subarray(start, end + 1)), range).toBe(true);
    }
    const unsatisfiable = await fetchFile(job.snapshotUrl, { range: 'bytes=200000-' });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers['content-range']).toBe('bytes */200000');
  });

  it('honours If-Range and If-None-Match with the strong ETag', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    const etag = (await fetchFile(job.snapshotUrl, {}, 'HEAD')).headers.etag as string;
    expect((await fetchFile(job.snapshotUrl, { range: 'bytes=10-19', 'if-range': etag })).status).toBe(206);
    const outdated = await fetchFile(job.snapshotUrl, { range: 'bytes=10-19', 'if-range': '"other"' });
    expect(outdated.status).toBe(200);
    expect(outdated.body.length).toBe(262_144);
    expect((await fetchFile(job.snapshotUrl, { 'if-none-match': etag })).status).toBe(304);
  });

  it('refuses the URL with 403 once the Atlas clock passes expirationDate', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    const expiry = Date.parse(job.expirationDate);
    expect(expiry - BEFORE_SUNSET.getTime()).toBe(4 * 3_600_000);
    fx.sim.setNow(new Date(expiry - 1));
    expect((await fetchFile(job.snapshotUrl, {}, 'HEAD')).status).toBe(200);
    fx.sim.setNow(new Date(expiry));
    const expired = await fetchFile(job.snapshotUrl);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('Request has expired');
  });

  it('answers unknown tokens, mismatched snapshot ids and other methods without serving a file', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await completedJob(fx);
    const url = new URL(job.snapshotUrl);
    const [, , clusterName] = url.pathname.split('/');
    const token = url.searchParams.get('X-Amz-Signature');
    const file = (cluster: string | undefined, snapshotId: string, query: string) => `${fx.sim.url}/snapshot-files/${cluster}/${snapshotId}.tar.gz${query}`;
    expect((await fetchFile(file(clusterName, job.snapshotId, `?X-Amz-Signature=${'A'.repeat(43)}`))).status).toBe(404);
    expect((await fetchFile(file(clusterName, job.snapshotId, ''))).status).toBe(404);
    expect((await fetchFile(file(clusterName, '0'.repeat(24), `?X-Amz-Signature=${token}`))).status).toBe(404);
    expect((await fetchFile(file('another-cluster', job.snapshotId, `?X-Amz-Signature=${token}`))).status).toBe(404);
    const put = await request(job.snapshotUrl, { method: 'PUT', body: 'x' });
    await put.body.dump();
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
  });

  it('does not serve a job that has not completed yet', async () => {
    fx = await startFixture({ jobDurationMs: 60_000 });
    const name = fx.sim.clusters.flex;
    const created = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: fx.sim.snapshotIds(name)[0] });
    expect(created.json.status).toBe('PENDING');
    expect(created.json).not.toHaveProperty('snapshotUrl');
  });

  it('streams a multi-megabyte file in chunks with the right checksum', async () => {
    const size = 5 * 1024 * 1024 + 7;
    fx = await startFixture({ jobDurationMs: 0, snapshotSizeBytes: size });
    const job = await completedJob(fx, 'flexLegacy');
    const response = await request(job.snapshotUrl);
    const hash = createHash('sha256');
    let chunks = 0;
    let bytes = 0;
    for await (const chunk of response.body) {
      hash.update(chunk as Buffer);
      chunks += 1;
      bytes += (chunk as Buffer).length;
    }
    expect(bytes).toBe(size);
    expect(chunks).toBeGreaterThan(1);
    expect(hash.digest('hex')).toBe(fx.sim.snapshotSha256(job.snapshotId));
  });
});

describe('SnapshotContent', () => {
  it('produces any byte range equal to the same slice of the whole file', () => {
    const content = new SnapshotContent(300_001);
    const id = 'abcdefabcdefabcdefabcdef';
    const whole = Buffer.concat([...content.chunks(id)]);
    expect(whole.length).toBe(300_001);
    for (const [start, end] of [[0, 1], [15, 17], [16, 65_537], [65_535, 300_001], [299_999, 300_001]] as const) {
      expect(Buffer.concat([...content.chunks(id, start, end)]).equals(whole.subarray(start, end))).toBe(true);
    }
    for (const chunk of content.chunks(id)) expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-150', { start: 0, end: 99 }],
    ['bytes=90-200', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-2', undefined],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    [undefined, undefined],
  ] as const)('reads %s against 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
