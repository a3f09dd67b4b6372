import type { IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ATLAS_OPERATIONS, atlasPath, hasTwin, matchAtlasPath, mediaTypeOf, twinOf, type ApiVersion, type TenantOperationId } from '../../src/atlas/operations.js';
import { AtlasResponseError } from '../../src/errors/atlas-errors.js';
import { responseHeader } from '../../src/http/headers.js';
import { envelopeOf } from '../../src/model/envelope.js';
import { tenantAnswerOf, type LegacyContext } from '../../src/model/legacy-shapes.js';

/**
 * What the caller of a tenant operation gets back: a Flex answer turned into the tenant
 * operation's own (legacy body, media type, links back at tenant paths), and the headers
 * that mark an answer of a deprecated operation.
 */

/** A whole HTTP answer held in memory: what the adapter reads, converts and hands on. */
export interface Answer {
  readonly status: number;
  readonly statusMessage?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * The text of an answer's body, undoing a `Content-Encoding` Atlas may have applied
 * because the caller's `Accept-Encoding` allowed it. Undefined when the encoding is
 * unknown or the bytes do not decode: the body then cannot be read, only forwarded.
 */
export function answerText(answer: Answer): string | undefined {
  const encoding = (responseHeader(answer.headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
  try {
    switch (encoding) {
      case 'identity':
      case '':
        return answer.body.toString('utf8');
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(answer.body).toString('utf8');
      case 'deflate':
        return inflateSync(answer.body).toString('utf8');
      case 'br':
        return brotliDecompressSync(answer.body).toString('utf8');
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The parsed JSON body of an answer, or undefined when there is none or it is not JSON. */
function answerJson(answer: Answer): unknown {
  const text = answerText(answer);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `errorCode` of an Atlas `ApiError` answer, or undefined when the body is not one. */
export function apiErrorCodeOf(answer: Answer): string | undefined {
  const body = answerJson(answer);
  if (typeof body !== 'object' || body === null) return undefined;
  const { errorCode } = body as { errorCode?: unknown };
  return typeof errorCode === 'string' ? errorCode : undefined;
}

/** Headers that describe the bytes on the wire: they no longer hold once the body is re-encoded. */
const BODY_HEADERS = ['content-length', 'content-encoding', 'transfer-encoding', 'content-md5', 'etag'];

/** What the conversion needs besides the answer. */
export interface LegacyAnswerInput {
  /** The tenant operation the caller asked for. */
  readonly operationId: TenantOperationId;
  readonly context: LegacyContext;
  /** The Atlas origin, to point links back at the tenant paths. */
  readonly origin: string;
  /** The API version the caller called: its media type and the paths links point at. */
  readonly apiVersion: ApiVersion;
  /** Wrap the body as `envelope=true` asks (see `envelopeOf`). */
  readonly envelope: boolean;
  /** Method and Flex path, for the error of an unreadable success body. */
  readonly request: { readonly method: string; readonly path: string };
}

/**
 * A Flex answer as the tenant operation would have given it. A success body becomes the
 * legacy shape, sent as the operation's media type in the caller's API version (the v2
 * `2023-01-01` one, or v1.0's `application/json`) with its new `content-length`, its links
 * pointing back at tenant paths of that version, wrapped when the caller asked for
 * `envelope=true`; Atlas's other headers (rate limits, dates) stay. An error answer
 * (`ApiError`, the same on both families) passes through untouched, status included.
 *
 * @throws {AtlasResponseError} when a success body is not JSON: there is nothing to convert.
 */
export function toLegacyAnswer(answer: Answer, input: LegacyAnswerInput): Answer {
  if (answer.status < 200 || answer.status >= 300) return answer;
  const body = answerJson(answer);
  if (body === undefined) {
    const problem = answerText(answer) === undefined ? 'the body could not be decoded' : 'the body is not JSON';
    throw new AtlasResponseError(problem, answer.status, input.request);
  }
  const legacy = withLegacyLinks(tenantAnswerOf(input.operationId, body, input.context), input.origin, input.apiVersion);
  const bytes = Buffer.from(JSON.stringify(input.envelope ? envelopeOf(answer.status, legacy) : legacy), 'utf8');
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) if (!BODY_HEADERS.includes(name.toLowerCase())) headers[name] = value;
  headers['content-type'] = mediaTypeOf(input.operationId, input.apiVersion);
  headers['content-length'] = String(bytes.length);
  return { status: answer.status, statusMessage: answer.statusMessage, headers, body: bytes };
}

/**
 * The tenant twin of a Flex backup URL on `origin` (query kept), in `apiVersion` (default
 * v2), or the URL unchanged. Atlas's tenant answers link to tenant paths (a page's `next`,
 * an item's `self`); a caller that follows one then reaches the shim again, instead of a
 * Flex path it would call with the tenant media type and get 406 for.
 */
export function legacyHref(href: string, origin: string, apiVersion: ApiVersion = 'v2'): string {
  if (!URL.canParse(href)) return href;
  const url = new URL(href);
  const match = url.origin === origin ? matchAtlasPath(url.pathname) : undefined;
  const flex = match?.operationIds.find((id) => ATLAS_OPERATIONS[id].family === 'flex' && hasTwin(id));
  if (match === undefined || flex === undefined) return href;
  try {
    const [groupId, clusterName, itemId] = [match.params.groupId, match.params.clusterName, match.params.itemId].map((value) => value && decodeURIComponent(value));
    return `${origin}${atlasPath(twinOf(flex), { groupId: groupId ?? '', clusterName: clusterName ?? '', itemId }, apiVersion)}${url.search}`;
  } catch {
    // A link Atlas encoded badly stays as Atlas wrote it.
    return href;
  }
}

/** A copy of `value` whose every `links[].href` (at any depth) points at the tenant twin in `apiVersion`. */
function withLegacyLinks<T>(value: T, origin: string, apiVersion: ApiVersion): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withLegacyLinks(item, origin, apiVersion)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = key === 'links' && Array.isArray(field) ? field.map((link: unknown) => legacyLink(link, origin, apiVersion)) : withLegacyLinks(field, origin, apiVersion);
  }
  return out as T;
}

function legacyLink(link: unknown, origin: string, apiVersion: ApiVersion): unknown {
  if (typeof link !== 'object' || link === null) return link;
  const { href } = link as { href?: unknown };
  return typeof href === 'string' ? { ...link, href: legacyHref(href, origin, apiVersion) } : link;
}

/** The three header values that mark an answer of a deprecated tenant operation. */
export interface DeprecationNotice {
  /** RFC 9745: a structured-field date, `@` and Unix seconds, e.g. `@1737504000`. */
  readonly deprecation: string;
  /** RFC 8594: an HTTP-date (IMF-fixdate), e.g. `Thu, 22 Jan 2026 00:00:00 GMT`. */
  readonly sunset: string;
  /** RFC 8288 with the RFC 5829 relation: `<https://…/flexClusters/…>; rel="successor-version"`. */
  readonly link: string;
}

/**
 * When the tenant operations were deprecated, for the `Deprecation` header: twelve months
 * before their sunset. The contract marks them `deprecated: true` without a date, and
 * Atlas removes a deprecated resource at the earliest twelve months after deprecating it,
 * so this is the latest instant the deprecation can have happened (2025-01-22 for the
 * default 2026-01-22 sunset). RFC 9745 requires it not to be after the sunset, which holds
 * for any configured sunset.
 */
export function tenantDeprecationDate(sunsetDate: Date): Date {
  const date = new Date(sunsetDate.getTime());
  date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date;
}

/**
 * The header values for one tenant operation: its deprecation and sunset instants, and the
 * Flex operation that replaces it (`successorUrl`, absolute). Pure.
 */
export function deprecationNotice(sunsetDate: Date, successorUrl: string): DeprecationNotice {
  return {
    // Structured-field dates are integer seconds; a sunset with milliseconds is rounded down, never past the sunset.
    deprecation: `@${Math.floor(tenantDeprecationDate(sunsetDate).getTime() / 1000)}`,
    // toUTCString() is the IMF-fixdate form of RFC 9110 §5.6.7 (e.g. "Thu, 22 Jan 2026 00:00:00 GMT").
    sunset: sunsetDate.toUTCString(),
    link: `<${successorUrl}>; rel="successor-version"`,
  };
}

/**
 * A copy of response `headers` carrying the notice. An existing `Deprecation` or `Sunset`
 * (Atlas's own, should it send them) is kept: the server knows best. An existing `Link`
 * keeps its values and gains ours.
 */
export function withDeprecationHeaders(headers: IncomingHttpHeaders, notice: DeprecationNotice): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  out.deprecation ??= notice.deprecation;
  out.sunset ??= notice.sunset;
  const link = out.link as string | string[] | undefined;
  out.link = link === undefined ? notice.link : Array.isArray(link) ? [...link, notice.link] : `${link}, ${notice.link}`;
  return out;
}
