/**
 * Route flag sources that need nothing beyond this library: environment variables
 * ({@link envFlag}) and ordered rules, inline or from a JSON file ({@link rulesFlag}).
 * Pass one as the shim's `route` option.
 *
 * @packageDocumentation
 */
export { envFlag, routeVariableFor, ROUTE_VARIABLE, type EnvFlagOptions } from './flags/env-flag.js';
export { rulesFlag } from './flags/rules-flag.js';
export type { FlagRule } from './flags/rule-schema.js';
