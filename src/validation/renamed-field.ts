import { ValidationError } from '../errors/validation-error.js';

/**
 * Runs a check written for one call's argument at another place the same fields appear,
 * so the `ValidationError` it throws names the field as this caller wrote it: a field
 * named `<from><name>` is reported as `<to><name>`. `shim.download` takes the save
 * options as top-level fields of its one argument, where `resolveSaveOptions` names them
 * `options.<name>`. Any other error passes through unchanged.
 */
export function withRenamedField<T>(from: string, to: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValidationError) || !error.field.startsWith(from)) throw error;
    throw new ValidationError(`${to}${error.field.slice(from.length)}`, error.allowed, error.received);
  }
}
