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
