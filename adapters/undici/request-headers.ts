import type { Dispatcher } from 'undici';
import { headerEntries } from '../../src/http/header-entries.js';

/**
 * Reading and editing request headers in whichever shape undici was given them: an
 * object (what `fetch` passes), a flat `[name, value, …]` list, a list of pairs, or an
 * iterable such as `Headers`.
 */

type Headers = Dispatcher.DispatchOptions['headers'];

/** The headers as a flat `[name, value, name, value, …]` list; repeated headers stay repeated. */
export function flatHeaders(headers: Headers): string[] {
  const out: string[] = [];
  for (const [name, value] of headerEntries(headers)) for (const item of Array.isArray(value) ? value : [value]) out.push(name, item);
  return out;
}

/** The first value of header `name` (case-insensitive), or undefined. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const flat = flatHeaders(headers);
  const wanted = name.toLowerCase();
  for (let i = 0; i < flat.length; i += 2) if (flat[i]?.toLowerCase() === wanted) return flat[i + 1];
  return undefined;
}

/** The headers without any of `names` (case-insensitive), plus `set`, as a flat list. */
export function editHeaders(headers: Headers, drop: readonly string[], set: Readonly<Record<string, string>>): string[] {
  const dropped = new Set([...drop, ...Object.keys(set)].map((name) => name.toLowerCase()));
  const flat = flatHeaders(headers);
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i] as string;
    if (!dropped.has(name.toLowerCase())) out.push(name, flat[i + 1] as string);
  }
  for (const [name, value] of Object.entries(set)) out.push(name, value);
  return out;
}

/**
 * The caller's `Authorization` value when it is a Bearer token, which stays valid on any
 * path of the origin. A digest signature covers the request URI, so it could not survive
 * a path rewrite, and Basic is not an Atlas scheme: both give undefined.
 */
export function bearerAuthorization(headers: Headers): string | undefined {
  const value = headerValue(headers, 'authorization');
  return value !== undefined && /^\s*Bearer\s+\S/i.test(value) ? value : undefined;
}
