// `atlas-snapshot-shim/adapters/axios`, as README snippets see it: at the simulator.
import type { AxiosInstance } from 'axios';
import { axiosSnapshotShim as install, type AxiosSnapshotShim, type ShimInterceptorOptions } from '../../../dist/adapters/axios.js';
import { atSimulator, track } from './context.js';

export * from '../../../dist/adapters/axios.js';

export function axiosSnapshotShim(instance: AxiosInstance, options: ShimInterceptorOptions): AxiosSnapshotShim {
  return track(install(instance, atSimulator(options)));
}
