/**
 * What README snippets run against: the simulator's URL and sample credentials, and the
 * shims and dispatchers the snippets create, closed after each one. The README's own
 * imports of `atlas-snapshot-shim…` are mapped to the modules beside this one, which
 * re-export the built package and point its factories at the simulator, as an alias in a
 * bundler would: the snippets' text is run unchanged.
 */
export interface ReadmeContext {
  url: string;
  apiKey: { publicKey: string; privateKey: string };
  serviceAccount: { clientId: string; clientSecret: string };
  groupId: string;
  clusterName: string;
  snapshotId: string;
}

let current: ReadmeContext | undefined;
const opened: Array<{ close(): Promise<unknown> }> = [];

/** Sets the simulator the next snippets run against. */
export function setReadmeContext(context: ReadmeContext): void {
  current = context;
}

/** The simulator the snippets run against. */
export function readmeContext(): ReadmeContext {
  if (current === undefined) throw new Error('readme context not set');
  return current;
}

/**
 * Points a factory's options at the simulator: a snippet that names no `baseUrl`, or one
 * off this machine, gets the README's simulator; a snippet that starts its own simulator
 * keeps it. Nothing a snippet runs leaves 127.0.0.1.
 */
export function atSimulator<T extends { baseUrl?: string }>(options: T): T & { baseUrl: string } {
  const own = options.baseUrl;
  return { ...options, baseUrl: own !== undefined && new URL(own).hostname === '127.0.0.1' ? own : readmeContext().url };
}

/** Remembers something a snippet opened, to close it afterwards. */
export function track<T extends { close(): Promise<unknown> }>(resource: T): T {
  opened.push(resource);
  return resource;
}

/** Closes everything the snippets opened. */
export async function closeTracked(): Promise<void> {
  await Promise.allSettled(opened.splice(0).map((resource) => resource.close()));
}
