/**
 * Atlas's `envelope=true` query parameter, for clients that cannot read an answer's status or
 * headers: Atlas then puts the HTTP status in the body. Pure, so the simulator that answers
 * with it and an adapter that rewrites answers for such clients wrap bodies the same way.
 */

/** A single resource as `envelope=true` answers it: the status, and the body under `content`. */
export interface EnvelopedResource {
  readonly status: number;
  readonly content: unknown;
}

/** A list as `envelope=true` answers it: its own fields (`results`, `links`, `totalCount`), and `status` beside them. */
export interface EnvelopedList {
  readonly status: number;
  readonly results: readonly unknown[];
  readonly [field: string]: unknown;
}

/** A successful answer wrapped for `envelope=true`. */
export type EnvelopedAnswer = EnvelopedResource | EnvelopedList;

/**
 * Whether a request asked for the envelope: its query has `envelope=true` (any letter case, as
 * Atlas reads booleans). `false`, any other value, or no parameter: the answer is unwrapped.
 */
export function envelopeRequested(query: URLSearchParams): boolean {
  return query.get('envelope')?.toLowerCase() === 'true';
}

/**
 * Wraps a successful (2xx) answer as Atlas does for `envelope=true`: a list (an object whose
 * `results` is an array) already is an envelope, so it keeps its shape and gains `status`; any
 * other body becomes `{ status, content }`. Error answers (`ApiError`) are never wrapped: the
 * caller passes only successful ones. The HTTP status of the answer does not change.
 */
export function envelopeOf(status: number, body: unknown): EnvelopedAnswer {
  if (isList(body)) return { ...body, status };
  return { status, content: body };
}

function isList(body: unknown): body is { readonly results: readonly unknown[] } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray((body as { results?: unknown }).results);
}
