import { Agent, type Dispatcher } from 'undici';

/** A base dispatcher that remembers every `Authorization` value sent through it (the shim composes its auth on top). */
export function recordingDispatcher(): { dispatcher: Dispatcher; authorizations: Set<string>; close(): Promise<void> } {
  const authorizations = new Set<string>();
  const agent = new Agent();
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    for (const [name, value] of headerPairs(opts.headers)) {
      if (name.toLowerCase() === 'authorization') authorizations.add(value);
    }
    return dispatch(opts, handler);
  });
  return { dispatcher, authorizations, close: () => agent.close() };
}

function headerPairs(headers: Dispatcher.DispatchOptions['headers']): Array<[string, string]> {
  if (headers == null) return [];
  if (Array.isArray(headers)) {
    const flat = headers as unknown[];
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([String(flat[i]), String(flat[i + 1])]);
    return pairs;
  }
  return Object.entries(headers as Record<string, unknown>).map(([name, value]) => [name, String(value)]);
}

/**
 * The secret parts of what a test saw: credentials, the bearer tokens (and digest
 * responses) that went over the wire, and the unguessable parts of each snapshotUrl: its
 * whole query, and each signature or credential in it.
 */
export function secretsOf(input: { credentials: readonly string[]; authorizations: Iterable<string>; snapshotUrls: Iterable<string> }): string[] {
  const secrets = new Set<string>(input.credentials);
  for (const authorization of input.authorizations) {
    const bearer = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (bearer !== undefined) secrets.add(bearer);
    const response = /response="([^"]+)"/.exec(authorization)?.[1];
    if (response !== undefined) secrets.add(response);
  }
  for (const url of input.snapshotUrls) {
    const parsed = new URL(url);
    if (parsed.search) secrets.add(parsed.search.slice(1));
    for (const [name, value] of parsed.searchParams) if (/signature|credential/i.test(name)) secrets.add(value);
  }
  return [...secrets].filter((secret) => secret.length >= 8);
}
