import { readFileSync } from 'node:fs';
import { ValidationError } from '../../src/errors/validation-error.js';

const FILE_RULE = 'a readable JSON file holding an array of flag rules';

/**
 * Reads and parses a JSON rules file, synchronously: rules are read once, when the flag
 * source is created at start-up, so a missing or broken file fails there and not on the
 * first download. A relative path is resolved against the working directory.
 *
 * @returns the parsed JSON, not yet checked as rules.
 * @throws {ValidationError} whose `field` is `rules file <path>`, when the file cannot be read or is not JSON.
 */
export function readRulesFile(path: string): unknown {
  const field = `rules file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(field, FILE_RULE, describeReadError(error));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(field, FILE_RULE, `invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file (ENOENT)';
  if (code === 'EISDIR') return 'a directory (EISDIR)';
  if (code === 'EACCES' || code === 'EPERM') return `a file it may not read (${code})`;
  return `a file it could not read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
