/**
 * Base class of every error this library throws. Catch `ShimError` to handle them all,
 * or one of its subclasses to handle one kind.
 *
 * Every subclass has a stable `code` (for logs and switch statements) and a `toJSON()`
 * that contains no secret: credentials never reach an error, and URLs are reduced to
 * their path before they do.
 */
export class ShimError extends Error {
  /** Stable, machine-readable code of this kind of error, e.g. `'VALIDATION'`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** A plain, secret-free object for structured logs. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}
