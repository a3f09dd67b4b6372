/**
 * `atlas-snapshot-shim/adapters/undici`: keeps code that calls the deprecated shared-tier
 * ("tenant") snapshot operations of the Atlas Admin API working across their sunset,
 * without touching that code. Install the dispatcher once:
 *
 * ```js
 * import { setGlobalDispatcher } from 'undici';
 * import { createShimDispatcher } from 'atlas-snapshot-shim/adapters/undici';
 * setGlobalDispatcher(createShimDispatcher({ credentials: { clientId, clientSecret } }));
 * ```
 *
 * @packageDocumentation
 */
import { Agent, type Dispatcher } from 'undici';
import { toError } from '../src/errors/shim-error.js';
import { createShimCore } from '../src/facade/shim-core.js';
import type { SnapshotShimOptions } from '../src/facade/shim-options.js';
import { BOOLEAN, checkObject, checkOptional } from '../src/validation.js';
import { serveTenantRequest } from './undici/tenant-call.js';
import { recognizeTenantRequest } from './undici/tenant-request.js';

export { deprecationNotice, tenantDeprecationDate, type DeprecationNotice } from './undici/legacy-answer.js';

/** Options of `createShimInterceptor` and `createShimDispatcher`: the shim's options plus the adapter's own. */
export type ShimInterceptorOptions = SnapshotShimOptions & {
  /**
   * Add `Deprecation`, `Sunset` and a `successor-version` `Link` to every answer of a
   * tenant operation, so whoever reads responses (logs, proxies, API linters) sees the
   * call site still uses a sunset endpoint. Default `true`.
   */
  readonly deprecationHeaders?: boolean;
};

/** An undici interceptor for `dispatcher.compose(…)` that also owns the shim's Atlas connections. */
export type ShimInterceptor = Dispatcher.DispatcherComposeInterceptor & {
  /** Closes the connections the shim opened for its own Atlas calls (route look-ups, signed rewrites). Idempotent. */
  close(): Promise<void>;
};

/**
 * Creates an undici interceptor that serves the five deprecated tenant snapshot operations
 * (`downloadClusterBackupTenant`, `getBackupTenantRestore`, `listBackupTenantRestores`,
 * `listClusterBackupSnapshots`, `getBackupTenantSnapshot`) on `baseUrl`'s origin through
 * the route policy, so the caller's code does not change:
 *
 * - **Route `tenant`** (a shared M2/M5 cluster before the sunset, or the `tenant` flag):
 *   the request goes to Atlas untouched, with the caller's own authentication (digest
 *   challenges included). If Atlas answers as if the decision were wrong (404/410 of a
 *   removed endpoint, 406, `CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`), it is served through
 *   the Flex twin once instead; never more than once.
 * - **Route `flex`**: the request is rewritten to the Flex twin (path, media type
 *   `application/vnd.atlas.2024-11-13+json`, download body `{ snapshotId }`) and the answer
 *   is translated back into the legacy JSON shape under the legacy media type
 *   `application/vnd.atlas.2023-01-01+json`, with its links pointing at tenant paths. Error
 *   answers (`ApiError`) pass through with their status. Each rewrite is reported as a
 *   `legacy-rewrite` event through `onEvent`, so teams find the call sites left to migrate.
 *   A rewritten download POST signed by the shim is retried as the facade's is: after an
 *   ambiguous failure (a reset after sending, a 5xx) the job it may have created is looked
 *   for and adopted (reported as a `download-adopted` event), and only when there is none
 *   is it sent again, so a caller never gets a second job.
 * - **Authentication of a rewrite**: a caller's `Authorization: Bearer …` is kept, and the
 *   rewritten request goes through the dispatchers below this interceptor. Any other
 *   request is signed with `shimOptions.credentials` by the shim's own client: a digest
 *   signature covers the request URI, so a caller's digest (added by hand, or by a digest
 *   interceptor composed below this one) cannot survive the path rewrite. Headers the
 *   caller added besides `Authorization` do not reach Atlas on that path.
 * - Every answer of a tenant operation carries `Deprecation` (RFC 9745), `Sunset`
 *   (RFC 8594) and a `Link` to the Flex operation with `rel="successor-version"`, unless
 *   `deprecationHeaders: false`.
 * - A decision that cannot be taken fails the request through undici's error path, so
 *   `undici.request` rejects with it (and `fetch` with a `TypeError` whose `cause` it is):
 *   `SunsetError` (the `tenant` flag after the sunset), `UnsupportedClusterError` (a
 *   dedicated cluster), `AtlasForGovernmentError` (a Flex route on Atlas for Government), `ValidationError` (a malformed id in the path, or a download body
 *   that is not a JSON object), `AtlasApiError` (the cluster-kind look-up was refused).
 * - **The v1.0 API**: the same five operations under `/api/atlas/v1.0/…` (code written
 *   before 2023, `application/json`, a download body of `{ snapshotId }` alone) are served
 *   the same way; a rewritten answer is in the v1.0 shape (`application/json`, links at v1.0
 *   paths).
 * - **`envelope=true`** in the caller's query: a rewritten success answer is wrapped as Atlas
 *   wraps the tenant one (`envelopeOf`); the Flex request itself goes without it.
 * - Every other request (other paths, other origins, other methods) passes through
 *   untouched, authentication included.
 *
 * The download POST's body is read into memory (at most 1 MiB) before it is sent, since
 * both the rewrite and the fallback need it whole. Compose this interceptor outside
 * (after) any authentication interceptor, so its pass-through requests are signed below it.
 *
 * @throws {ValidationError} when an option is wrong (before anything is sent).
 */
export function createShimInterceptor(options: ShimInterceptorOptions): ShimInterceptor {
  // The adapter's own option is taken out before the rest reaches the core, which refuses keys it does not know.
  const { deprecationHeaders, ...shimOptions } = checkObject('options', options) as unknown as ShimInterceptorOptions;
  const withHeaders = checkOptional('options.deprecationHeaders', deprecationHeaders, BOOLEAN) ?? true;
  const core = createShimCore(shimOptions);
  const origin = core.options.baseUrl;
  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => {
    const context = { core, dispatch, deprecationHeaders: withHeaders };
    return function atlasSnapshotShim(opts, handler) {
      const request = recognizeTenantRequest(opts, origin);
      if (request === undefined) return dispatch(opts, handler);
      return serveTenantRequest(context, opts, request, handler);
    };
  };
  return Object.assign(interceptor, { close: () => core.close().then(() => undefined) });
}

/**
 * Creates a ready dispatcher: `base` (default: a new undici `Agent`) composed with
 * {@link createShimInterceptor}. Install it for all code with `setGlobalDispatcher` (from
 * the same `undici` package, which Node's own `fetch` shares the global slot with) or
 * pass it as `dispatcher` to one call. Its `close()` and `destroy()` also release the
 * shim's own Atlas connections; they close `base` too, as any composed dispatcher does.
 *
 * @throws {ValidationError} when an option is wrong (before anything is sent).
 */
export function createShimDispatcher(options: ShimInterceptorOptions, base?: Dispatcher): Dispatcher {
  const interceptor = createShimInterceptor(options);
  // The Agent is created only once the options passed, so a wrong option leaks nothing.
  const composed = (base ?? new Agent()).compose(interceptor);
  type Callback = (error?: Error | null) => void;
  const finish = (done: Promise<unknown>, callback: unknown): Promise<void> | undefined => {
    const settled = done.then(() => undefined);
    if (typeof callback !== 'function') return settled;
    settled.then(
      () => (callback as Callback)(null),
      (error: unknown) => (callback as Callback)(toError(error)),
    );
    return undefined;
  };
  return new Proxy(composed, {
    get(target, key, receiver) {
      if (key === 'close') {
        return (callback?: Callback) => finish(Promise.all([target.close(), interceptor.close()]), callback);
      }
      if (key === 'destroy') {
        return (errorOrCallback?: Error | null | Callback, callback?: Callback) => {
          const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
          const done = Promise.all([target.destroy(error), interceptor.close()]);
          return finish(done, typeof errorOrCallback === 'function' ? errorOrCallback : callback);
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
