import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the snapshot host saw it, and how it answered. */
export interface HostRequest {
  readonly path: string;
  readonly token: string | null;
  readonly headers: IncomingHttpHeaders;
  status: number;
  /** Body bytes sent in this answer. */
  bytesSent: number;
  /** The connection closed before the answer was complete (a cut, or the client went away). */
  closedEarly: boolean;
}

/** Switches that make the host misbehave; each may be changed between or during saves. */
export interface HostFaults {
  /** One entry per body answer, in order: destroy the socket after that many body bytes. */
  cutAfter: number[];
  /** Answer 200 with the whole file to every Range request. */
  ignoreRange: boolean;
  /** Answer every request with this status (404, 500…) and a short text body. */
  failWith: number | undefined;
  /** Send the body in pieces of `bytes` every `intervalMs`. */
  drip: { bytes: number; intervalMs: number } | undefined;
  /** Expire every token issued so far when a cut happens (the URL runs out mid-transfer). */
  expireTokensOnCut: boolean;
  /** One entry per 206 answer, in order: send it chunked (no Content-Length) and end it cleanly after that many bytes. */
  shortRangeAnswers: number[];
  /** Refuse this many of the next requests with 403, whatever their token (a valid signature refused for a moment). */
  refuseNext: number;
}

/** A local stand-in for the storage host behind a pre-signed `snapshotUrl`. */
export interface SnapshotHost {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Size of the snapshot in bytes. */
  readonly size: number;
  /** The ETag of the current content. */
  readonly etag: string;
  readonly requests: HostRequest[];
  readonly faults: HostFaults;
  /** Body bytes sent over all answers. */
  bytesSent(): number;
  /** A freshly signed URL: the token is in the query, as a storage signature is. */
  signedUrl(path?: string): string;
  /** Every token issued so far is refused with 403 from now on. */
  expireTokens(): void;
  /** New content of the same size, with a new ETag. */
  changeContent(): void;
  /** Bytes [start, end) of the current content. */
  content(start?: number, end?: number): Buffer;
  /** SHA-256 (hex) of the current content, computed in pieces. */
  sha256(): string;
  close(): Promise<void>;
}

// A prime-sized pattern, so the content never repeats on chunk boundaries.
const PATTERN_BYTES = 65_521;
const CHUNK_BYTES = 64 * 1024;

function patternFor(version: number): Buffer {
  const pattern = Buffer.alloc(PATTERN_BYTES);
  let block = createHash('sha256').update(`snapshot-content-v${version}`).digest();
  for (let offset = 0; offset < PATTERN_BYTES; offset += block.length) {
    block.copy(pattern, offset);
    block = createHash('sha256').update(block).digest();
  }
  return pattern;
}

function slice(pattern: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  for (let at = start; at < end; ) {
    const from = at % PATTERN_BYTES;
    const take = Math.min(PATTERN_BYTES - from, end - at);
    pattern.copy(out, at - start, from, from + take);
    at += take;
  }
  return out;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a snapshot host on 127.0.0.1 serving `size` deterministic bytes. */
export async function startSnapshotHost(size: number): Promise<SnapshotHost> {
  let version = 1;
  let pattern = patternFor(version);
  const issued = new Set<string>();
  const expired = new Set<string>();
  const requests: HostRequest[] = [];
  const faults: HostFaults = { cutAfter: [], ignoreRange: false, failWith: undefined, drip: undefined, expireTokensOnCut: false, shortRangeAnswers: [], refuseNext: 0 };
  const etagOf = (): string => `"snapshot-v${version}"`;
  const expireTokens = (): void => issued.forEach((token) => expired.add(token));

  async function sendBody(res: ServerResponse, record: HostRequest, start: number, end: number): Promise<void> {
    const cutAt = faults.cutAfter.shift();
    const piece = faults.drip?.bytes ?? CHUNK_BYTES;
    for (let at = start; at < end && !res.destroyed; ) {
      const stop = Math.min(end, at + piece, cutAt === undefined ? end : start + cutAt);
      const chunk = slice(pattern, at, stop);
      at = stop;
      record.bytesSent += chunk.length;
      if (cutAt !== undefined && at - start >= cutAt) {
        // Destroy only once the bytes are handed to the kernel, so the client gets exactly `cutAt` bytes.
        res.write(chunk, () => {
          if (faults.expireTokensOnCut) expireTokens();
          res.socket?.destroy();
        });
        return;
      }
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (faults.drip) await sleep(faults.drip.intervalMs);
    }
    res.end();
  }

  async function answer(record: HostRequest, res: ServerResponse): Promise<void> {
    const refuse = (status: number, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(`HTTP ${status}`);
    };
    if (record.token === null || !issued.has(record.token) || expired.has(record.token)) return refuse(403);
    if (faults.refuseNext > 0) {
      faults.refuseNext -= 1;
      return refuse(403);
    }
    if (faults.failWith !== undefined) return refuse(faults.failWith);
    const etag = etagOf();
    const headers: Record<string, string> = { etag, 'accept-ranges': 'bytes', 'content-type': 'application/gzip' };
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(String(record.headers.range ?? ''));
    const ifRange = record.headers['if-range'];
    if (range && !faults.ignoreRange && (ifRange === undefined || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= size) return refuse(416, { 'content-range': `bytes */${size}` });
      status = 206;
      headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    }
    record.status = status;
    const shortBy = status === 206 ? faults.shortRangeAnswers.shift() : undefined;
    if (shortBy !== undefined) {
      // A body that ends early without a broken connection: only the size tells it is short.
      res.writeHead(status, headers);
      await sendBody(res, record, start, Math.min(size, start + shortBy));
      return;
    }
    res.writeHead(status, { ...headers, 'content-length': String(size - start) });
    await sendBody(res, record, start, size);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: HostRequest = {
      path: url.pathname,
      token: url.searchParams.get('X-Amz-Signature'),
      headers: req.headers,
      status: 0,
      bytesSent: 0,
      closedEarly: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.closedEarly = true;
    });
    answer(record, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    size,
    get etag() {
      return etagOf();
    },
    requests,
    faults,
    bytesSent: () => requests.reduce((sum, request) => sum + request.bytesSent, 0),
    signedUrl(path = '/backups/cluster0/snapshot-2025.tar.gz') {
      const token = randomBytes(12).toString('hex');
      issued.add(token);
      return `${origin}${path}?X-Amz-Expires=14400&X-Amz-Signature=${token}`;
    },
    expireTokens,
    changeContent() {
      version += 1;
      pattern = patternFor(version);
    },
    content: (start = 0, end = size) => slice(pattern, start, end),
    sha256() {
      const hash = createHash('sha256');
      for (let at = 0; at < size; at += 1024 * 1024) hash.update(slice(pattern, at, Math.min(size, at + 1024 * 1024)));
      return hash.digest('hex');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh directory under the OS temp dir, and a way to remove it. */
export async function makeTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'snapshot-save-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
