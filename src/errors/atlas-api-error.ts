import { ShimError } from './shim-error.js';

/** The request that caused an Atlas error: method and path only, never headers or query secrets. */
export interface AtlasRequestInfo {
  readonly method: string;
  /** Path on the Atlas origin, without the query string. */
  readonly path: string;
}

/** Fields of the Atlas `ApiError` envelope, as far as the body carried them. */
export interface AtlasApiErrorInit {
  readonly status: number;
  readonly request: AtlasRequestInfo;
  readonly errorCode?: string | undefined;
  readonly detail?: string | undefined;
  readonly reason?: string | undefined;
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
    this.detail = init.detail;
    this.reason = init.reason;
    this.parameters = init.parameters;
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
