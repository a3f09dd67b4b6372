import { inspect, type InspectOptions } from 'node:util';
import { redactCause, redactSecrets } from './redact-secrets.js';

/**
 * Base class of every error this library throws. Catch `ShimError` to handle them all,
 * or one of its subclasses to handle one kind.
 *
 * Every subclass has a stable `code` (for logs and switch statements) and a `toJSON()`
 * that contains no secret: credentials never reach an error, and URLs are reduced to
 * their path before they do. As a net under that, the message and the cause are masked
 * here, the one place every error is built (`redactSecrets`, `redactCause`: URL queries,
 * Authorization values and credential parameters), and `util.inspect` shows the stack,
 * the `toJSON()` fields and the cause instead of every property (a `DownloadFailedError`'s
 * job carries its raw Atlas body).
 */
export class ShimError extends Error {
  /** Stable, machine-readable code of this kind of error, e.g. `'VALIDATION'`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: redactCause(options.cause) });
    this.name = new.target.name;
    this.code = code;
  }

  /** A plain, secret-free object for structured logs. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }

  /**
   * What `util.inspect` (and so `console.log`) shows: the stack, then the `toJSON()` fields
   * beyond name and message, then the cause with secrets masked. Own properties outside
   * `toJSON()` (a job's raw body, a request) are left out on purpose.
   */
  [inspect.custom](depth: number, options: InspectOptions): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const nested = { ...options, depth: options.depth === null || options.depth === undefined ? options.depth : options.depth - 1 };
    let text = this.stack ?? `${this.name}: ${this.message}`;
    if (Object.keys(fields).length > 0) text += ` ${inspect(fields, nested)}`;
    if (this.cause !== undefined) {
      const cause = depth < 0 ? '[cause]' : redactSecrets(inspect(this.cause, nested));
      text += `\n  [cause]: ${cause.split('\n').join('\n  ')}`;
    }
    return text;
  }
}

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

/** `error` itself when it is an `Error`, else an `Error` whose message is its text: for what a callback or a foreign library threw. */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
