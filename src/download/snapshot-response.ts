import type { Dispatcher } from 'undici';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { firstValue } from '../http/headers.js';
import { describeSnapshotUrl } from './snapshot-source.js';

/** What one snapshot request came to, and the headers of ranged requests and answers. */

/** A parsed `Content-Range: bytes <start>-<end>/<total>`; `total` undefined for `*`. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  readonly total: number | undefined;
}

/** `Content-Length` as a safe integer, or undefined when absent or malformed. */
export function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const length = Number(value.trim());
  return Number.isSafeInteger(length) ? length : undefined;
}

/** Parses a byte `Content-Range`; undefined when it is missing, malformed or inconsistent. */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const match = value === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (total !== undefined && (!Number.isSafeInteger(total) || end >= total)) return undefined;
  return { start, end, total };
}

/** True for a strong entity tag: only those may be sent in `If-Range` (RFC 9110 §13.1.5). */
export function isStrongEtag(etag: string | undefined): etag is string {
  return etag !== undefined && /^"[^"]*"$/.test(etag);
}

/**
 * What proves two answers carry the same content: the strong ETag, or else `Last-Modified`
 * (RFC 9110 §13.1.5 allows either in `If-Range`); undefined when the host gave neither.
 */
export function contentValidator(etag: string | undefined, lastModified: string | undefined): string | undefined {
  return isStrongEtag(etag) ? etag : lastModified;
}

/**
 * The headers of a snapshot request. A range request from `offset` > 0 on, or for
 * `[offset, end]` when `end` is given; `If-Range` makes the host send the whole file instead
 * when the content changed since `validator` (from {@link contentValidator}: never a weak
 * ETag). `Accept-Encoding: identity` keeps byte offsets those of the stored file.
 */
export function snapshotRequestHeaders(offset: number, validator: string | undefined, end?: number): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0 || end !== undefined) {
    headers.range = `bytes=${offset}-${end ?? ''}`;
    if (validator !== undefined) headers['if-range'] = validator;
  }
  return headers;
}

type Body = Dispatcher.ResponseData['body'];

/** How the snapshot host answered one request, as far as saving is concerned. */
export type SnapshotResponse =
  /** 200: the whole file from byte 0. `total` from Content-Length, when given. */
  | {
      readonly kind: 'whole';
      readonly body: Body;
      readonly etag: string | undefined;
      readonly lastModified: string | undefined;
      readonly total: number | undefined;
    }
  /** 206: bytes `start`…`end` (inclusive) of the file. `total` from Content-Range, when not `*`. */
  | {
      readonly kind: 'rest';
      readonly body: Body;
      readonly etag: string | undefined;
      readonly lastModified: string | undefined;
      readonly start: number;
      readonly end: number;
      readonly total: number | undefined;
    }
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
  /** The last byte wanted (inclusive): a request for `[offset, end]`. Default: to the end of the file. */
  readonly end?: number | undefined;
  /** The strong ETag or Last-Modified date the saved bytes came with, for `If-Range`; undefined when none. */
  readonly validator: string | undefined;
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
  const { url, offset, end } = request;
  const ranged = offset > 0 || end !== undefined;
  const response = await request.dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: snapshotRequestHeaders(offset, request.validator, end),
    signal: request.signal ?? null,
  });
  const { statusCode: status, headers, body } = response;
  const etag = firstValue(headers.etag);
  const lastModified = firstValue(headers['last-modified']);
  if (status === 200) return { kind: 'whole', body, etag, lastModified, total: parseContentLength(firstValue(headers['content-length'])) };
  if (ranged && status === 206) {
    const range = parseContentRange(firstValue(headers['content-range']));
    if (range !== undefined) return { kind: 'rest', body, etag, lastModified, ...range };
    await discardBody(body);
    return { kind: 'range-refused', status };
  }
  await discardBody(body);
  if (ranged && status === 416) return { kind: 'range-refused', status };
  if (status === 403 || status === 410) return { kind: 'expired', status };
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  throw new SnapshotTransferError(
    `The snapshot host answered GET ${describeSnapshotUrl(url)}${ranged ? ` (bytes ${offset}-${end ?? ''})` : ''} with HTTP ${status}${redirect}.`,
    { phase: 'transfer', status, bytesWritten: request.bytesWritten },
  );
}
