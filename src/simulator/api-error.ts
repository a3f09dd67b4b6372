import { STATUS_CODES } from 'node:http';
import { SIMULATOR_ERROR_CODES, type SimulatorErrorCode } from './error-codes.js';

/** One entry of `badRequestDetail.fields` (the contract's `FieldViolation`: both members required). */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** The contract's `ApiError` envelope, as the simulator writes it. */
export interface ApiErrorBody {
  readonly error: number;
  readonly errorCode: string;
  readonly reason: string;
  readonly detail: string;
  readonly parameters: readonly unknown[];
  readonly badRequestDetail?: { readonly fields: readonly FieldViolation[] };
}

/**
 * An Atlas error answer, thrown by handlers and turned into an `ApiError` body by the router.
 * Throwing keeps each handler a straight line of checks, the way Atlas reports the first one
 * that fails.
 */
export class SimulatorApiError extends Error {
  /** HTTP status, also the body's `error`. */
  readonly status: number;
  readonly errorCode: SimulatorErrorCode;
  readonly detail: string;
  readonly parameters: readonly unknown[];
  readonly fields: readonly FieldViolation[] | undefined;
  /** Extra response headers (a 405's `Allow`, a 401's `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string | string[]>>;

  constructor(
    status: number,
    errorCode: SimulatorErrorCode,
    detail: string,
    extra: {
      parameters?: readonly unknown[];
      fields?: readonly FieldViolation[];
      headers?: Readonly<Record<string, string | string[]>>;
    } = {},
  ) {
    super(`${status} ${errorCode}: ${detail}`);
    this.name = 'SimulatorApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.detail = detail;
    this.parameters = extra.parameters ?? [];
    this.fields = extra.fields;
    this.headers = extra.headers ?? {};
  }

  /** The JSON body Atlas would send. */
  toBody(): ApiErrorBody {
    return {
      error: this.status,
      errorCode: this.errorCode,
      reason: STATUS_CODES[this.status] ?? 'Error',
      detail: this.detail,
      parameters: this.parameters,
      ...(this.fields !== undefined ? { badRequestDetail: { fields: this.fields } } : {}),
    };
  }
}

/** Atlas's 404 for a path it does not serve, with the reason when there is one to give. */
export function resourceNotFound(path: string, reason?: string): SimulatorApiError {
  return new SimulatorApiError(404, SIMULATOR_ERROR_CODES.resourceNotFound, `Cannot find resource ${path}${reason === undefined ? '' : `: ${reason}`}.`, {
    parameters: [path],
  });
}
