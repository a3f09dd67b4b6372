/**
 * `atlas-snapshot-shim/adapters/fetch`: a `fetch` that serves the deprecated shared-tier
 * ("tenant") snapshot operations through the shim, for any library that takes a `fetch`
 * (openapi-fetch, ky, …):
 *
 * ```js
 * import { createShimFetch } from 'atlas-snapshot-shim/adapters/fetch';
 * const client = createClient({ baseUrl, fetch: createShimFetch({ credentials }) });
 * ```
 *
 * @packageDocumentation
 */
import { toError } from '../src/errors/shim-error.js';
import { checkObject, checkOptional, func } from '../src/validation.js';
import { createTenantBridge, type BridgeAnswer } from './http-clients/tenant-bridge.js';
import type { ShimInterceptorOptions } from './undici.js';

export type { ShimInterceptorOptions } from './undici.js';

/** A WHATWG `fetch`: what {@link createShimFetch} passes every other request to. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createShimFetch}: the undici adapter's, and the `fetch` every other request goes to. */
export type ShimFetchOptions = ShimInterceptorOptions & {
  /** Where every request that is not a tenant operation goes, with its arguments untouched. Default: `globalThis.fetch`, as it is at each call. */
  readonly fetch?: FetchFunction;
};

/** A `fetch` with the shim in front of it (see {@link createShimFetch}). */
export interface ShimFetch extends FetchFunction {
  /**
   * Closes the shim's own Atlas connections. From then on every request, tenant ones too,
   * goes to `options.fetch` untouched. Requests already in flight finish. Idempotent.
   */
  close(): Promise<void>;
}

/** Statuses whose `Response` has no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Creates a WHATWG-`fetch`-compatible function that serves the five deprecated tenant
 * operations (`downloadClusterBackupTenant`, `getBackupTenantRestore`,
 * `listBackupTenantRestores`, `listClusterBackupSnapshots`, `getBackupTenantSnapshot`) on
 * `baseUrl`'s origin through the route policy, as the undici adapter does (see
 * `createShimInterceptor`), and passes every other request to `options.fetch` (default
 * `globalThis.fetch`) with the very arguments it was given.
 *
 * - **Route `tenant`** (a shared M2/M5 cluster before the sunset): the request goes to
 *   Atlas as the caller built it, its `Authorization` included.
 * - **Route `flex`**: the request goes to the Flex twin and the answer comes back in the
 *   legacy shape (`TenantRestore`, …) under the legacy media type. A caller's
 *   `Authorization: Bearer …` is kept; any other request is signed with
 *   `options.credentials`.
 *
 * A tenant request is recognized from its method and absolute URL (a `Request`'s, or
 * `input` with `init`). It is sent through undici with its headers (and the `Accept` that
 * `fetch` adds when it names none) and its body, and answered with a `Response` of the answer
 * read whole (a null body for 204 and 304), its `url` the request's. `init.signal` (or the
 * `Request`'s signal) aborts it at any step, and the promise rejects with the signal's
 * reason, as `fetch` does. `redirect`, `credentials`, `cache`, `keepalive` and a
 * `dispatcher` in `init` do not apply to it (tenant operations do not redirect); the answer
 * is asked for uncompressed. A decision the shim cannot take (`SunsetError`,
 * `UnsupportedClusterError`, `AtlasForGovernmentError`, a `ValidationError` of a malformed
 * id or body) or a failed connection rejects with `TypeError('fetch failed')` whose `cause`
 * is the error, as Node's `fetch` does with the undici adapter's dispatcher.
 *
 * @throws {ValidationError} when an option is wrong (before anything is sent).
 */
export function createShimFetch(options: ShimFetchOptions): ShimFetch {
  const { fetch: given, ...shimOptions } = checkObject('options', options) as unknown as ShimFetchOptions;
  const passOn = checkOptional<FetchFunction>('options.fetch', given, func('a fetch function (input, init) => Promise<Response>'));
  const bridge = createTenantBridge(shimOptions);
  let closed = false;

  const shimFetch = async (...args: Parameters<FetchFunction>): Promise<Response> => {
    const [input, init] = args;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = input instanceof Request ? input.url : String(input);
    if (closed || !bridge.serves(method, url)) return (passOn ?? globalThis.fetch)(...args);

    // The Request does what fetch would with the arguments: merges init into a Request, serializes the body, refuses a malformed call.
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    // fetch sends Accept: */* when the caller names none; Atlas answers by it.
    if (!headers.has('accept')) headers.set('accept', '*/*');
    const { signal } = request;
    let answer: BridgeAnswer;
    try {
      answer = await bridge.send({ method: request.method, url: request.url, headers, body: request.body, signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: toError(error) });
    }
    return responseOf(answer, request.url);
  };

  return Object.assign(shimFetch, {
    close() {
      closed = true;
      return bridge.close();
    },
  });
}

/** The answer as a `Response`, as `fetch` would have given it. */
function responseOf(answer: BridgeAnswer, url: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  const body = NULL_BODY_STATUSES.has(answer.status) ? null : answer.body;
  const response = new Response(body, { status: answer.status, statusText: answer.statusText, headers });
  // A constructed Response has an empty url; the one fetch gives names what was fetched.
  Object.defineProperty(response, 'url', { value: url });
  return response;
}
