import { redactSecrets } from './redact-secrets.js';
import { ShimError } from './shim-error.js';

/**
 * A value given to the library is not one it accepts. Thrown before any request is sent.
 *
 * `field` names the input (`'groupId'`, `'options.route'`, …), `allowed` says what
 * would be accepted, and `received` describes what was given (its type and a short,
 * truncated rendering, never a credential).
 */
export class ValidationError extends ShimError {
  /** The input that was wrong, as the caller named it. */
  readonly field: string;
  /** What the input accepts, in words. */
  readonly allowed: string;
  /** A short description of the value received. */
  readonly received: string;

  constructor(field: string, allowed: string, received: string) {
    super(`Invalid ${field}: expected ${allowed}, received ${received}.`, 'VALIDATION');
    // What was received is the caller's value (or Atlas's): masked like the message it is part of.
    this.field = field;
    this.allowed = allowed;
    this.received = redactSecrets(received);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field, allowed: this.allowed, received: this.received };
  }
}
