/**
 * Masks what looks like a credential in text on its way into an error, the way
 * octokit's `RequestError` masks `authorization` and `client_secret` at the one place its
 * errors are built. The library never puts a secret into a message on purpose; this is the
 * net under that promise, for text it does not write itself (an Atlas `detail`, a foreign
 * error's message).
 */

/** What a masked value is replaced with. */
export const REDACTED = '[REDACTED]';

// Each rule keeps the part that says what was there (the scheme, the parameter name) and
// drops the value, so a reader still knows which credential was involved.
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // The query of any URL: a pre-signed snapshot URL's signature lives there.
  [/\b(https?:\/\/[^\s?#"'<>`]*)\?[^\s#"'<>`]*/gi, `$1?${REDACTED}`],
  // Authorization values: Bearer tokens, Basic client credentials, Digest answers.
  // A value is 16 characters or more, so prose such as "only Bearer tokens" stays as written.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{16,}=*/g, `$1 ${REDACTED}`],
  // A Digest answer is a list of name=value pairs; "Digest challenge" in prose is not.
  [/\bDigest\s+[A-Za-z-]+=(?:"[^"]*"|[^\s,]*)(?:\s*,\s*[A-Za-z-]+=(?:"[^"]*"|[^\s,]*))*/g, `Digest ${REDACTED}`],
  // OAuth and pre-signed-URL parameters, in a form body or a query without its URL.
  [/\b(access_token|refresh_token|id_token|client_secret|password|private_?key|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig)=[^&\s"'<>]*/gi, `$1=${REDACTED}`],
  // The same names as JSON members.
  [
    /("(?:access_token|refresh_token|id_token|client_secret|clientSecret|privateKey|private_key|password|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** `text` with every URL query, Authorization value and credential parameter masked. Pure. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` with {@link redactSecrets} applied to every string in it, for data an
 * error keeps from a foreign source (Atlas's `parameters`). Cycles and depth beyond 8 are
 * cut, since a hostile body must not make an error expensive to build.
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= 8 || seen.has(value)) return REDACTED;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, so a "__proto__" member stays data instead of becoming a prototype.
    Object.defineProperty(out, key, { value: redactDeep(item, depth + 1, seen), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// True when any string in `value` (its own enumerable members, to depth 8) has something to mask.
function holdsSecret(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): boolean {
  if (typeof value === 'string') return redactSecrets(value) !== value;
  if (typeof value !== 'object' || value === null || depth >= 8 || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).some((item) => holdsSecret(item, depth + 1, seen));
}

/**
 * The `cause` an error keeps, masked like its message. A cause is usually a foreign error
 * (undici's, Node's) whose message the library did not write, and loggers such as pino
 * print a cause chain's messages and stacks in full. A cause with nothing to mask is kept
 * as it is (same object); one with something to mask is replaced by a copy of the same
 * class (so `instanceof` and `code` still work) with its message, stack, members and own
 * cause masked.
 */
export function redactCause(cause: unknown, depth = 0): unknown {
  try {
    return maskedCause(cause, depth);
  } catch {
    // A cause whose members cannot be read (a throwing getter, a revoked proxy) is kept as
    // it is: building the error must not fail over it.
    return cause;
  }
}

function maskedCause(cause: unknown, depth: number): unknown {
  if (typeof cause === 'string') return redactSecrets(cause);
  if (!(cause instanceof Error)) return holdsSecret(cause) ? redactDeep(cause) : cause;
  const inner = depth < 8 ? maskedCause(cause.cause, depth + 1) : cause.cause;
  const stack = cause.stack ?? '';
  const members = Object.fromEntries(Object.entries(cause));
  if (inner === cause.cause && redactSecrets(cause.message) === cause.message && redactSecrets(stack) === stack && !holdsSecret(members)) return cause;
  const copy = new Error(redactSecrets(cause.message), inner === undefined ? undefined : { cause: inner });
  Object.setPrototypeOf(copy, Object.getPrototypeOf(cause) as object);
  copy.name = cause.name;
  copy.stack = redactSecrets(stack);
  for (const [key, value] of Object.entries(redactDeep(members) as Record<string, unknown>)) {
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
