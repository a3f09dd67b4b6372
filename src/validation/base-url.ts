import { isLoopbackHost } from './loopback-host.js';

/** The longest `baseUrl` accepted. Far beyond any real origin, and short enough to parse and report cheaply. */
export const MAX_BASE_URL_LENGTH = 2048;
/** The longest host name DNS allows (RFC 1035: 253 characters written out). */
export const MAX_HOST_NAME_LENGTH = 253;
/** The longest label (the part between two dots) DNS allows. */
export const MAX_HOST_LABEL_LENGTH = 63;

/**
 * Whether `value` is an origin the shim may send Atlas credentials to: `https:` (plain
 * `http:` only to a loopback host), no path, query, fragment or user info, and a host
 * name DNS could hold. Pure.
 *
 * The length is checked before the URL is parsed: a megabyte of configuration is refused
 * at once, instead of being parsed, kept as the origin of every request, and failing only
 * as a DNS error on the first call.
 */
export function isAtlasOrigin(value: string): boolean {
  if (value.length > MAX_BASE_URL_LENGTH || !URL.canParse(value)) return false;
  const url = new URL(value);
  const originOnly = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  const { hostname } = url;
  const resolvable = hostname.length <= MAX_HOST_NAME_LENGTH && hostname.split('.').every((label) => label.length <= MAX_HOST_LABEL_LENGTH);
  return originOnly && resolvable && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(hostname)));
}
