import { ShimError } from './shim-error.js';

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
