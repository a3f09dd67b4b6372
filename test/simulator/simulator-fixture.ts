import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
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
