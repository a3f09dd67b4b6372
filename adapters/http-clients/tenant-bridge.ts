import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { AtlasResponseError } from '../../src/errors/atlas-errors.js';
import { toError } from '../../src/errors/shim-error.js';
import { DEFAULT_BASE_URL } from '../../src/facade/shim-options.js';
import { collectResponse } from '../../src/http/collect-response.js';
import { editHeaders, type RequestHeaders } from '../../src/http/headers.js';
import { createShimInterceptor, type ShimInterceptorOptions } from '../undici.js';
import { recognizeTenantRequest } from '../undici/tenant-request.js';

/**
 * The tenant operations for HTTP client libraries that do not send through undici's
 * dispatchers (axios, a `fetch` given to a library): the undici adapter's interceptor over an
 * undici dispatcher, and a way to send one of their requests through it and read the answer
 * whole. The library's adapter recognizes a tenant request by asking {@link TenantBridge.serves},
 * hands it over, and turns the {@link BridgeAnswer} into its own response type; every other
 * request stays with the library.
 */

/** A request of an HTTP client library, as the bridge sends it. */
export interface BridgeRequest {
  /** The HTTP method, any case. */
  readonly method: string;
  /** The absolute URL, query included. */
  readonly url: string;
  /** The caller's headers, in any shape undici accepts (an object, a flat list, `Headers`). */
  readonly headers: RequestHeaders;
  /**
   * The body as the library serialized it: a string, bytes (`Uint8Array`, `ArrayBuffer`), a
   * `Blob` or an (async) iterable of bytes such as a stream. The shim reads a download POST's
   * body whole (at most 1 MiB) and refuses a kind that cannot carry JSON (`FormData`).
   */
  readonly body: unknown;
  /** Aborts the request at any step: the route look-up, the Atlas call, the answer. */
  readonly signal: AbortSignal | undefined;
}

/** An answer read whole: tenant answers are small JSON documents (an `ApiError` on failure). */
export interface BridgeAnswer {
  readonly status: number;
  /** The reason phrase Atlas sent, or the standard one of `status` for an answer the shim built. */
  readonly statusText: string;
  /** Lower-case names; a repeated header is an array. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** See the module comment. */
export interface TenantBridge {
  /** Whether `method` to the absolute `url` is one of the five tenant operations on the Atlas origin: the requests {@link send} is for. */
  serves(method: string, url: string): boolean;
  /**
   * Sends a tenant request through the shim and reads the answer whole. Rejects with the
   * shim's error for a decision that cannot be taken (`SunsetError`, `ValidationError`, …),
   * with undici's for a failed connection, or with the abort's reason (an `Error`: a reason
   * of another type becomes one, so check `signal.aborted` to tell an abort).
   */
  send(request: BridgeRequest): Promise<BridgeAnswer>;
  /** Closes the shim's own Atlas connections and the `Agent` the bridge created (never a `dispatcher` it was given). Idempotent. */
  close(): Promise<void>;
}

/**
 * Hop-by-hop and transfer headers a Node HTTP client may carry but undici owns (it refuses
 * `connection` values it does not manage, `keep-alive`, `transfer-encoding`, `upgrade` and
 * `expect` outright), and `accept-encoding`: the answer must come back as plain bytes, since
 * the library that reads it is not the one that would have decompressed it.
 */
const TRANSPORT_HEADERS = ['accept-encoding', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect'];

/**
 * Creates a bridge from the undici adapter's options: tenant requests go through
 * `createShimInterceptor(options)` composed over `options.dispatcher` (default: a new undici
 * `Agent`), exactly as `createShimDispatcher` would send them.
 *
 * @throws {ValidationError} when an option is wrong (before anything is sent or opened).
 */
export function createTenantBridge(options: ShimInterceptorOptions): TenantBridge {
  const interceptor = createShimInterceptor(options);
  // The options passed, so baseUrl is an origin; the interceptor compares against it the same way.
  const origin = new URL(options.baseUrl ?? DEFAULT_BASE_URL).origin;
  const given = options.dispatcher;
  const base = given ?? new Agent();
  const shimmed = base.compose(interceptor);
  const dispatch: Dispatcher.Dispatch = (opts, handler) => shimmed.dispatch(opts, handler);
  let closing: Promise<void> | undefined;

  return {
    serves(method, url) {
      if (!URL.canParse(url)) return false;
      const { origin: to, pathname, search } = new URL(url);
      return recognizeTenantRequest({ origin: to, path: pathname + search, method: method.toUpperCase() as Dispatcher.HttpMethod }, origin) !== undefined;
    },

    async send({ method, url, headers, body, signal }) {
      const target = new URL(url);
      const opts: Dispatcher.DispatchOptions = {
        origin: target.origin,
        path: target.pathname + target.search,
        method: method.toUpperCase() as Dispatcher.HttpMethod,
        headers: editHeaders(headers, TRANSPORT_HEADERS),
        body: body as Dispatcher.DispatchOptions['body'],
      };
      let controller: Dispatcher.DispatchController | undefined;
      const abort = (): void => controller?.abort(toError(signal?.reason));
      signal?.throwIfAborted();
      signal?.addEventListener('abort', abort, { once: true });
      const answer = await collectResponse(dispatch, opts, {
        onStart(started) {
          controller = started;
          if (signal?.aborted) abort();
        },
        onSettle: () => signal?.removeEventListener('abort', abort),
        tooLarge: (status, limit) => new AtlasResponseError(`the answer exceeds ${limit} bytes`, status, { method: opts.method, path: target.pathname }),
      });
      return { status: answer.status, statusText: answer.statusMessage || (STATUS_CODES[answer.status] ?? ''), headers: answer.headers, body: answer.body };
    },

    close() {
      closing ??= Promise.all([interceptor.close(), given === undefined ? base.close() : undefined]).then(() => undefined);
      return closing;
    },
  };
}
