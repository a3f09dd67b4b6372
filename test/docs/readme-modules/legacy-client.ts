// `atlas-snapshot-shim/adapters/legacy-client`, as README snippets see it: at the simulator.
import { createLegacyClient as create, type SnapshotShimOptions } from '../../../dist/adapters/legacy-client.js';
import { atSimulator, track } from './context.js';

export * from '../../../dist/adapters/legacy-client.js';

export function createLegacyClient(options: SnapshotShimOptions): ReturnType<typeof create> {
  return track(create(atSimulator(options)));
}
