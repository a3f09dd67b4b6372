import type { Dispatcher } from 'undici';

type ResponseHeaders = Dispatcher.ResponseData['headers'];

/** A parsed `Content-Range: bytes <start>-<end>/<total>`; `total` undefined for `*`. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  readonly total: number | undefined;
}

/** The first value of a response header, when present. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
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
 * The headers of a snapshot request. From `offset` > 0 on, a range request; `If-Range`
 * makes the host send the whole file instead when the content changed since `etag`.
 * `Accept-Encoding: identity` keeps byte offsets those of the stored file.
 */
export function snapshotRequestHeaders(offset: number, etag: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    if (isStrongEtag(etag)) headers['if-range'] = etag;
  }
  return headers;
}
