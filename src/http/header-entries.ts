import type { Dispatcher } from 'undici';

/** Request headers in any of the shapes undici accepts. */
export type RequestHeaders = Dispatcher.DispatchOptions['headers'];

/**
 * Header entries as `[name, value]` pairs, whichever of undici's header shapes was given:
 * an object (what `fetch` passes), a flat `[name, value, …]` list, a list of pairs, or an
 * iterable such as `Headers`. Absent values are left out; repeated values stay together.
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
