// `atlas-snapshot-shim/adapters/fetch`, as README snippets see it: at the simulator.
import { createShimFetch as create, type ShimFetch, type ShimFetchOptions } from '../../../dist/adapters/fetch.js';
import { atSimulator, track } from './context.js';

export * from '../../../dist/adapters/fetch.js';

export function createShimFetch(options: ShimFetchOptions): ShimFetch {
  return track(create(atSimulator(options)));
}
