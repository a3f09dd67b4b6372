import type { IncomingHttpHeaders } from 'node:http';
import { stringify } from 'node:querystring';
import type { Dispatcher } from 'undici';

/**
 * Reading and editing what an undici request carries (its headers, in every shape undici
 * accepts them, its origin and its path with the query) and the headers of an answer: the
 * one home of these helpers for the Atlas client, the authentication interceptors, the
 * snapshot download and the adapters.
 */

/** Request headers in any of the shapes undici accepts: an object (what `fetch` passes), a flat `[name, value, …]` list, a list of pairs, or an iterable such as `Headers`. */
export type RequestHeaders = Dispatcher.DispatchOptions['headers'];

/** The first value of a response header as undici gives it (lower-case name, one string or several). */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The first value of response header `name`, whatever the case of its name in `headers`. */
export function responseHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  return firstValue(headers[name.toLowerCase()]);
}

/**
 * Request header entries as `[name, value]` pairs, whichever shape was given. Absent values
 * are left out; repeated values stay together.
 */
export function headerEntries(headers: RequestHeaders): Array<[string, string | string[]]> {
  const out: Array<[string, string | string[]]> = [];
  const add = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return;
    out.push([String(name), Array.isArray(value) ? value.map(String) : String(value)]);
  };
  if (headers === null || headers === undefined) return out;
  if (Array.isArray(headers)) {
    // A flat [name, value, name, value] list and a list of [name, value] pairs are both arrays.
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as unknown as Array<[unknown, unknown]>) add(pair[0], pair[1]);
    } else {
      for (let i = 0; i < headers.length; i += 2) add(headers[i], headers[i + 1]);
    }
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of headers as Iterable<[string, unknown]>) add(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value);
  }
  return out;
}

/** The first value of request header `name` (case-insensitive), or undefined. */
export function requestHeader(headers: RequestHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = headerEntries(headers).find(([key]) => key.toLowerCase() === wanted);
  return entry === undefined ? undefined : firstValue(entry[1]);
}

/** True when the request names `name` (case-insensitive) among its headers. */
export function hasHeader(headers: RequestHeaders, name: string): boolean {
  return requestHeader(headers, name) !== undefined;
}

/**
 * The request headers without any of `drop` (case-insensitive), and with `set` replacing
 * whatever the request had under those names, as a flat `[name, value, …]` list: it keeps
 * repeated headers that an object would merge.
 */
export function editHeaders(headers: RequestHeaders, drop: readonly string[], set: Readonly<Record<string, string>> = {}): string[] {
  const dropped = new Set([...drop, ...Object.keys(set)].map((name) => name.toLowerCase()));
  const out: string[] = [];
  for (const [name, value] of headerEntries(headers)) {
    if (dropped.has(name.toLowerCase())) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.push(name, item);
  }
  for (const [name, value] of Object.entries(set)) out.push(name, value);
  return out;
}

/** The request's options with `name: value` among its headers, replacing any earlier value of `name`. */
export function withHeader(opts: Dispatcher.DispatchOptions, name: string, value: string): Dispatcher.DispatchOptions {
  return { ...opts, headers: editHeaders(opts.headers, [], { [name]: value }) };
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

/** The origin (`scheme://host:port`) a request is addressed to, or undefined when it has none or it does not parse. */
export function originOf(opts: Dispatcher.DispatchOptions): string | undefined {
  if (opts.origin === undefined || opts.origin === null) return undefined;
  const origin = String(opts.origin);
  return URL.canParse(origin) ? new URL(origin).origin : undefined;
}
