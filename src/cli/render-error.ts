import { inspect } from 'node:util';
import { redactSecrets } from '../errors/redact-secrets.js';
import { ShimError } from '../errors/shim-error.js';
import { adviceFor } from './exit-codes.js';

/**
 * The one line (two with advice) the CLI prints for an error: what failed and what to do.
 * The stack only with `verbose`. Library errors carry no secrets; foreign errors are
 * reduced to their message, and every known secret is masked all the same, as is anything
 * shaped like one (a URL's query, an Authorization value: see `redactSecrets`), since a
 * foreign error's message was written by code that did not know what is secret here.
 */
export function renderError(error: unknown, code: number, options: { verbose: boolean; secrets: readonly string[] }): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  let text = `atlas-snapshot: ${message}\n  ${adviceFor(code)}\n`;
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
