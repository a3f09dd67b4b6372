import { getGlobalDispatcher, request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterEach, beforeEach } from 'vitest';
import { createLegacyClient, type LegacyClient, type SnapshotShimOptions } from '../../adapters/legacy-client.js';
import { createShimDispatcher, type ShimInterceptorOptions } from '../../adapters/undici.js';
import { responseOf, type TestResponse } from '../simulator/digest-test-client.js';
import type { SharedSimulator } from '../simulator/simulator-fixture.js';

export { AFTER, BEFORE, serviceAccountToken, SUNSET, useSimulator, type SharedSimulator } from '../simulator/simulator-fixture.js';

/**
 * The undici adapter's dispatcher on the fixture's simulator: its client options, events
 * into `fx.events`, then `overrides`, over `base` (default: a new Agent); closed after the test.
 */
export function shimDispatcher(fx: SharedSimulator, overrides: Partial<ShimInterceptorOptions> = {}, base?: Dispatcher): Dispatcher {
  return fx.closeAfterTest(createShimDispatcher({ ...fx.clientOptions(), onEvent: fx.onEvent, ...overrides }, base));
}

/** The legacy client on the fixture's simulator: its client options, then `overrides`; closed after the test. */
export function legacyClient(fx: SharedSimulator, overrides: Partial<SnapshotShimOptions> = {}): LegacyClient {
  return fx.closeAfterTest(createLegacyClient({ ...fx.clientOptions(), ...overrides }));
}

/** Puts back, after each test, the global dispatcher a test installed its own over. */
export function restoreGlobalDispatcher(): void {
  let previous: Dispatcher;
  beforeEach(() => {
    previous = getGlobalDispatcher();
  });
  afterEach(() => {
    setGlobalDispatcher(previous);
  });
}

/** One request through `dispatcher`, read whole. */
export async function send(
  dispatcher: Dispatcher,
  method: 'GET' | 'POST',
  url: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<TestResponse> {
  return responseOf(await request(url, { method, dispatcher, headers: options.headers, body: options.body }));
}
