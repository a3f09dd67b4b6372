import type { IncomingHttpHeaders } from 'node:http';

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
