import { ValidationError } from '../../src/errors/validation-error.js';
import type { SnapshotShimOptions } from '../../src/facade/shim-options.js';
import { describeValue } from '../../src/validation/describe-value.js';

/** Options of `createShimInterceptor` and `createShimDispatcher`: the shim's options plus the adapter's own. */
export type ShimInterceptorOptions = SnapshotShimOptions & {
  /**
   * Add `Deprecation`, `Sunset` and a `successor-version` `Link` to every answer of a
   * tenant operation, so whoever reads responses (logs, proxies, API linters) sees the
   * call site still uses a sunset endpoint. Default `true`.
   */
  readonly deprecationHeaders?: boolean;
};

/** The adapter's own options, validated, and the rest for `createShimCore`. */
export interface SplitInterceptorOptions {
  readonly deprecationHeaders: boolean;
  readonly shimOptions: SnapshotShimOptions;
}

/**
 * Takes the adapter's own options out before the rest reaches `createShimCore`, which
 * refuses keys it does not know (a misspelt option must not be ignored silently).
 *
 * @throws {ValidationError} when `options` is not an object or `deprecationHeaders` is not a boolean.
 */
export function splitInterceptorOptions(options: ShimInterceptorOptions): SplitInterceptorOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError('options', 'an object with at least { credentials }', describeValue(options));
  }
  const { deprecationHeaders, ...shimOptions } = options;
  if (deprecationHeaders !== undefined && typeof deprecationHeaders !== 'boolean') {
    throw new ValidationError('options.deprecationHeaders', 'true or false', describeValue(deprecationHeaders));
  }
  return { deprecationHeaders: deprecationHeaders ?? true, shimOptions };
}
