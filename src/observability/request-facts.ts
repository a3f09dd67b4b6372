/** Secret-free facts of a request for messages and logs: its path, and what failed. */
/**
 * The path of a request, whatever it was given as (a path, a path with a query, or an
 * absolute URL), without its query string or fragment: the query of a pre-signed
 * `snapshotUrl` is its signature, and no message may carry it. Pure.
 */
export function pathOnly(pathOrUrl: string): string {
  const end = pathOrUrl.search(/[?#]/);
  const withoutQuery = end === -1 ? pathOrUrl : pathOrUrl.slice(0, end);
  // An absolute URL keeps only its path: an origin may hold user info, and is not what the channel names.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(withoutQuery) && URL.canParse(withoutQuery) ? new URL(withoutQuery).pathname : withoutQuery;
}

/** What failed, as a short code: Atlas's `errorCode`, else the error's own `code` (Node, undici or this library). */
export function failureCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errorCode, code } = error as { errorCode?: unknown; code?: unknown };
  if (typeof errorCode === 'string') return errorCode;
  return typeof code === 'string' ? code : undefined;
}

/** The HTTP status an error carries (`AtlasApiError`, `AtlasResponseError`), undefined when none came. */
export function failureStatusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}
