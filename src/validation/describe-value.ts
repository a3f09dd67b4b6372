const MAX_RENDERED = 40;

/**
 * A short, safe rendering of a value for error messages: its type, and for strings a
 * truncated, escaped excerpt. Never call it with a secret.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_RENDERED ? `${value.slice(0, MAX_RENDERED)}…` : value;
      // JSON.stringify escapes NUL, control characters and quotes, so hostile input stays one visible line.
      return `${JSON.stringify(shown)}${value.length > MAX_RENDERED ? ` (${value.length} characters)` : ''}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return value instanceof Date ? `Date ${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()}` : 'an object';
  }
}
