import { AtlasResponseError } from '../errors/response-error.js';
import type { AtlasRequestInfo } from '../errors/atlas-api-error.js';

// Long enough for any real Location, short enough that a hostile one cannot bloat a message or a log.
const MAX_SHOWN = 200;

/**
 * Where a `Location` header points, for a message: resolved against `origin`, and without
 * user info, query or fragment (a pre-signed URL's signature, a token, lives there).
 * Undefined when there is no Location.
 */
export function redirectTarget(location: string | undefined, origin: string): string | undefined {
  if (location === undefined) return undefined;
  let shown: string;
  if (URL.canParse(location, origin)) {
    const url = new URL(location, origin);
    // `origin` leaves user info out; a scheme without an origin (data:, javascript:) keeps its name.
    shown = `${url.origin === 'null' ? url.protocol : url.origin}${url.pathname}`;
  } else {
    shown = location.split(/[?#]/, 1)[0] ?? '';
  }
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown;
}

/**
 * The error for a 3xx answer from the Atlas API. The Atlas Admin API never redirects, so
 * a redirect means something else answered (a proxy, a captive portal, a wrong baseUrl);
 * it is not followed, since Atlas credentials must go to the configured origin only, and
 * it is not an empty success, which would decide a route on nothing.
 */
export function redirectError(status: number, location: string | undefined, origin: string, request: AtlasRequestInfo): AtlasResponseError {
  const target = redirectTarget(location, origin);
  const where = target === undefined ? 'a redirect without a Location' : `a redirect to ${target}`;
  return new AtlasResponseError(`${where}, which is not followed: Atlas API calls are answered by the configured origin only`, status, request);
}
