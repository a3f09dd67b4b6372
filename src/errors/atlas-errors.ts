import { redactDeep, redactSecrets } from './redact-secrets.js';
import { ShimError, toError } from './shim-error.js';

/** Errors of talking to the Atlas Admin API: its answers, its connection, its authentication, its deadlines. */

/** The request that caused an Atlas error: method and path only, never headers or query secrets. */
export interface AtlasRequestInfo {
  /** HTTP method, upper case: `GET` or `POST`. */
  readonly method: string;
  /** Path on the Atlas origin, without the query string. */
  readonly path: string;
}

/** Fields of the Atlas `ApiError` envelope, as far as the body carried them. */
export interface AtlasApiErrorInit {
  /** HTTP status of the answer (not the envelope's `error` field). */
  readonly status: number;
  /** The request that caused it. */
  readonly request: AtlasRequestInfo;
  /** The envelope's application error code, such as `RESOURCE_NOT_FOUND`; absent when the body was not an envelope. */
  readonly errorCode?: string | undefined;
  /** The envelope's description of this error, as Atlas sent it; the constructor masks secrets in it. */
  readonly detail?: string | undefined;
  /** The envelope's short error message, such as `Not Found`, as Atlas sent it; masked like `detail`. */
  readonly reason?: string | undefined;
  /** The envelope's parameters, as Atlas sent them; masked like `detail`. */
  readonly parameters?: readonly unknown[] | undefined;
  /** Set when the body was not an `ApiError` envelope: what it was instead. */
  readonly bodyProblem?: string | undefined;
}

/**
 * Atlas answered with an HTTP error status.
 *
 * When the body is the contract's `ApiError` envelope, `errorCode`, `detail`, `reason`
 * and `parameters` carry its fields; otherwise they are undefined and the message says
 * what the body was (empty, not JSON, another media type). `request` names the method
 * and path that caused it.
 */
export class AtlasApiError extends ShimError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** Atlas application error code, such as `RESOURCE_NOT_FOUND`. */
  readonly errorCode: string | undefined;
  /** Atlas's description of the specific conditions of this error. */
  readonly detail: string | undefined;
  /** Atlas's short error message, such as `Not Found`. */
  readonly reason: string | undefined;
  /** Parameters Atlas gave with the error. */
  readonly parameters: readonly unknown[] | undefined;
  /** The request that caused it. */
  readonly request: AtlasRequestInfo;

  constructor(init: AtlasApiErrorInit) {
    const what = init.errorCode
      ? `${init.errorCode}${init.detail ? `: ${init.detail}` : init.reason ? `: ${init.reason}` : ''}`
      : `the body was not an Atlas ApiError (${init.bodyProblem ?? 'unknown shape'})`;
    super(`Atlas answered ${init.request.method} ${init.request.path} with HTTP ${init.status}: ${what}`, 'ATLAS_API');
    this.status = init.status;
    this.errorCode = init.errorCode;
    // Atlas's own words go into logs through toJSON(): masked like the message.
    this.detail = init.detail === undefined ? undefined : redactSecrets(init.detail);
    this.reason = init.reason === undefined ? undefined : redactSecrets(init.reason);
    this.parameters = init.parameters === undefined ? undefined : (redactDeep(init.parameters) as readonly unknown[]);
    this.request = init.request;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      errorCode: this.errorCode,
      detail: this.detail,
      reason: this.reason,
      parameters: this.parameters,
      request: this.request,
    };
  }
}

/**
 * Atlas answered, but not with something the library can use: a success status whose body
 * is not JSON, of another media type, or missing a field the library needs (such as a job
 * `id`); an answer larger than 16 MiB, which is never read whole;
 * or a redirect (3xx), which Atlas API calls never follow.
 */
export class AtlasResponseError extends ShimError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The request that caused it. */
  readonly request: AtlasRequestInfo;

  constructor(message: string, status: number, request: AtlasRequestInfo, options?: { cause?: unknown }) {
    super(`${request.method} ${request.path} (HTTP ${status}): ${message}`, 'ATLAS_RESPONSE', options);
    this.status = status;
    this.request = request;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, request: this.request };
  }
}

/**
 * The connection to Atlas failed on every attempt the retry policy allowed: refused,
 * unreachable, or reset or closed before the whole answer arrived. `causeCode` is the last
 * failure's code (`'ECONNRESET'`, `'UND_ERR_SOCKET'`, …) and `cause` the error itself;
 * `attempts` counts the requests sent. Check the network path to the Atlas origin (proxy,
 * firewall, DNS) or raise `retry.limit`.
 */
export class AtlasConnectionError extends ShimError {
  /** The request that could not be completed (method and path, never credentials). */
  readonly request: AtlasRequestInfo;
  /** The undici or Node error code of the last failure. */
  readonly causeCode: string;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(request: AtlasRequestInfo, causeCode: string, attempts: number, options?: { cause?: unknown }) {
    super(
      `The connection to Atlas failed for ${request.method} ${request.path} (${causeCode}) after ${attempts} attempt${attempts === 1 ? '' : 's'}.`,
      'ATLAS_CONNECTION',
      options,
    );
    this.request = request;
    this.causeCode = causeCode;
    this.attempts = attempts;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request, causeCode: this.causeCode, attempts: this.attempts };
  }
}

/**
 * Atlas could not authenticate the credentials: the digest challenge could not be met,
 * or the service-account token endpoint refused the client. Check the keys and their
 * access list. The message never contains a secret.
 */
export class AuthError extends ShimError {
  /** HTTP status of the refusal, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, 'AUTH', options);
    this.status = status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}

/**
 * A request that creates a restore job failed in a way that may have created it anyway (the
 * connection broke after the request was sent, or Atlas answered 5xx), and the look-up for
 * that job failed too. The shim then neither adopts a job nor requests another one, since
 * that could create a duplicate. `cause` is the look-up's error; `failure` says how the
 * request itself failed. List the cluster's restore jobs before requesting the snapshot again.
 */
export class UnconfirmedJobError extends ShimError {
  /** The request that may have created a job. */
  readonly request: AtlasRequestInfo;
  /** How it failed, e.g. `'ECONNRESET'` or `'HTTP 503'`. */
  readonly failure: string;

  constructor(request: AtlasRequestInfo, failure: string, options: { cause: unknown }) {
    const lookup = toError(options.cause).message;
    super(
      `${request.method} ${request.path} failed (${failure}) after it may have created a restore job, and looking for that job failed too ` +
        `(${lookup}); no second job was requested. List the cluster's restore jobs before requesting the snapshot again.`,
      'UNCONFIRMED_JOB',
      options,
    );
    this.request = request;
    this.failure = failure;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request, failure: this.failure };
  }
}

/**
 * A wait ran out of time: `waitForDownload` past its `timeoutMs`. Says how long it waited
 * and the last status it saw.
 */
export class TimeoutError extends ShimError {
  /** How long it waited, in milliseconds. */
  readonly waitedMs: number;
  /** The last job status seen, when there was one. */
  readonly lastStatus: string | undefined;

  constructor(what: string, waitedMs: number, lastStatus?: string) {
    super(`${what} timed out after ${waitedMs} ms${lastStatus ? `; the last status seen was ${lastStatus}` : ''}.`, 'TIMEOUT');
    this.waitedMs = waitedMs;
    // Atlas's word, shown in logs through toJSON(): masked like the message.
    this.lastStatus = lastStatus === undefined ? undefined : redactSecrets(lastStatus);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), waitedMs: this.waitedMs, lastStatus: this.lastStatus };
  }
}
