import { Range } from 'semver';
import type { RouteFlagContext, RouteFlagSource } from '../../src/facade/shim-options.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import type { RouteFlag } from '../../src/policy/types.js';
import { describeValue } from '../../src/validation/describe-value.js';
import { checkFlagRules, type CheckedFlagRule, type FlagRule } from './rule-schema.js';
import { readRulesFile } from './rules-file.js';

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
