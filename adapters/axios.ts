/**
 * `atlas-snapshot-shim/adapters/axios`: keeps an axios codebase that calls the deprecated
 * shared-tier ("tenant") snapshot operations working across their sunset, with one line on
 * its axios instance:
 *
 * ```js
 * import { axiosSnapshotShim } from 'atlas-snapshot-shim/adapters/axios';
 * const shim = axiosSnapshotShim(api, { credentials: { clientId, clientSecret } });
 * ```
 *
 * `axios` is an optional peer dependency: this subpath imports it (the codebase has it);
 * the package's other subpaths never do.
 *
 * @packageDocumentation
 */
import { Readable } from 'node:stream';
import axios, {
  AxiosError,
  AxiosHeaders,
  CanceledError,
  getAdapter,
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { z } from 'zod';
import { toError } from '../src/errors/shim-error.js';
import { check, rule } from '../src/validation.js';
import type { ShimInterceptorOptions } from './undici.js';
import { createTenantBridge, type BridgeAnswer, type TenantBridge } from './http-clients/tenant-bridge.js';

export type { ShimInterceptorOptions } from './undici.js';

/** What {@link axiosSnapshotShim} returns: the way to take the shim off again. */
export interface AxiosSnapshotShim {
  /**
   * Puts the instance's previous adapter back (when the shim's is still the one installed:
   * a shim installed later over it is left alone, and this one then passes every request
   * on) and closes the shim's own Atlas connections. Requests already in flight finish.
   * Idempotent.
   */
  close(): Promise<void>;
}

const AXIOS_INSTANCE = rule(
  z.custom<AxiosInstance>((value) => {
    const instance = value as Partial<AxiosInstance> | null;
    return (typeof value === 'function' || typeof value === 'object') && instance !== null && typeof instance.getUri === 'function' && typeof instance.defaults === 'object';
  }),
  'an axios instance (axios.create(…), or axios itself)',
);

/**
 * Installs the shim as `instance`'s adapter, in front of the adapter it had, so that its
 * requests to the five deprecated tenant operations (`downloadClusterBackupTenant`,
 * `getBackupTenantRestore`, `listBackupTenantRestores`, `listClusterBackupSnapshots`,
 * `getBackupTenantSnapshot`) on `baseUrl`'s origin are served through the route policy, as
 * the undici adapter serves them (see `createShimInterceptor`):
 *
 * - **Route `tenant`** (a shared M2/M5 cluster before the sunset): the request goes to
 *   Atlas as the instance built it, with its own authentication: a Bearer header, or a
 *   digest response interceptor of the codebase's, which sees Atlas's 401 challenge as
 *   usual and sends the request again signed.
 * - **Route `flex`**: the request goes to the Flex twin and the answer comes back in the
 *   legacy shape (`TenantRestore`, …) under the legacy media type. A caller's
 *   `Authorization: Bearer …` is kept; any other request is signed with
 *   `options.credentials`.
 * - Every other request (another path, origin or method) goes to the instance's own
 *   adapter, untouched.
 *
 * A tenant request is recognized from its method and its full URL (`instance.getUri(config)`:
 * `baseURL`, `url` and `params`). Its `data` as `transformRequest` serialized it and its
 * headers (with `auth` as Basic, and axios's `User-Agent` when it has none) are sent through
 * undici, not through the instance's adapter, so `proxy`, `httpAgent`/`httpsAgent`,
 * `socketPath`, `lookup`, `transport`, `maxRedirects`, `decompress` and the progress
 * callbacks do not apply to it; the answer is asked for uncompressed. `signal`,
 * `cancelToken`, `timeout` and `maxContentLength` do apply. The answer settles as axios's
 * own adapters settle it: `validateStatus` decides, a refused status rejects with an
 * `AxiosError` (`ERR_BAD_REQUEST` for 4xx, `ERR_BAD_RESPONSE` for 5xx) carrying `response`,
 * and `transformResponse` then parses the JSON as for any answer. `response.request` is a
 * plain `{ method, url }`: there is no Node `ClientRequest` to give.
 *
 * A decision the shim cannot take (`SunsetError`, `UnsupportedClusterError`,
 * `AtlasForGovernmentError`, a `ValidationError` of a malformed id or body) or a failed
 * connection rejects with an `AxiosError` made by `AxiosError.from`, as axios wraps a
 * network error: the shim's error is its `cause`, and its `name` and `code` are the shim
 * error's (`'SunsetError'`, `'SUNSET'`…). An abort rejects with a `CanceledError`, a timeout
 * with axios's timeout `AxiosError` (`ECONNABORTED`, or `ETIMEDOUT` with
 * `transitional.clarifyTimeoutError`).
 *
 * A request whose own config names an `adapter` bypasses the instance's, and so the shim.
 *
 * @param instance - the codebase's axios instance; its `defaults.adapter` is replaced until `close()`.
 * @param options - the undici adapter's options (`ShimInterceptorOptions`): `credentials`, `baseUrl`, `route`, `onEvent`…
 * @throws {ValidationError} when `instance` is not an axios instance or an option is wrong, before anything is changed or sent.
 */
export function axiosSnapshotShim(instance: AxiosInstance, options: ShimInterceptorOptions): AxiosSnapshotShim {
  check('instance', instance, AXIOS_INSTANCE);
  const bridge = createTenantBridge(options);
  const previous = instance.defaults.adapter;
  // What axios itself falls back to when an instance names no adapter.
  const own = previous ?? axios.defaults.adapter;
  let closed = false;

  const shimAdapter: AxiosAdapter = (config) => {
    const url = instance.getUri(config);
    const method = (config.method ?? 'get').toUpperCase();
    if (closed || !bridge.serves(method, url)) return getAdapter(own, config)(config);
    return sendThroughShim(bridge, config, method, url);
  };
  instance.defaults.adapter = shimAdapter;

  let closing: Promise<void> | undefined;
  return {
    close() {
      closed = true;
      if (instance.defaults.adapter === shimAdapter) instance.defaults.adapter = previous;
      closing ??= bridge.close();
      return closing;
    },
  };
}

/** The request's abort signals as one: its `signal`, its `cancelToken`, its `timeout`. */
function abortSignalOf(config: InternalAxiosRequestConfig): { signal: AbortSignal | undefined; timedOut: () => boolean; release: () => void } {
  const timeout = config.timeout !== undefined && config.timeout > 0 ? AbortSignal.timeout(config.timeout) : undefined;
  const cancel = config.cancelToken?.toAbortSignal() as (AbortSignal & { unsubscribe?: () => void }) | undefined;
  const signals = [config.signal as AbortSignal | undefined, cancel, timeout].filter((signal) => signal !== undefined);
  return {
    signal: signals.length === 0 ? undefined : AbortSignal.any(signals),
    timedOut: () => timeout?.aborted === true,
    release: () => cancel?.unsubscribe?.(),
  };
}

async function sendThroughShim(bridge: TenantBridge, config: InternalAxiosRequestConfig, method: string, url: string): Promise<AxiosResponse> {
  const headers = AxiosHeaders.from(config.headers);
  // What axios's own Node adapter adds to every request.
  headers.set('User-Agent', `axios/${axios.VERSION}`, false);
  if (config.auth) headers.set('Authorization', `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`);
  const request = { method, url };
  const { signal, timedOut, release } = abortSignalOf(config);
  let answer: BridgeAnswer;
  try {
    answer = await bridge.send({ method, url, headers: headers.toJSON(true) as Record<string, string>, body: config.data, signal });
  } catch (error) {
    if (signal?.aborted) throw abortError(config, request, signal.reason, timedOut());
    throw AxiosError.from(toError(error), undefined, config, request);
  } finally {
    release();
  }
  if (config.maxContentLength !== undefined && config.maxContentLength > -1 && answer.body.length > config.maxContentLength) {
    throw new AxiosError(`maxContentLength size of ${config.maxContentLength} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request);
  }
  const response: AxiosResponse = {
    data: responseData(config, answer.body),
    status: answer.status,
    statusText: answer.statusText,
    headers: new AxiosHeaders(nodeHeaders(answer.headers)),
    config,
    request,
  };
  // axios's settle(): validateStatus decides; without one, every status resolves.
  const { validateStatus } = config;
  if (!validateStatus || validateStatus(answer.status)) return response;
  const code = answer.status >= 400 && answer.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  throw new AxiosError(`Request failed with status code ${answer.status}`, code, config, request, response);
}

/** What axios's own adapters reject an aborted request with. */
function abortError(config: InternalAxiosRequestConfig, request: object, reason: unknown, timedOut: boolean): AxiosError {
  if (timedOut) {
    const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
    return new AxiosError(message, config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED, config, request);
  }
  // A cancelToken aborts with the CanceledError it made.
  if (reason instanceof AxiosError) return reason;
  return new CanceledError(undefined, config, request);
}

/** The body in the form axios's Node adapter gives it for `responseType`, before `transformResponse`. */
function responseData(config: InternalAxiosRequestConfig, body: Buffer): unknown {
  if (config.responseType === 'arraybuffer') return body;
  if (config.responseType === 'stream') return Readable.from([body]);
  const encoding = (config.responseEncoding ?? 'utf8') as BufferEncoding;
  const text = body.toString(encoding);
  return encoding === 'utf8' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Headers as Node's HTTP client gives them, which axios's Node adapter passes on: a repeated header joined with `, `, `set-cookie` kept a list. */
function nodeHeaders(headers: BridgeAnswer['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) && name !== 'set-cookie' ? value.join(', ') : value;
  }
  return out;
}
