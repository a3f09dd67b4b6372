import type { Dispatcher } from 'undici';
import { SnapshotTransferError } from '../errors/snapshot-transfer-error.js';
import { headerValue, parseContentLength, parseContentRange, snapshotRequestHeaders } from './range-headers.js';
import { describeSnapshotUrl } from './snapshot-url.js';

type Body = Dispatcher.ResponseData['body'];

/** How the snapshot host answered one request, as far as saving is concerned. */
export type SnapshotResponse =
  /** 200: the whole file from byte 0. `total` from Content-Length, when given. */
  | { readonly kind: 'whole'; readonly body: Body; readonly etag: string | undefined; readonly total: number | undefined }
  /** 206: the file from `start` on. `total` from Content-Range, when not `*`. */
  | { readonly kind: 'rest'; readonly body: Body; readonly etag: string | undefined; readonly start: number; readonly total: number | undefined }
  /** 416, or a 206 without a usable Content-Range: the partial file cannot be continued. */
  | { readonly kind: 'range-refused'; readonly status: number }
  /** 403 or 410: the pre-signed URL has expired (or its signature is no longer accepted). */
  | { readonly kind: 'expired'; readonly status: number };

/** What one snapshot request needs. */
export interface SnapshotRequest {
  readonly dispatcher: Dispatcher;
  readonly url: URL;
  /** Bytes already saved; above 0 the request asks for the rest only. */
  readonly offset: number;
  /** The ETag the saved bytes came with, when known. */
  readonly etag: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** Bytes saved so far, for an error's `bytesWritten`. */
  readonly bytesWritten: number;
}

/** Drops an answer that will not be used: drained a little so its connection can be reused, cut past that. */
export async function discardBody(body: Body): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/**
 * Sends one GET for the snapshot and sorts the answer. Redirects are not followed (the
 * request never leaves the pre-signed URL's origin). Network errors reject as undici
 * raised them; the caller decides whether they are worth resuming.
 *
 * @throws {SnapshotTransferError} phase `'transfer'` with the status for any other answer
 * (404, 5xx, a redirect, a 206 or 416 to a request that asked for no range).
 */
export async function requestSnapshot(request: SnapshotRequest): Promise<SnapshotResponse> {
  const { url, offset } = request;
  const response = await request.dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: snapshotRequestHeaders(offset, request.etag),
    signal: request.signal ?? null,
  });
  const { statusCode: status, headers, body } = response;
  const etag = headerValue(headers, 'etag');
  if (status === 200) return { kind: 'whole', body, etag, total: parseContentLength(headerValue(headers, 'content-length')) };
  if (offset > 0 && status === 206) {
    const range = parseContentRange(headerValue(headers, 'content-range'));
    if (range !== undefined) return { kind: 'rest', body, etag, start: range.start, total: range.total };
    await discardBody(body);
    return { kind: 'range-refused', status };
  }
  await discardBody(body);
  if (offset > 0 && status === 416) return { kind: 'range-refused', status };
  if (status === 403 || status === 410) return { kind: 'expired', status };
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  throw new SnapshotTransferError(
    `The snapshot host answered GET ${describeSnapshotUrl(url)}${offset > 0 ? ` (from byte ${offset})` : ''} with HTTP ${status}${redirect}.`,
    { phase: 'transfer', status, bytesWritten: request.bytesWritten },
  );
}
