/**
 * Route flag sources that need nothing beyond this library: environment variables
 * ({@link envFlag}) and ordered rules, inline or from a JSON file ({@link rulesFlag}).
 * Pass one as the shim's `route` option.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { isRouteFlag, type RouteFlag } from '../src/routing/route-policy.js';
import type { RouteFlagContext, RouteFlagSource } from '../src/routing/router.js';
import { checkKnownKeys, checkOptional, checkOptionsObject, rule } from '../src/validation.js';

export { rulesFlag, type FlagRule } from './flags/rules-flag.js';

/** The variable every environment falls back to: `ATLAS_SNAPSHOT_ROUTE`. */
export const ROUTE_VARIABLE = 'ATLAS_SNAPSHOT_ROUTE';

/** Options of {@link envFlag}. */
export interface EnvFlagOptions {
  /**
   * The environment whose variable is read first. Default: the call context's
   * `environment` (the shim's `environment` option), else `NODE_ENV` from the variables.
   */
  readonly environment?: string;
  /**
   * Where the variables are read from, at each call. Default `process.env`.
   */
  readonly env?: Record<string, string | undefined>;
}

/**
 * The per-environment variable for an environment name: upper-cased, every character
 * that is not a letter A-Z or a digit written as `_`
 * (`'staging-eu'` → `'ATLAS_SNAPSHOT_ROUTE_STAGING_EU'`).
 */
export function routeVariableFor(environment: string): string {
  return `${ROUTE_VARIABLE}_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * A flag source that reads the route flag from environment variables at each call, so a
 * changed variable takes effect on the next download without a restart.
 *
 * It reads `ATLAS_SNAPSHOT_ROUTE_<ENVIRONMENT>` first (see {@link routeVariableFor}), then
 * `ATLAS_SNAPSHOT_ROUTE`. A variable that is absent or blank counts as unset, so an empty
 * per-environment variable falls through to `ATLAS_SNAPSHOT_ROUTE`; when neither is set
 * the answer is `'auto'`. Values are trimmed and lower-cased (`' Flex '` → `'flex'`).
 *
 * A value that is still not a route flag is answered as it was written: the shim then
 * routes as `auto` and reports a `flag-invalid` event, or refuses the call with
 * `strictFlags`. It is never coerced here, so a typo is seen instead of hidden.
 *
 * @throws {ValidationError} at creation, when `options`, `options.environment` or `options.env` is of the wrong kind.
 */
export function envFlag(options: EnvFlagOptions = {}): RouteFlagSource {
  const { environment, env } = checkOptions(options);
  return (context: RouteFlagContext) => {
    // Read at each call: `process.env` may be replaced or changed while the process runs.
    const variables = env ?? process.env;
    const name = environment ?? context.environment ?? present(variables.NODE_ENV);
    const raw = (name === undefined ? undefined : present(variables[routeVariableFor(name)])) ?? present(variables[ROUTE_VARIABLE]);
    if (raw === undefined) return 'auto';
    const value = raw.trim().toLowerCase();
    // Not narrowed on purpose: the shim checks every source's answer and reports a wrong one.
    return (isRouteFlag(value) ? value : raw) as RouteFlag;
  };
}

/** A variable's value, or undefined when it is absent or only blanks. */
function present(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const OPTIONS = {
  environment: rule(z.string().max(128).refine((value) => value.trim() !== ''), 'a non-empty string of at most 128 characters'),
  env: rule(z.custom<Record<string, string | undefined>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)), 'an object of variables such as process.env'),
};

function checkOptions(value: unknown): EnvFlagOptions {
  const options = checkOptionsObject('options', value);
  checkKnownKeys('options', options, Object.keys(OPTIONS));
  return { environment: checkOptional('options.environment', options.environment, OPTIONS.environment), env: checkOptional('options.env', options.env, OPTIONS.env) };
}
