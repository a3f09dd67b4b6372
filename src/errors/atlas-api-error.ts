import { redactDeep, redactSecrets } from './redact-secrets.js';
import { ShimError } from './shim-error.js';

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
