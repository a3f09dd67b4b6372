import { validRange } from 'semver';
import { z } from 'zod';
import { ValidationError } from '../../src/errors/validation-error.js';
import type { RouteFlag } from '../../src/policy/types.js';
import { describeValue } from '../../src/validation/describe-value.js';
import { CLUSTER_NAME_MAX_LENGTH, CLUSTER_NAME_PATTERN, OBJECT_ID_PATTERN } from '../../src/validation/patterns.js';

/**
 * One rule of {@link rulesFlag}: the route it answers, and when. Every field given must
 * match the call; a field left out matches any call. A rule with only `route` matches
 * every call (a catch-all, put it last).
 */
export interface FlagRule {
  /** The route flag answered when the rule matches. Required. */
  readonly route: RouteFlag;
  /** The environment name(s) it applies to, compared exactly (case-sensitive). Default: any, including none. */
  readonly environment?: string | readonly string[];
  /** The project id(s) it applies to (24 lowercase hex). Default: any. */
  readonly groupId?: string | readonly string[];
  /** The cluster name(s) it applies to, as the contract writes them. Default: any. */
  readonly clusterName?: string | readonly string[];
  /**
   * A semver range (`'>=2.0.0 <3'`, `'^1.4'`) the calling application's version must
   * satisfy, prereleases included. A call without an `appVersion` never matches it.
   * Default: any version, including none.
   */
  readonly appVersion?: string;
}

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

const environment = z.string().min(1).max(128);
const groupId = z.string().regex(OBJECT_ID_PATTERN);
const clusterName = z.string().max(CLUSTER_NAME_MAX_LENGTH).regex(CLUSTER_NAME_PATTERN);
// An empty range is valid to semver (it means '*'); refused so a blank value is not a silent catch-all.
const appVersion = z.string().refine((range) => range.trim() !== '' && validRange(range) !== null);

const ruleSchema = z.strictObject({
  route: z.enum(['auto', 'tenant', 'flex']),
  environment: oneOrMany(environment).optional(),
  groupId: oneOrMany(groupId).optional(),
  clusterName: oneOrMany(clusterName).optional(),
  appVersion: appVersion.optional(),
});

type RuleField = keyof z.infer<typeof ruleSchema>;

/** A rule after validation: its fields as zod returns them. */
export type CheckedFlagRule = z.infer<typeof ruleSchema>;

// What each field accepts, in the words a ValidationError shows.
const ALLOWED: Record<RuleField, string> = {
  route: "'auto', 'tenant' or 'flex'",
  environment: 'a non-empty string of at most 128 characters',
  groupId: '24 lowercase hexadecimal characters (pattern ^[a-f0-9]{24}$)',
  clusterName: `1 to ${CLUSTER_NAME_MAX_LENGTH} letters, digits or hyphens, starting with a letter or digit (pattern ^[a-zA-Z0-9][a-zA-Z0-9-]*$)`,
  appVersion: "a non-empty semver range such as '>=2.0.0 <3' or '^1.4' (as semver.validRange accepts it)",
};
// These take one value or a list; an error on the field itself says so, one on an item does not.
const ONE_OR_MANY = new Set<RuleField>(['environment', 'groupId', 'clusterName']);
const FIELDS = Object.keys(ALLOWED);
const RULE_SHAPE = `an object { route, ${FIELDS.slice(1).map((field) => `${field}?`).join(', ')} }`;

/**
 * Checks a list of flag rules and returns them as checked.
 *
 * @param input - what the caller gave as rules.
 * @param source - where the rules came from (a file path), added to the error's `received` so it can be found.
 * @throws {ValidationError} for the first wrong rule, its `field` naming the rule index and the
 *   field (`rules[2].appVersion`, `rules[0].groupId[1]`) and `allowed` what that field accepts.
 */
export function checkFlagRules(input: unknown, source?: string): CheckedFlagRule[] {
  const where = source === undefined ? '' : ` (in ${source})`;
  if (!Array.isArray(input)) {
    throw new ValidationError('rules', 'an array of rules, or the path of a JSON file holding one', `${describeValue(input)}${where}`);
  }
  return input.map((rule: unknown, index) => {
    const result = ruleSchema.safeParse(rule);
    if (result.success) return result.data;
    // The first issue is enough: the caller fixes it and tries again, as with the shim's options.
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    const field = `rules[${index}]`;
    if (issue.code === 'unrecognized_keys') {
      throw new ValidationError(`${field}.${issue.keys[0]}`, `one of the rule fields: ${FIELDS.join(', ')}`, `an unknown field${where}`);
    }
    const path = issuePath(issue, rule);
    throw new ValidationError(`${field}${renderPath(path)}`, allowedAt(path), `${describeValue(valueAt(rule, path))}${where}`);
  });
}

/**
 * Where the issue is. A list item of the wrong type fails both sides of a one-or-many
 * union, and zod then reports the whole field: follow the list side to name the item.
 */
function issuePath(issue: z.core.$ZodIssue, rule: unknown): readonly PropertyKey[] {
  if (issue.code !== 'invalid_union' || !Array.isArray(valueAt(rule, issue.path))) return issue.path;
  const inList = issue.errors.map((branch) => branch[0]).find((inner) => inner !== undefined && inner.path.length > 0);
  return inList === undefined ? issue.path : [...issue.path, ...inList.path];
}

function allowedAt(path: readonly PropertyKey[]): string {
  const [top] = path;
  if (typeof top !== 'string' || !(top in ALLOWED)) return RULE_SHAPE;
  const field = top as RuleField;
  return ONE_OR_MANY.has(field) && path.length === 1 ? `${ALLOWED[field]}, or a non-empty array of them` : ALLOWED[field];
}

function renderPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
