import { request } from 'undici';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createSnapshotShim, type ShimEvent, type SnapshotShim, type SnapshotShimOptions } from '../../src/index.js';
import { startAtlasSimulator, type AtlasSimulator, type AtlasSimulatorOptions } from '../../src/simulator/index.js';
import { DigestTestClient, type TestResponse } from './digest-test-client.js';

/** A date well before the default sunset (2026-01-22), and one well after it. */
export const BEFORE_SUNSET = new Date('2025-10-01T12:00:00Z');
export const AFTER_SUNSET = new Date('2026-03-01T12:00:00Z');

/** A started simulator with a digest client; `close()` stops both (idempotent). */
export interface SimulatorFixture {
  readonly sim: AtlasSimulator;
  readonly client: DigestTestClient;
  readonly group: string;
  close(): Promise<void>;
}

/**
 * Starts a simulator whose Atlas clock is pinned before the sunset unless the options say
 * otherwise: the real date may already be past the sunset, and tests must not depend on it.
 */
export async function startFixture(options: AtlasSimulatorOptions = {}): Promise<SimulatorFixture> {
  const sim = await startAtlasSimulator({ now: () => new Date(BEFORE_SUNSET), ...options });
  const client = new DigestTestClient(sim.url, sim.apiKey);
  let closing: Promise<void> | undefined;
  return {
    sim,
    client,
    group: `/api/atlas/v2/groups/${sim.groupId}`,
    close() {
      closing ??= client.close().then(() => sim.stop());
      return closing;
    },
  };
}

/** GET with the versioned `Accept` of a family. */
export function get(client: DigestTestClient, path: string, accept: string): Promise<TestResponse> {
  return client.send('GET', path, { accept });
}

/** POST a JSON body with the versioned `Accept` and `Content-Type` of a family. */
export function post(client: DigestTestClient, path: string, mediaType: string, body: unknown): Promise<TestResponse> {
  return client.send('POST', path, { accept: mediaType, contentType: mediaType, body });
}

/** Polls `path` until its body's status is one of `statuses` (or the deadline passes). */
export async function pollUntil(
  client: DigestTestClient,
  path: string,
  accept: string,
  statuses: readonly string[],
  timeoutMs = 10_000,
): Promise<TestResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await get(client, path, accept);
    if (response.status !== 200 || statuses.includes(response.json.status) || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE };

/**
 * The sunset the shim tests configure (the default one), and the instants before and after
 * it where the facade, adapter and end-to-end tests pin their clock.
 */
export const SUNSET = new Date('2026-01-22T00:00:00Z');
export const BEFORE = new Date('2026-01-10T12:00:00Z');
export const AFTER = new Date('2026-02-10T12:00:00Z');

/** Anything a test opens and must close: a shim, a legacy client, a dispatcher. */
export interface Closeable {
  close(): Promise<unknown>;
}

/** The options every client on a {@link SharedSimulator} starts from. */
export interface ClientOptions {
  readonly baseUrl: string;
  readonly credentials: AtlasSimulator['apiKey'];
  readonly sunsetDate: Date;
  readonly now: () => Date;
}

/** One simulator for a test file's tests, with the clock, events and clients they share (see {@link useSimulator}). */
export interface SharedSimulator {
  /** The simulator: started before the file's tests, so read it inside tests and hooks only. */
  readonly sim: AtlasSimulator;
  /** The clock of the simulator and of every client made from {@link clientOptions}: set it in a test; it is reset after each. */
  clock: Date;
  /** What {@link onEvent} received, emptied after each test. */
  readonly events: ShimEvent[];
  /** An `onEvent` option collecting into {@link events}. */
  readonly onEvent: (event: ShimEvent) => void;
  /** baseUrl, the API key, {@link SUNSET} and the clock: the options of a shim, legacy client or dispatcher on the simulator. */
  clientOptions(): ClientOptions;
  /** Closes `closeable` after the current test; returns it. */
  closeAfterTest<T extends Closeable>(closeable: T): T;
  /** A shim on the simulator ({@link clientOptions} with `overrides`), closed after the test. */
  shim(overrides?: Partial<SnapshotShimOptions>): SnapshotShim;
}

/**
 * Registers the hooks of a file whose tests share one simulator: it is started before them
 * on the shared clock (with `options`) and stopped after them; after each test the clients
 * it was given are closed, the clock is set back to `clock`, the simulator's own clock
 * override and request log are cleared, and the events emptied.
 */
export function useSimulator({ clock, ...options }: AtlasSimulatorOptions & { readonly clock: Date }): SharedSimulator {
  const open: Closeable[] = [];
  const fx: SharedSimulator & { sim: AtlasSimulator } = {
    sim: undefined as unknown as AtlasSimulator,
    clock,
    events: [],
    onEvent: (event) => void fx.events.push(event),
    clientOptions: () => ({ baseUrl: fx.sim.url, credentials: fx.sim.apiKey, sunsetDate: SUNSET, now: () => fx.clock }),
    closeAfterTest(closeable) {
      open.push(closeable);
      return closeable;
    },
    shim: (overrides = {}) => fx.closeAfterTest(createSnapshotShim({ ...fx.clientOptions(), ...overrides })),
  };
  beforeAll(async () => {
    fx.sim = await startAtlasSimulator({ ...options, now: () => fx.clock });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((closeable) => closeable.close()));
    fx.clock = clock;
    fx.sim.setNow(undefined);
    fx.sim.clearRequests();
    fx.events.length = 0;
  });
  afterAll(async () => {
    await fx.sim?.stop();
  });
  return fx;
}

/** A service-account bearer token from the simulator's token endpoint (client credentials). */
export async function serviceAccountToken(sim: AtlasSimulator, origin = sim.url): Promise<string> {
  const { clientId, clientSecret } = sim.serviceAccount;
  const response = await request(`${origin}/api/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await response.body.json()) as { access_token: string }).access_token;
}
