import { inspect } from 'node:util';
import { AtlasApiError, AuthError, TimeoutError } from '../errors/atlas-errors.js';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { redactSecrets } from '../errors/redact-secrets.js';
import { ShimError, ValidationError } from '../errors/shim-error.js';

/** How the CLI answers a failure: an exit code per kind of error, and the line or two it prints. */

/** Exit codes of the `atlas-snapshot` CLI. Each kind of failure has its own. */
export const EXIT_CODES = {
  /** Done. */
  ok: 0,
  /** Something unexpected (a bug): run again with --verbose and report it. */
  unexpected: 1,
  /** Wrong command, option or value. */
  usage: 2,
  /** Atlas refused the credentials (HTTP 401/403, or the token endpoint refused them). */
  auth: 3,
  /** Atlas answered with an error, failed the job, or the route is refused (sunset, dedicated cluster). */
  atlas: 4,
  /** A wait ran out of time. */
  timeout: 5,
  /** Reading the snapshot or writing the file failed. */
  io: 6,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** The exit code for an error. Pure. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ValidationError) return EXIT_CODES.usage;
  if (error instanceof AuthError) return EXIT_CODES.auth;
  if (error instanceof AtlasApiError) return error.status === 401 || error.status === 403 ? EXIT_CODES.auth : EXIT_CODES.atlas;
  if (error instanceof TimeoutError) return EXIT_CODES.timeout;
  if (error instanceof SnapshotTransferError) return EXIT_CODES.io;
  if (error instanceof ShimError) return EXIT_CODES.atlas;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'CliInterrupt')) return EXIT_CODES.interrupted;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) return EXIT_CODES.io;
  return EXIT_CODES.unexpected;
}

/**
 * A failure the CLI itself reports after the work (`download --all` that did not save every
 * cluster), with its own advice; its exit code is the one `exitCodeFor` gives a `ShimError`
 * (`EXIT_CODES.atlas`).
 */
export class CliFailure extends ShimError {
  /** What to do about it, printed instead of the exit code's advice. */
  readonly advice: string;

  constructor(message: string, code: string, advice: string) {
    super(message, code);
    this.advice = advice;
  }
}

/** One line saying what to do about an error of this exit code. */
export function adviceFor(code: number): string {
  switch (code) {
    case EXIT_CODES.usage:
      return 'Check the command line; --help lists the options.';
    case EXIT_CODES.auth:
      return 'Check the API key or service account and its access list and project role.';
    case EXIT_CODES.atlas:
      return 'See the Atlas error above; --verbose shows the request.';
    case EXIT_CODES.timeout:
      return 'Raise --timeout or try again later.';
    case EXIT_CODES.io:
      return 'Run the same command again to resume; check the disk and the destination.';
    default:
      return 'Run again with --verbose and report the output.';
  }
}

/**
 * The one line (two with advice) the CLI prints for an error: what failed and what to do.
 * The stack only with `verbose`. Library errors carry no secrets; foreign errors are
 * reduced to their message, and every known secret is masked all the same, as is anything
 * shaped like one (a URL's query, an Authorization value: see `redactSecrets`), since a
 * foreign error's message was written by code that did not know what is secret here.
 */
export function renderError(error: unknown, code: number, options: { verbose: boolean; secrets: readonly string[] }): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  let text = `atlas-snapshot: ${message}\n  ${error instanceof CliFailure ? error.advice : adviceFor(code)}\n`;
  if (options.verbose) {
    const details = error instanceof ShimError ? JSON.stringify(error.toJSON(), null, 2) : '';
    text += `${details ? `${details}\n` : ''}${error instanceof Error ? (error.stack ?? '') : inspect(error)}\n`;
  }
  return redactSecrets(mask(text, options.secrets));
}

/** Replaces every occurrence of each secret with `***`. */
export function mask(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (secret.length >= 4) masked = masked.split(secret).join('***');
  return masked;
}
