import { Agent, type Dispatcher } from 'undici';

// The storage host authenticates with the URL's signature alone; Atlas credentials must
// never reach it, and a cookie for it is never needed either.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie']);

type Headers = Dispatcher.DispatchOptions['headers'];

function isCredential(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

/** The same headers without `Authorization` or `Cookie`, whatever form undici was given them in. */
export function stripCredentialHeaders(headers: Headers): Headers {
  if (headers === undefined || headers === null) return headers;
  if (Array.isArray(headers)) {
    const kept: string[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!isCredential(headers[i]!)) kept.push(headers[i]!, headers[i + 1]!);
    }
    return kept;
  }
  const entries: Iterable<[string, string | string[] | undefined]> =
    Symbol.iterator in headers ? (headers as Iterable<[string, string | string[] | undefined]>) : Object.entries(headers);
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of entries) {
    if (value !== undefined && !isCredential(name)) kept[name] = value;
  }
  return kept;
}

/**
 * An undici interceptor that removes `Authorization` and `Cookie` from every request it
 * dispatches. Composed outermost, so it sees what this library (or a caller's wrapper
 * around it) would add; interceptors already inside a caller's dispatcher run after it and
 * are trusted to limit credentials to their own origin, as the shim's Atlas interceptors do.
 */
export function createCredentialStripInterceptor(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => dispatch({ ...opts, headers: stripCredentialHeaders(opts.headers) }, handler);
}

let sharedAgent: Agent | undefined;
let sharedDispatcher: Dispatcher | undefined;

/**
 * The dispatcher snapshot requests go through: the caller's, or by default a module-level
 * keep-alive Agent without any authentication (connect timeout 10 s, headers and body
 * timeouts 30 s each), with credential headers stripped in either case. The default Agent
 * lives as long as the process; its idle sockets do not keep the process alive.
 */
export function snapshotDispatcher(given: Dispatcher | undefined): Dispatcher {
  if (given !== undefined) return given.compose(createCredentialStripInterceptor());
  sharedAgent ??= new Agent({ connect: { timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 30_000 });
  sharedDispatcher ??= sharedAgent.compose(createCredentialStripInterceptor());
  return sharedDispatcher;
}
