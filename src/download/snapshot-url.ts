import { ValidationError } from '../errors/validation-error.js';
import { isLoopbackHost } from '../validation/loopback-host.js';
import { describeValue } from '../validation/describe-value.js';

const ALLOWED_URL = 'an https URL without user name or password (http only for a loopback host such as 127.0.0.1)';
const SHOWN_PATH = 120;

/**
 * The URL as it may appear in a message: origin and path, never the query string (the
 * signature of a pre-signed URL) nor the fragment. Long paths are cut.
 */
export function describeSnapshotUrl(url: URL): string {
  const path = url.pathname.length > SHOWN_PATH ? `${url.pathname.slice(0, SHOWN_PATH)}…` : url.pathname;
  return `${url.origin}${path}`;
}

// A rejected value is described without its query either; a scheme without a host
// (javascript:, data:) could carry anything after the colon, so only its scheme is shown.
function describeRejected(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value);
  if (!URL.canParse(value)) return `a string of ${value.length} characters that is not an absolute URL`;
  const url = new URL(value);
  if (url.host === '') return `a ${url.protocol} URL`;
  const path = url.pathname.length > SHOWN_PATH ? `${url.pathname.slice(0, SHOWN_PATH)}…` : url.pathname;
  return `${JSON.stringify(`${url.protocol}//${url.host}${path}`)}${url.search ? ' (query string hidden)' : ''}`;
}

/**
 * Parses a `snapshotUrl`: an https URL, or http when the host is loopback (a local test
 * host). Credentials in the URL are refused, since they would go to the storage host.
 *
 * @param field How the caller names the value in the error. Default `'snapshotUrl'`.
 * @throws {ValidationError} for anything else (file:, ftp:, javascript:, data:, plain http
 * to another host, an unparsable string); the error shows origin and path only.
 */
export function parseSnapshotUrl(value: unknown, field = 'snapshotUrl'): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) throw new ValidationError(field, ALLOWED_URL, describeRejected(value));
  const url = new URL(value);
  const schemeAllowed = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!schemeAllowed || url.username !== '' || url.password !== '') {
    throw new ValidationError(field, ALLOWED_URL, describeRejected(value));
  }
  return url;
}
