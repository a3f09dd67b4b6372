/**
 * How one attempt of an Atlas call failed, and what that means for a retry. Pure: the
 * attempt's I/O produces a value of this type, and these functions only read it.
 */

/** Response headers as undici gives them: lower-case names. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** One failed attempt. */
export type AttemptFailure =
  /** An HTTP error status. */
  | { readonly kind: 'status'; readonly status: number; readonly headers: ResponseHeaders }
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

/** Statuses retried (the contract declares 429 on every operation; 502-504 are gateways and overload). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

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
 * Whether trying the same request again may succeed: 429, 502, 503, 504, a connection
 * that failed or broke, and a JSON body that arrived unreadable. Never another 4xx (the
 * request itself is wrong, or the credentials are), nor 500 (Atlas could not serve this
 * request, and repeating it is no remedy), nor an answer from something other than Atlas
 * (another media type, a redirect).
 */
export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      return RETRYABLE_STATUSES.has(failure.status);
    case 'connect':
    case 'connection':
    case 'unreadable-body':
      return true;
    case 'foreign-body':
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
