import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startAtlasSimulator, type AtlasSimulator, type AtlasSimulatorOptions } from '../../../src/simulator/index.js';
import type { Closeable } from '../../simulator/simulator-fixture.js';
import { startAtlasProxy, type AtlasProxy } from './atlas-proxy.js';

/** What {@link useProxiedSimulator} sets up for a test file. */
export interface ProxiedSimulator {
  /** The simulator: started before the file's tests, so read it inside tests and hooks only. */
  readonly sim: AtlasSimulator;
  /** The recording proxy in front of it: the baseUrl the file's shims are given. */
  readonly proxy: AtlasProxy;
  /** A temporary directory, removed after the file's tests. */
  readonly dir: string;
  /** The simulator's clock. Never reset: these files' tests set it where it matters, and record across tests. */
  clock: Date;
  /** Closes `closeable` after the file's tests, before the proxy and the simulator; returns it. */
  closeAtEnd<T extends Closeable>(closeable: T): T;
}

/**
 * Registers the hooks of a security file whose tests share a simulator behind the recording
 * proxy (see {@link startAtlasProxy}) and a temporary directory named after `dirPrefix`:
 * started before the tests; after them, what was given to `closeAtEnd` is closed, then the
 * proxy and the simulator, and the directory is removed.
 */
export function useProxiedSimulator({ clock, dirPrefix, ...options }: AtlasSimulatorOptions & { readonly clock: Date; readonly dirPrefix: string }): ProxiedSimulator {
  const open: Closeable[] = [];
  const fx: ProxiedSimulator & { sim: AtlasSimulator; proxy: AtlasProxy; dir: string } = {
    sim: undefined as unknown as AtlasSimulator,
    proxy: undefined as unknown as AtlasProxy,
    dir: '',
    clock,
    closeAtEnd(closeable) {
      open.push(closeable);
      return closeable;
    },
  };
  beforeAll(async () => {
    fx.sim = await startAtlasSimulator({ ...options, now: () => fx.clock });
    fx.proxy = await startAtlasProxy(fx.sim.url);
    fx.dir = await mkdtemp(join(tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    await Promise.all(open.splice(0).map((closeable) => closeable.close()));
    await fx.proxy?.close();
    await fx.sim?.stop();
    if (fx.dir) await rm(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
