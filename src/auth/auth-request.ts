import { stringify } from 'node:querystring';
import type { Dispatcher } from 'undici';
import { ValidationError } from '../errors/validation-error.js';
import { headerEntries } from '../http/header-entries.js';

/**
 * Request-level helpers shared by the authentication interceptors: which requests they
 * may touch, whether a body can be sent twice, and how to add one header without
 * disturbing the caller's. Also the option checks both factories run.
 */

type Headers = Dispatcher.DispatchOptions['headers'];

/**
 * True when the body can be sent again after a challenge: absent, a string or bytes.
 * Streams and (async) iterables are consumed by the first attempt, so a request carrying
 * one is never retried; FormData and Blob are treated the same way to stay conservative.
 */
export function isReplayableBody(body: unknown): boolean {
  return body === null || body === undefined || typeof body === 'string' || ArrayBuffer.isView(body);
}

/** True when the request already names `name` (case-insensitive) among its headers. */
export function hasHeader(headers: Headers, name: string): boolean {
  const wanted = name.toLowerCase();
  return headerEntries(headers).some(([key]) => key.toLowerCase() === wanted);
}

/**
 * Returns new options whose headers are the caller's plus `name: value`, replacing any
 * earlier value of `name`. A flat list keeps repeated headers that an object would merge.
 */
export function withHeader(opts: Dispatcher.DispatchOptions, name: string, value: string): Dispatcher.DispatchOptions {
  const wanted = name.toLowerCase();
  const flat: string[] = [];
  for (const [key, v] of headerEntries(opts.headers)) {
    if (key.toLowerCase() === wanted) continue;
    for (const item of Array.isArray(v) ? v : [v]) flat.push(key, item);
  }
  flat.push(name, value);
  return { ...opts, headers: flat };
}

/**
 * Moves `opts.query` into `opts.path` the way undici serializes it, so that what a
 * digest signs as `uri` is exactly the request target on the wire.
 */
export function withQueryInPath(opts: Dispatcher.DispatchOptions): Dispatcher.DispatchOptions {
  if (opts.query === undefined || opts.query === null) return opts;
  const query = stringify(opts.query);
  const { query: _dropped, ...rest } = opts;
  return { ...rest, path: query ? `${opts.path}?${query}` : opts.path };
}

/** The origin (`scheme://host:port`) a request is addressed to, or undefined when it has none. */
function requestOrigin(opts: Dispatcher.DispatchOptions): string | undefined {
  if (opts.origin === undefined || opts.origin === null) return undefined;
  try {
    return new URL(String(opts.origin)).origin;
  } catch {
    return undefined;
  }
}

/**
 * True when the interceptor may authenticate this request: it goes to `origin` and the
 * caller did not authorize it already. Everything else passes through untouched, so
 * credentials never leave the configured origin.
 */
export function shouldAuthenticate(opts: Dispatcher.DispatchOptions, origin: string): boolean {
  // The usual case, the origin string exactly as `URL` writes it, needs no parsing.
  const to = opts.origin === origin ? origin : requestOrigin(opts);
  return to === origin && !hasHeader(opts.headers, 'authorization');
}

/** A short, secret-free description of a received option value, for `ValidationError`. */
function describe(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return typeof value;
  if (secret || value.length === 0) return `a string of length ${value.length}`;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** Checks a required string option; control characters would break the header it goes into. */
export function requireString(field: string, value: unknown, secret: boolean, rule?: { noColon?: boolean }): string {
  const ok = typeof value === 'string' && value.length > 0 && !/[\x00-\x1f\x7f]/.test(value);
  if (!ok || (rule?.noColon && value.includes(':'))) {
    const allowed = `a non-empty string without control characters${rule?.noColon ? " or ':'" : ''}`;
    throw new ValidationError(field, allowed, describe(value, secret));
  }
  return value;
}

/** Checks an optional function option. */
export function optionalFunction<T>(field: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ValidationError(field, 'a function', describe(value, false));
  return value as T;
}

/**
 * Checks the `origin` option and returns it as `scheme://host[:port]`. Only http(s)
 * origins without path, query, fragment or credentials are accepted, since that is the
 * one place the interceptor's secrets may go.
 */
export function requireOrigin(field: string, value: unknown): string {
  const allowed = "an http(s) origin such as 'https://cloud.mongodb.com', without path, query or credentials";
  let url: URL | undefined;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string' && URL.canParse(value)) url = new URL(value);
  if (url === undefined) throw new ValidationError(field, allowed, describe(value, false));
  // Never echo a URL that carries credentials.
  if (url.username || url.password) throw new ValidationError(field, allowed, 'a URL with credentials');
  const originOnly = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  if (!originOnly || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ValidationError(field, allowed, describe(url.href, false));
  }
  return url.origin;
}
