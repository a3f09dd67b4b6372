import { readFileSync } from 'node:fs';
import { Range, validRange } from 'semver';
import { z } from 'zod';
import { toError, ValidationError } from '../../src/errors/shim-error.js';
import type { RouteFlag } from '../../src/routing/route-policy.js';
import type { RouteFlagContext, RouteFlagSource } from '../../src/routing/router.js';
import { CLUSTER_NAME, describeValue, OBJECT_ID } from '../../src/validation.js';

/** A rule ready to match: lists as sets, the range parsed once. */
interface CompiledRule {
  readonly route: RouteFlag;
  readonly environments: ReadonlySet<string> | undefined;
  readonly groupIds: ReadonlySet<string> | undefined;
  readonly clusterNames: ReadonlySet<string> | undefined;
  readonly appVersions: Range | undefined;
}

/**
 * A flag source that answers from an ordered list of rules: the first rule whose every
 * given field matches the call wins, and when none matches the answer is `'auto'`.
 *
 * A rule with an `appVersion` range matches only a call whose `appVersion` satisfies it,
 * prereleases included (`'>=2.0.0'` matches `'2.1.0-beta.1'`); a call without an
 * `appVersion`, or with one that is not a semver version, does not match it.
 *
 * Rules are checked and compiled once, here, so a mistake fails at start-up and each call
 * only compares. Changing the array or the file afterwards has no effect.
 *
 * @param rules - the rules, or the path of a JSON file holding the array (read synchronously, once).
 * @throws {ValidationError} for the first bad rule, its `field` naming the index and the field
 *   (`rules[2].appVersion`); for a file that cannot be read or parsed, its `field` naming the path.
 */
export function rulesFlag(rules: readonly FlagRule[] | string): RouteFlagSource {
  let checked: CheckedFlagRule[];
  if (typeof rules === 'string') {
    if (rules.trim() === '') throw new ValidationError('rules', 'an array of rules, or the path of a JSON file holding one', describeValue(rules));
    checked = checkFlagRules(readRulesFile(rules), rules);
  } else {
    checked = checkFlagRules(rules);
  }
  const compiled = checked.map(compileRule);
  return (context: RouteFlagContext) => compiled.find((rule) => matches(rule, context))?.route ?? 'auto';
}

function compileRule(rule: CheckedFlagRule): CompiledRule {
  return {
    route: rule.route,
    environments: toSet(rule.environment),
    groupIds: toSet(rule.groupId),
    clusterNames: toSet(rule.clusterName),
    appVersions: rule.appVersion === undefined ? undefined : new Range(rule.appVersion, { includePrerelease: true }),
  };
}

function toSet(value: string | readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(typeof value === 'string' ? [value] : value);
}

function matches(rule: CompiledRule, context: RouteFlagContext): boolean {
  return (
    within(rule.environments, context.environment) &&
    within(rule.groupIds, context.groupId) &&
    within(rule.clusterNames, context.clusterName) &&
    // Range.test answers false for a missing or unparsable version instead of throwing.
    (rule.appVersions === undefined || (context.appVersion !== undefined && rule.appVersions.test(context.appVersion)))
  );
}

/** True when the rule does not name this field, or names the call's value. */
function within(allowed: ReadonlySet<string> | undefined, value: string | undefined): boolean {
  return allowed === undefined || (value !== undefined && allowed.has(value));
}

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
const groupId = OBJECT_ID.schema;
const clusterName = CLUSTER_NAME.schema;
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
  groupId: OBJECT_ID.allowed,
  clusterName: CLUSTER_NAME.allowed,
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
    throw new ValidationError(field, FILE_RULE, `invalid JSON (${toError(error).message})`);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file (ENOENT)';
  if (code === 'EISDIR') return 'a directory (EISDIR)';
  if (code === 'EACCES' || code === 'EPERM') return `a file it may not read (${code})`;
  return `a file it could not read (${code ?? toError(error).message})`;
}
