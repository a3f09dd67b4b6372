import { AsyncLocalStorage } from 'node:async_hooks';
import type { AtlasRequestMessage } from './channel-messages.js';
import type { ShimLog } from './shim-logger.js';

/** What an observed Atlas call shares with the code that runs inside it (the retry loop). */
export interface RequestScope {
  /** The call's tracing message: a retry advances its `attempt`. */
  readonly message: AtlasRequestMessage;
  /** The logger of the shim that sent the call. */
  readonly log: ShimLog | undefined;
}

// Retries happen deep inside a call, out of reach of the shim that sent it: the scope follows the call's async chain instead of being passed down.
const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (an Atlas call) with `scope` visible to everything it awaits. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the observed Atlas call running now, undefined outside one (or when nobody observes). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
