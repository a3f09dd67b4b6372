// `atlas-snapshot-shim/adapters/undici`, as README snippets see it: at the simulator.
import type { Dispatcher } from 'undici';
import { createShimDispatcher as createDispatcher, createShimInterceptor as createInterceptor, type ShimInterceptorOptions } from '../../../dist/adapters/undici.js';
import { atSimulator, track } from './context.js';

export * from '../../../dist/adapters/undici.js';

export function createShimDispatcher(options: ShimInterceptorOptions, base?: Dispatcher): Dispatcher {
  return track(createDispatcher(atSimulator(options), base));
}

export function createShimInterceptor(options: ShimInterceptorOptions): ReturnType<typeof createInterceptor> {
  return track(createInterceptor(atSimulator(options)));
}
