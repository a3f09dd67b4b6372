import { z } from 'zod';
import { ValidationError } from './errors/shim-error.js';

/**
 * How every input a caller can get wrong is checked, in one style: a {@link Rule} (a zod
 * schema and the words for what it allows) applied by {@link check} at the public
 * boundary, which throws a `ValidationError` naming the field, what it allows and what it
 * received. Inside the library, checked values are trusted.
 */

/** `groupId`, `snapshotId`, restore job ids: `^([a-f0-9]{24})$` in the contract. */
export const OBJECT_ID_PATTERN = /^[a-f0-9]{24}$/;
/** {@link OBJECT_ID_PATTERN} as the contract (and Atlas's 400 answers) write it. */
export const OBJECT_ID_PATTERN_TEXT = '^([a-f0-9]{24})$';
/** Cluster and Flex instance names: `^[a-zA-Z0-9][a-zA-Z0-9-]*$` in the contract. */
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
/** Atlas cluster names are 1 to 64 characters long. */
export const CLUSTER_NAME_MAX_LENGTH = 64;
/** `targetDeploymentItemName`: `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$` in the contract. */
export const TARGET_DEPLOYMENT_ITEM_NAME_PATTERN = /^[\p{L}\p{N}\-_.(),:&@+']{1,64}$/u;

/** A rule for one input: what it must be, in code and in words. */
export interface Rule<T> {
  readonly schema: z.ZodType<T>;
  /** What the input accepts, as the `ValidationError` says it. */
  readonly allowed: string;
  /** How a refused value is described; default {@link describeValue}. A secret's rule describes its shape only. */
  readonly received?: (value: unknown) => string;
  /**
   * A quick test that admits exactly what the schema admits, unchanged: asked first, so a
   * valid id or name skips zod's parse (about a microsecond each, five of them on every
   * `downloadSnapshot`, where the facade's bench goal has no such margin).
   */
  readonly accepts?: (value: unknown) => value is T;
}

/** A rule from a schema and the words for what it allows. */
export function rule<T>(schema: z.ZodType<T>, allowed: string, received?: (value: unknown) => string): Rule<T> {
  return { schema, allowed, ...(received ? { received } : {}) };
}

/**
 * The value, when it follows the rule.
 *
 * @throws {ValidationError} naming `field`, what the rule allows and what was received.
 */
export function check<T>(field: string, value: unknown, rule: Rule<T>): T {
  if (rule.accepts?.(value)) return value;
  const result = rule.schema.safeParse(value);
  if (!result.success) throw new ValidationError(field, rule.allowed, (rule.received ?? describeValue)(value));
  return result.data;
}

/** {@link check} for an optional input: `undefined` passes as itself. */
export function checkOptional<T>(field: string, value: unknown, rule: Rule<T>): T | undefined {
  return value === undefined ? undefined : check(field, value, rule);
}

/** The call's argument as an object whose fields can be read, or a `ValidationError` naming it. */
export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(field, 'an object', describeValue(value));
  return value as Record<string, unknown>;
}

/**
 * An optional options argument: undefined stands for "no options" (an empty object comes
 * back, so fields can be read without a guard); anything else must be a plain object.
 */
export function checkOptionsObject(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'an options object, or nothing', describeValue(value));
  }
  return value as Record<string, unknown>;
}

/** Refuses a key of `options` that is not one of `known`: a misspelt option must not be ignored silently. */
export function checkKnownKeys(field: string, options: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new ValidationError(`${field}.${unknown}`, `one of the known options: ${known.join(', ')}`, 'an unknown option');
}

/** A rule for a string that matches `pattern`, at most `maxLength` characters long; its quick test is always there. */
export function matching(pattern: RegExp, allowed: string, maxLength = Number.POSITIVE_INFINITY): Rule<string> & Required<Pick<Rule<string>, 'accepts'>> {
  return {
    schema: z.string().refine((text) => text.length <= maxLength && pattern.test(text)),
    allowed,
    accepts: (value): value is string => typeof value === 'string' && value.length <= maxLength && pattern.test(value),
  };
}

/** The longest delay `setTimeout` keeps (2^31 − 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A 24-hex Atlas id: `groupId`, `snapshotId`, a restore job id. */
export const OBJECT_ID = matching(OBJECT_ID_PATTERN, '24 lowercase hexadecimal characters (pattern ^[a-f0-9]{24}$)');
/** What `snapshotId` names the newest `COMPLETED` snapshot with, wherever a snapshot is asked for by id. */
export const LATEST = 'latest';
/** A snapshot to download: its id, or {@link LATEST}. */
export const SNAPSHOT_REFERENCE: Rule<string> = {
  schema: z.string().refine((value) => value === LATEST || OBJECT_ID_PATTERN.test(value)),
  allowed: `24 lowercase hexadecimal characters (pattern ^[a-f0-9]{24}$), or '${LATEST}' (the newest COMPLETED snapshot)`,
  accepts: (value: unknown): value is string => typeof value === 'string' && (value === LATEST || OBJECT_ID_PATTERN.test(value)),
};
/** A cluster or Flex instance name: the contract's pattern and Atlas's length limit. */
export const CLUSTER_NAME = matching(
  CLUSTER_NAME_PATTERN,
  `1 to ${CLUSTER_NAME_MAX_LENGTH} letters, digits or hyphens, starting with a letter or digit (pattern ^[a-zA-Z0-9][a-zA-Z0-9-]*$)`,
  CLUSTER_NAME_MAX_LENGTH,
);
/** `targetDeploymentItemName`, by the contract's pattern. */
export const TARGET_DEPLOYMENT_ITEM_NAME = matching(
  TARGET_DEPLOYMENT_ITEM_NAME_PATTERN,
  "1 to 64 letters, digits or -_.(),:&@+' characters (pattern ^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$)",
);
/** An `AbortSignal`. */
export const ABORT_SIGNAL = rule(z.instanceof(AbortSignal), 'an AbortSignal');
/** A directory to write into (`downloadAll`'s `outDir`, the CLI's `--out-dir`): a non-empty path; made when missing. */
export const DIRECTORY_PATH = rule(z.string().min(1), 'a directory path (a non-empty string)');
/** `true` or `false`. */
export const BOOLEAN = rule(z.boolean(), 'true or false');

/** A whole number of milliseconds from `min`, within what a timer can wait. */
export function milliseconds(min: number): Rule<number> {
  return rule(z.number().int().min(min).max(MAX_TIMER_MS), `an integer number of milliseconds, ${min} or more`);
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number): Rule<number> {
  return rule(z.number().int().min(min).max(max), `an integer from ${min} to ${max}`);
}

/** A function; `allowed` says which, e.g. `'a function (job) => void'`. */
export function func<F extends (...args: never[]) => unknown>(allowed: string): Rule<F> {
  return rule(z.custom<F>((value) => typeof value === 'function'), allowed);
}

/** A cluster addressed by project and name, checked. */
export interface ClusterTarget {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's or Flex instance's name. */
  readonly clusterName: string;
}

/** Checks `{ groupId, clusterName }` of a call's argument, which must be an object named `argument`. */
export function checkClusterTarget(value: unknown, argument = 'argument'): ClusterTarget {
  const input = checkObject(argument, value);
  return { groupId: check('groupId', input.groupId, OBJECT_ID), clusterName: check('clusterName', input.clusterName, CLUSTER_NAME) };
}

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

/** The longest `baseUrl` accepted. Far beyond any real origin, and short enough to parse and report cheaply. */
export const MAX_BASE_URL_LENGTH = 2048;
/** The longest host name DNS allows (RFC 1035: 253 characters written out). */
export const MAX_HOST_NAME_LENGTH = 253;
/** The longest label (the part between two dots) DNS allows. */
export const MAX_HOST_LABEL_LENGTH = 63;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for hosts that never leave this machine: the only ones plain http is allowed to. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Whether `value` is an origin the shim may send Atlas credentials to: `https:` (plain
 * `http:` only to a loopback host), no path, query, fragment or user info, and a host
 * name DNS could hold. The length is checked before the URL is parsed: a megabyte of
 * configuration is refused at once, not kept as the origin of every request.
 */
export function isAtlasOrigin(value: string): boolean {
  if (value.length > MAX_BASE_URL_LENGTH || !URL.canParse(value)) return false;
  const url = new URL(value);
  const originOnly = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  const { hostname } = url;
  const resolvable = hostname.length <= MAX_HOST_NAME_LENGTH && hostname.split('.').every((label) => label.length <= MAX_HOST_LABEL_LENGTH);
  return originOnly && resolvable && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(hostname)));
}
