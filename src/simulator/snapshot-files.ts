import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValue } from '../http/headers.js';
import type { Exchange } from './exchange.js';
import { sendExpiredUrl, sendStorageError } from './faults/fault-answers.js';
import { isBodyFault, writeBodyWithFault } from './faults/response-faults.js';
import { SNAPSHOT_URL_LIFETIME_MS, type RestoreJob } from './jobs.js';
import { SNAPSHOT_CHUNK_BYTES } from './snapshot-content.js';
import type { SimulatorState } from './state.js';

/** Path prefix of the files `snapshotUrl` points at. */
export const SNAPSHOT_FILES_PREFIX = '/snapshot-files/';
// The query parameter that carries the download token, as a pre-signed URL carries its signature.
const SIGNATURE_PARAMETER = 'X-Amz-Signature';

/**
 * Path and query of a completed job's `snapshotUrl`, shaped like a pre-signed object-storage
 * URL: the object's key names the cluster and the snapshot (so every job for one snapshot
 * points at the same path), and the query carries the expiry and the signature, which is
 * the job's download token.
 */
export function snapshotFileTarget(job: RestoreJob): string {
  return `${snapshotFilePath(job)}?X-Amz-Expires=${SNAPSHOT_URL_LIFETIME_MS / 1000}&${SIGNATURE_PARAMETER}=${job.downloadToken}`;
}

function snapshotFilePath(job: RestoreJob): string {
  return `${SNAPSHOT_FILES_PREFIX}${job.clusterName}/${job.snapshotId}.tar.gz`;
}

/** A byte range `[start, end]`, both inclusive as in `Content-Range`. */
interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses a `Range` header against a file of `size` bytes (RFC 9110 §14): a range, `'unsatisfiable'`
 * (416), or undefined to send the whole file, which a server may do for multiple or malformed ranges.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? '');
  if (m === null) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

// Pieces per second of a paced body at most: small pieces at a low rate keep the pace smooth.
const PACING_STEPS_PER_SECOND = 20;

/** Waits `ms`; false, with the timer cleared, when `signal` aborts first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * `chunks` in pieces of at most {@link SNAPSHOT_CHUNK_BYTES} (a twentieth of the rate when less),
 * taken no faster than `bytesPerSecond`: once a piece has been taken, the next is produced only
 * when the bytes taken so far no longer run ahead of `elapsed × rate`. Pulled by a writer with
 * backpressure, so it runs ahead of the socket by no more than the writer's buffer, and the
 * client never gets more than `elapsed × rate` plus one piece. Ends, its timer cleared, as soon
 * as `signal` aborts.
 */
async function* paced(chunks: Iterable<Buffer>, bytesPerSecond: number, signal: AbortSignal, monotonicMs: () => number): AsyncGenerator<Buffer> {
  const pieceBytes = Math.min(SNAPSHOT_CHUNK_BYTES, Math.floor(bytesPerSecond / PACING_STEPS_PER_SECOND));
  const started = monotonicMs();
  let sent = 0;
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length; offset += pieceBytes) {
      if (signal.aborted) return;
      const piece = chunk.subarray(offset, offset + pieceBytes);
      yield piece;
      sent += piece.length;
      const aheadMs = (sent / bytesPerSecond) * 1000 - (monotonicMs() - started);
      if (aheadMs > 0 && !(await pause(aheadMs, signal))) return;
    }
  }
}

/**
 * The body's chunks as the `snapshotBytesPerSecondPerConnection` option says: unchanged without
 * a cap, else {@link paced} for this response alone (one response at a time per connection, so
 * the cap is per connection), stopped when the response closes (the client went away).
 */
function bodyChunks(state: SimulatorState, exchange: Exchange, chunks: Iterable<Buffer>): Iterable<Buffer> | AsyncIterable<Buffer> {
  const rate = state.options.snapshotBytesPerSecondPerConnection;
  if (rate === undefined) return chunks;
  const closed = new AbortController();
  exchange.res.once('close', () => closed.abort());
  return paced(chunks, rate, closed.signal, () => state.clock.monotonicMs());
}

/**
 * Serves `GET`/`HEAD /snapshot-files/<clusterName>/<snapshotId>.tar.gz?X-Amz-Signature=<token>`
 * without any Atlas auth (the token is the credential, as in a pre-signed URL): single
 * ranges, conditional requests, 403 once the URL expired per the Atlas clock, and a body
 * streamed chunk by chunk with backpressure (paced when `snapshotBytesPerSecondPerConnection` caps it).
 */
export async function serveSnapshotFile(state: SimulatorState, exchange: Exchange): Promise<void> {
  const { method } = exchange;
  if (method !== 'GET' && method !== 'HEAD') {
    exchange.send(405, { Allow: 'GET, HEAD' }, '');
    return;
  }
  // The signature finds the job; the path must be that job's file.
  const token = exchange.query.get(SIGNATURE_PARAMETER);
  const job = token === null ? undefined : state.jobs.byDownloadToken(token);
  const progress = job === undefined ? undefined : state.jobs.progress(job);
  if (job === undefined || exchange.path !== snapshotFilePath(job) || progress?.expiresAt === undefined) {
    sendStorageError(exchange, 404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }
  if (state.clock.now().getTime() >= progress.expiresAt.getTime()) {
    sendExpiredUrl(exchange);
    return;
  }
  const { content } = state;
  const size = content.size();
  const etag = content.etag(job.snapshotId);
  const snapshot = state.project.snapshots.get(job.snapshotId);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/gzip',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Content-Disposition': `attachment; filename="${job.clusterName}-${job.snapshotId}.tar.gz"`,
    ...(snapshot !== undefined ? { 'Last-Modified': snapshot.finishTime.toUTCString() } : {}),
  };
  const ifNoneMatch = exchange.req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim() === etag))) {
    exchange.writeHead(304, { ETag: etag, 'Accept-Ranges': 'bytes' });
    exchange.res.end();
    return;
  }
  // If-Range with another validator means "my partial copy is outdated": send it all.
  const ifRange = firstValue(exchange.req.headers['if-range']);
  const range = ifRange === undefined || ifRange.trim() === etag ? parseRange(exchange.req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    exchange.send(416, { 'Content-Range': `bytes */${size}`, ETag: etag, 'Accept-Ranges': 'bytes' }, '');
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const status = range === undefined ? 200 : 206;
  exchange.writeHead(status, {
    ...headers,
    'Content-Length': end - start + 1,
    ...(range !== undefined ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (method === 'HEAD') {
    exchange.res.end();
    return;
  }
  const chunks = bodyChunks(state, exchange, content.chunks(job.snapshotId, start, end + 1));
  if (isBodyFault(exchange.responseFault)) {
    await writeBodyWithFault(exchange, chunks, end - start + 1, exchange.responseFault);
    return;
  }
  if (state.snapshotCuts.remaining > 0) {
    // `cutSnapshotTransfers`: the first bytes, then the connection closes, as a truncated-body fault does.
    state.snapshotCuts.remaining -= 1;
    await writeBodyWithFault(exchange, chunks, end - start + 1, { kind: 'truncated-body', afterBytes: state.snapshotCuts.afterBytes });
    return;
  }
  try {
    await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: SNAPSHOT_CHUNK_BYTES }), exchange.res);
  } catch {
    // The client went away mid-download (or stop() closed the socket): nothing left to answer.
  }
}
