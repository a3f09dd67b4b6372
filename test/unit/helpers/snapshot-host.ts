import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the snapshot host saw it, and how it answered. */
export interface HostRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string | null;
  readonly headers: IncomingHttpHeaders;
  /** First byte asked for by a `Range: bytes=s-` or `bytes=s-e` header; undefined without one. */
  readonly rangeStart: number | undefined;
  /** Last byte asked for by `Range: bytes=s-e` (as asked, not clamped); undefined for `bytes=s-` or without Range. */
  readonly rangeEnd: number | undefined;
  status: number;
  /** Body bytes sent in this answer. */
  bytesSent: number;
  /** The connection closed before the answer was complete (a cut, or the client went away). */
  closedEarly: boolean;
  /** The host cut this answer on purpose (a `cutAfter` entry). */
  cut: boolean;
  /** The strong ETag of the content this answer's body was taken from; undefined for an answer without a body. */
  contentEtag: string | undefined;
  /** `performance.now()` when the whole answer was sent; undefined while sending, or when it never was. */
  finishedAt: number | undefined;
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
  /** Wait this long between the last bytes of a `cutAfter` answer and the cut, so the client has read them all (default 0: cut at once). */
  cutPauseMs: number;
  /** Send no `ETag` header. */
  noEtag: boolean;
  /** Send the ETag as a weak one (`W/"…"`); weak ETags never match `If-Range`. */
  weakEtag: boolean;
  /** Send no `Last-Modified` header. */
  noLastModified: boolean;
  /** Leave the total out of `Content-Range` (`bytes s-e/*`). */
  totalUnknown: boolean;
  /** Answer a Range request with 206 whatever its `If-Range` (a host that does not check it). */
  ignoreIfRange: boolean;
  /**
   * The content changes (as `changeContent()`) once this many more body answers (200 or 206)
   * have started; then it is cleared. Each answer sends the content it started with.
   */
  changeContentAfter: number | undefined;
  /** The content changes after every this many body answers, counted over the host's life. */
  changeContentEvery: number | undefined;
  /** Milliseconds to wait before answering a request with a Range header (`end` undefined for `bytes=s-`); none when unset. */
  delayRange: ((start: number, end: number | undefined) => number) | undefined;
}

/** A local stand-in for the storage host behind a pre-signed `snapshotUrl`. */
export interface SnapshotHost {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Size of the snapshot in bytes. */
  readonly size: number;
  /** The ETag of the current content, in its strong form (what `If-Range` must carry), whatever the faults send. */
  readonly etag: string;
  /** The Last-Modified date of the current content (an HTTP date, different for every content). */
  readonly lastModified: string;
  readonly requests: HostRequest[];
  readonly faults: HostFaults;
  /** The most requests being answered at the same time so far (from arrival until the last byte is handed to the socket). */
  readonly maxConcurrent: number;
  /** Requests being answered right now (until the last byte of the answer is handed to the socket). */
  inFlight(): number;
  /** Body bytes sent over all answers. */
  bytesSent(): number;
  /** A freshly signed URL: the token is in the query, as a storage signature is. */
  signedUrl(path?: string): string;
  /** Every token issued so far is refused with 403 from now on. */
  expireTokens(): void;
  /** New content of the same size, with a new ETag and Last-Modified date. */
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

/** `bytes=s-` or `bytes=s-e`; undefined for anything else (no Range, several ranges, a suffix range). */
function parseRange(header: string | undefined): { start: number; end: number | undefined } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), end: match[2] === '' ? undefined : Number(match[2]) };
}

/** Starts a snapshot host on 127.0.0.1 serving `size` deterministic bytes. */
export async function startSnapshotHost(size: number): Promise<SnapshotHost> {
  let version = 1;
  let pattern = patternFor(version);
  const issued = new Set<string>();
  const expired = new Set<string>();
  const requests: HostRequest[] = [];
  const faults: HostFaults = {
    cutAfter: [],
    ignoreRange: false,
    failWith: undefined,
    drip: undefined,
    expireTokensOnCut: false,
    shortRangeAnswers: [],
    refuseNext: 0,
    cutPauseMs: 0,
    noEtag: false,
    weakEtag: false,
    noLastModified: false,
    totalUnknown: false,
    ignoreIfRange: false,
    changeContentAfter: undefined,
    changeContentEvery: undefined,
    delayRange: undefined,
  };
  const etagOf = (): string => `"snapshot-v${version}"`;
  // One fixed date per content version, an hour apart.
  const lastModifiedOf = (): string => new Date(Date.UTC(2025, 0, 1) + version * 3_600_000).toUTCString();
  const expireTokens = (): void => issued.forEach((token) => expired.add(token));
  const changeContent = (): void => {
    version += 1;
    pattern = patternFor(version);
  };
  let bodyAnswers = 0;
  // Requests whose answer is not yet all handed to the socket: what the client may still be waiting for.
  const answering = new Set<HostRequest>();
  let maxConcurrent = 0;
  // Out as soon as the last byte is queued: from then on the client may send its next request
  // before the server gets round to its 'close' event, and that one must not look concurrent.
  const answered = (record: HostRequest): void => void answering.delete(record);

  /** The content changes after this answer when a `changeContent…` fault says so. */
  function countBodyAnswer(): void {
    bodyAnswers += 1;
    if (faults.changeContentAfter !== undefined) {
      faults.changeContentAfter -= 1;
      if (faults.changeContentAfter <= 0) {
        faults.changeContentAfter = undefined;
        changeContent();
      }
    }
    if (faults.changeContentEvery !== undefined && bodyAnswers % faults.changeContentEvery === 0) changeContent();
  }

  /** Whether `If-Range` names the current content: its strong ETag (as sent), or its Last-Modified date (as sent). */
  function ifRangeMatches(ifRange: string): boolean {
    if (faults.ignoreIfRange) return true;
    if (ifRange.startsWith('W/')) return false;
    if (ifRange.startsWith('"')) return !faults.noEtag && !faults.weakEtag && ifRange === etagOf();
    return !faults.noLastModified && ifRange === lastModifiedOf();
  }

  /** Sends bytes [start, end) of `content` (the content the answer started with). */
  async function sendBody(res: ServerResponse, record: HostRequest, content: Buffer, start: number, end: number): Promise<void> {
    const cutAt = faults.cutAfter.shift();
    const piece = faults.drip?.bytes ?? CHUNK_BYTES;
    for (let at = start; at < end && !res.destroyed; ) {
      const stop = Math.min(end, at + piece, cutAt === undefined ? end : start + cutAt);
      const chunk = slice(content, at, stop);
      at = stop;
      record.bytesSent += chunk.length;
      if (at >= end) answered(record);
      if (cutAt !== undefined && at - start >= cutAt) {
        record.cut = true;
        const pause = faults.cutPauseMs;
        // Destroy only once the bytes are handed to the kernel, so the client gets exactly `cutAt` bytes.
        res.write(chunk, () => {
          if (faults.expireTokensOnCut) expireTokens();
          if (pause > 0) setTimeout(() => res.socket?.destroy(), pause);
          else res.socket?.destroy();
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
      answered(record);
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(`HTTP ${status}`);
    };
    const delay = record.rangeStart === undefined ? undefined : faults.delayRange?.(record.rangeStart, record.rangeEnd);
    if (delay !== undefined && delay > 0) await sleep(delay);
    if (res.destroyed) return;
    if (record.token === null || !issued.has(record.token) || expired.has(record.token)) return refuse(403);
    if (faults.refuseNext > 0) {
      faults.refuseNext -= 1;
      return refuse(403);
    }
    if (faults.failWith !== undefined) return refuse(faults.failWith);
    const etag = etagOf();
    const headers: Record<string, string> = { 'accept-ranges': 'bytes', 'content-type': 'application/gzip' };
    if (!faults.noEtag) headers.etag = faults.weakEtag ? `W/${etag}` : etag;
    if (!faults.noLastModified) headers['last-modified'] = lastModifiedOf();
    // [start, end]: the bytes this answer sends, `end` inclusive.
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = record.rangeStart === undefined ? undefined : { start: record.rangeStart, end: record.rangeEnd };
    const ifRange = String(record.headers['if-range'] ?? '') || undefined;
    // A range whose last byte is before its first is invalid, and ignored as RFC 9110 says.
    const valid = range !== undefined && (range.end === undefined || range.end >= range.start);
    if (valid && !faults.ignoreRange && (ifRange === undefined || ifRangeMatches(ifRange))) {
      if (range.start >= size) return refuse(416, { 'content-range': `bytes */${size}` });
      start = range.start;
      end = Math.min(range.end ?? size - 1, size - 1);
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${faults.totalUnknown ? '*' : size}`;
    }
    record.status = status;
    record.contentEtag = etag;
    const content = pattern;
    countBodyAnswer();
    const shortBy = status === 206 ? faults.shortRangeAnswers.shift() : undefined;
    if (shortBy !== undefined) {
      // A body that ends early without a broken connection: only the size tells it is short.
      res.writeHead(status, headers);
      await sendBody(res, record, content, start, Math.min(end + 1, start + shortBy));
      return;
    }
    res.writeHead(status, { ...headers, 'content-length': String(end + 1 - start) });
    await sendBody(res, record, content, start, end + 1);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const range = parseRange(req.headers.range);
    const record: HostRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      token: url.searchParams.get('X-Amz-Signature'),
      headers: req.headers,
      rangeStart: range?.start,
      rangeEnd: range?.end,
      status: 0,
      bytesSent: 0,
      closedEarly: false,
      cut: false,
      contentEtag: undefined,
      finishedAt: undefined,
    };
    requests.push(record);
    answering.add(record);
    maxConcurrent = Math.max(maxConcurrent, answering.size);
    res.on('finish', () => {
      record.finishedAt = performance.now();
    });
    res.on('close', () => {
      answered(record);
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
    get lastModified() {
      return lastModifiedOf();
    },
    requests,
    faults,
    get maxConcurrent() {
      return maxConcurrent;
    },
    inFlight: () => answering.size,
    bytesSent: () => requests.reduce((sum, request) => sum + request.bytesSent, 0),
    signedUrl(path = '/backups/cluster0/snapshot-2025.tar.gz') {
      const token = randomBytes(12).toString('hex');
      issued.add(token);
      return `${origin}${path}?X-Amz-Expires=14400&X-Amz-Signature=${token}`;
    },
    expireTokens,
    changeContent,
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
