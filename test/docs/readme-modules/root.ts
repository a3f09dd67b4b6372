// `atlas-snapshot-shim`, as README snippets see it: the built package, at the simulator.
import { createSnapshotShim as create, type SnapshotShimOptions } from '../../../dist/index.js';
import { atSimulator, track } from './context.js';

export * from '../../../dist/index.js';

export function createSnapshotShim(options: SnapshotShimOptions): ReturnType<typeof create> {
  return track(create(atSimulator(options)));
}
