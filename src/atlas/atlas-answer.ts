import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { AtlasApiError, AtlasConnectionError, AtlasResponseError, TimeoutError, type AtlasRequestInfo } from '../errors/atlas-errors.js';
import { normalizeRestoreJob } from '../model/normalize.js';
import { firstValue } from '../http/headers.js';
import type { CollectedResponse } from '../http/collect-response.js';
import type { Route } from './operations.js';

/**
 * What one attempt of an Atlas call came to, as pure functions the client's loop reads:
 * an answer's body or the typed error it stands for, how a failure is classified (worth
 * repeating? may it have created a job?), the error a call ends with, and which listed
 * restore job an ambiguous download POST created. No I/O here.
 */

/** One failed attempt. */
export type AttemptFailure =
  /** An HTTP error status. */
  | { readonly kind: 'status'; readonly status: number; readonly headers: IncomingHttpHeaders }
  /** No connection was made (refused, unreachable, connect timeout): nothing reached the server. */
  | { readonly kind: 'connect'; readonly code: string }
  /** The connection failed once the request may have been sent: reset, closed early, headers or body timeout. */
  | { readonly kind: 'connection'; readonly code: string }
  /** A success status with a JSON media type whose body is not JSON: cut or corrupted on the way. */
  | { readonly kind: 'unreadable-body'; readonly status: number }
  /** A success status of another media type: something other than the Atlas API answered. */
  | { readonly kind: 'foreign-body'; readonly status: number; readonly contentType: string }
  /** A 3xx: the Atlas API never redirects, so something else answered; never followed. */
  | { readonly kind: 'redirect'; readonly status: number };

/**
 * Statuses retried: 429 (the contract declares it on every operation), 500 (the contract's
 * `internalServerError`: a transient fault as often as not), 502-504 (gateways and overload).
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** undici and Node codes of a connection that was never made. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici and Node codes of a connection that broke after the request may have been sent. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The transport failure an error from undici stands for, or undefined for any other error
 * (an abort, a closed dispatcher, an authentication failure, a bug): those are never retried.
 */
export function transportFailure(error: unknown): AttemptFailure | undefined {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  if (code === undefined) return undefined;
  if (CONNECT_CODES.has(code)) return { kind: 'connect', code };
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', code };
  return undefined;
}

/**
 * Whether trying the same request again may succeed: 429, 500, 502, 503, 504, a connection
 * that failed or broke, a JSON body that arrived unreadable, and a success in another media
 * type (a proxy's or a maintenance page standing in for Atlas's answer). Never another 4xx
 * (the request itself is wrong, or the credentials are), nor a redirect (the Atlas API never
 * redirects: the configured origin is not Atlas, and asking again changes nothing).
 *
 * Said of the failure alone: a POST is retried only as {@link serverEffect} allows (a
 * success did create its job, whatever its body; an ambiguous failure is looked up first).
 */
export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      return RETRYABLE_STATUSES.has(failure.status);
    case 'connect':
    case 'connection':
    case 'unreadable-body':
    case 'foreign-body':
      return true;
    case 'redirect':
      return false;
  }
}

/**
 * What the failed attempt may have done on the server, for requests that create something:
 * `'none'` (a 4xx refusal, including 429, a redirect other than 303, or no connection at all),
 * `'unknown'` (a 5xx, a 303, or a connection that broke after sending) or `'done'` (a
 * success status whose body could not be used).
 */
export function serverEffect(failure: AttemptFailure): 'none' | 'unknown' | 'done' {
  switch (failure.kind) {
    case 'status':
      return failure.status < 500 ? 'none' : 'unknown';
    case 'connect':
      return 'none';
    case 'connection':
      return 'unknown';
    case 'unreadable-body':
    case 'foreign-body':
      return 'done';
    case 'redirect':
      // A redirect asks the client to go elsewhere instead, so nothing was done here; but a
      // 303 ("See Other") is also how a server answers a POST it has processed.
      return failure.status === 303 ? 'unknown' : 'none';
  }
}

/** A short name of the failure for notices and messages: `'HTTP 503'`, `'ECONNRESET'`, … */
export function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'status':
      return `HTTP ${failure.status}`;
    case 'connect':
    case 'connection':
      return failure.code;
    case 'unreadable-body':
      return `HTTP ${failure.status} with a body that is not valid JSON`;
    case 'foreign-body':
      return `HTTP ${failure.status} with content-type ${failure.contentType}`;
    case 'redirect':
      return `HTTP ${failure.status} redirect`;
  }
}

/** A successful answer: status and parsed JSON body (for an adopted job, the job as its list showed it). */
export interface AtlasAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** How one attempt ended: an answer, or a failure with the typed error it would be reported as. */
export type AttemptOutcome =
  | { readonly ok: true; readonly answer: AtlasAnswer }
  | { readonly ok: false; readonly failure: AttemptFailure; readonly error: unknown };

const JSON_MEDIA_TYPE = /^application\/(?:json|vnd\.atlas\.[0-9-]+\+json)\s*(?:;|$)/i;

/**
 * Reads a whole answer: a JSON body of a success status, or the failure it is (an error
 * status with its `ApiError`, a redirect, another media type, a body that is not JSON).
 */
export function readAnswer(answer: CollectedResponse, origin: string, request: AtlasRequestInfo): AttemptOutcome {
  const { status } = answer;
  const text = answer.body.toString('utf8');
  const contentType = firstValue(answer.headers['content-type']);
  if (status >= 400) {
    return { ok: false, failure: { kind: 'status', status, headers: answer.headers }, error: toAtlasApiError(status, contentType, text, request) };
  }
  if (status >= 300) {
    return { ok: false, failure: { kind: 'redirect', status }, error: redirectError(status, firstValue(answer.headers.location), origin, request) };
  }
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
    const error = new AtlasResponseError(`expected a JSON body, got content-type ${contentType}`, status, request);
    return { ok: false, failure: { kind: 'foreign-body', status, contentType }, error };
  }
  try {
    return { ok: true, answer: { status, body: text === '' ? undefined : JSON.parse(text) } };
  } catch (error) {
    return { ok: false, failure: { kind: 'unreadable-body', status }, error: new AtlasResponseError('the body is not valid JSON', status, request, { cause: error }) };
  }
}

// The contract's `ApiError`: `error` and `errorCode` required, the rest optional.
const apiErrorSchema = z.looseObject({
  error: z.number().int(),
  errorCode: z.string(),
  detail: z.string().optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  parameters: z.array(z.unknown()).optional().catch(undefined),
});

/**
 * Builds the `AtlasApiError` for an error answer. Pure: reads the `ApiError` envelope when
 * the body is one, and otherwise says what the body was instead.
 */
export function toAtlasApiError(
  status: number,
  contentType: string | undefined,
  bodyText: string,
  request: AtlasRequestInfo,
): AtlasApiError {
  if (bodyText.trim() === '') return new AtlasApiError({ status, request, bodyProblem: 'empty body' });
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return new AtlasApiError({ status, request, bodyProblem: `not JSON${contentType ? `, content-type ${contentType}` : ''}` });
  }
  const parsed = apiErrorSchema.safeParse(json);
  if (!parsed.success) return new AtlasApiError({ status, request, bodyProblem: 'JSON without error and errorCode' });
  const { errorCode, detail, reason, parameters } = parsed.data;
  return new AtlasApiError({ status, request, errorCode, detail, reason, parameters });
}

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

/** The per-request timeouts, to say which one ran out. */
export interface RequestTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
}

/**
 * The error an Atlas call rejects with after its last failed attempt. Pure.
 *
 * - An answer (error status, unusable body) keeps the typed error the attempt built:
 *   `AtlasApiError` or `AtlasResponseError`.
 * - A connect, headers or body timeout becomes a `TimeoutError` naming the wait and its length.
 * - Any other network failure becomes an `AtlasConnectionError` with the undici error as `cause`.
 */
export function finalAtlasError(
  failure: AttemptFailure,
  error: unknown,
  request: AtlasRequestInfo,
  attempts: number,
  timeouts: RequestTimeouts,
): unknown {
  if (failure.kind !== 'connect' && failure.kind !== 'connection') return error;
  const each = attempts === 1 ? '' : ` (the last of ${attempts} attempts)`;
  const call = `Atlas ${request.method} ${request.path}`;
  switch (failure.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`${call}: connecting${each}`, timeouts.connectMs);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(`${call}: waiting for the response headers${each}`, timeouts.headersMs);
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(`${call}: waiting for more of the response body${each}`, timeouts.bodyMs);
    default:
      return new AtlasConnectionError(request, failure.code, attempts, { cause: error });
  }
}

/**
 * Whether the error an Atlas call ended with (after its retries) stands for a failure that
 * may pass: an `AtlasApiError` with a retried status (429, 5xx), an `AtlasResponseError`
 * (an answer that was not Atlas's JSON), an `AtlasConnectionError`, or a call's
 * `TimeoutError`. Not a refusal (any other 4xx: the job is gone, the credentials are
 * refused), an abort, a validation or authentication error. Pure.
 */
export function isTransientCallError(error: unknown): boolean {
  if (error instanceof AtlasApiError) return error.status === 429 || error.status >= 500;
  return error instanceof AtlasResponseError || error instanceof AtlasConnectionError || error instanceof TimeoutError;
}

/** Default allowance for clock skew between this process and Atlas when judging whether a job is recent: 1 minute. */
export const DEFAULT_JOB_LOOKUP_SKEW_MS = 60_000;

/** What a job must match to be the one an ambiguous download POST created. */
export interface AdoptableJobCriteria {
  readonly route: Route;
  readonly snapshotId: string;
  /** When the POST's first attempt started, by the `now` clock. */
  readonly since: Date;
  /** Jobs scheduled up to this long before `since` still count. */
  readonly skewMs: number;
  /** Ids of jobs that are not the one looked for (a renewal must not adopt the job whose URL expired). */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Picks, among listed restore jobs, the one a download POST started at `since` may have
 * created: same snapshot, a download (or no `deliveryType` said), not FAILED, not excluded,
 * scheduled at or after `since - skewMs`; the most recently scheduled when several match. Returns the job's raw
 * body and id, or undefined. Pure; an entry that is not a JSON object is skipped.
 *
 * Several matches mean another client asked for the same snapshot at the same time; any
 * of them serves the same bytes, and adopting one beats adding another job.
 */
export function chooseAdoptableJob(results: readonly unknown[], criteria: AdoptableJobCriteria): { readonly body: unknown; readonly id: string } | undefined {
  const earliest = criteria.since.getTime() - criteria.skewMs;
  let best: { body: unknown; at: number; id: string } | undefined;
  for (const body of results) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
    const job = normalizeRestoreJob(criteria.route, body);
    if (job.snapshotId !== criteria.snapshotId || job.id === undefined || criteria.exclude?.has(job.id)) continue;
    // A FAILED job cannot be what a POST just created and still serves nothing: asking again is right.
    if (job.status === 'FAILED') continue;
    // A RESTORE job of the same snapshot writes into a cluster: it is not ours to adopt.
    if (job.deliveryType !== undefined && job.deliveryType.toUpperCase() !== 'DOWNLOAD') continue;
    // Without a scheduled date nothing says the job is recent: an old job would serve an expired URL.
    const at = job.restoreScheduledDate?.getTime();
    if (at === undefined || at < earliest) continue;
    // Ties broken by id: Atlas ids begin with their creation second, so the larger is the newer.
    if (best === undefined || at > best.at || (at === best.at && job.id > best.id)) best = { body, at, id: job.id };
  }
  return best === undefined ? undefined : { body: best.body, id: best.id };
}
