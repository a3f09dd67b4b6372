import { getGlobalDispatcher, request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShimDispatcher } from '../../adapters/undici.js';
import type { ShimEvent } from '../../src/events/shim-event.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { exportSnapshot, type ExportSnapshotInput } from '../../examples/raw-http/snapshot-export.mjs';

// The example's code is never changed here: only the dispatcher installed around it.

const SUNSET = new Date('2026-01-22T00:00:00Z');
const BEFORE = new Date('2026-01-10T12:00:00Z');
const AFTER = new Date('2026-02-10T12:00:00Z');

let sim: AtlasSimulator;
let clock = BEFORE;
let token: string;
let previous: Dispatcher;
const dispatchers: Dispatcher[] = [];
let events: ShimEvent[] = [];

beforeAll(async () => {
  // Jobs take a few polls to complete, so the example's polling loop runs for real.
  sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 200 });
  const { clientId, clientSecret } = sim.serviceAccount;
  const response = await request(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  token = ((await response.body.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  previous = getGlobalDispatcher();
});
afterEach(async () => {
  setGlobalDispatcher(previous);
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  sim.clearRequests();
  events = [];
  clock = BEFORE;
});

/** The README's one line, with the test's clock and simulator. */
function shimDispatcher(): Dispatcher {
  const dispatcher = createShimDispatcher({
    baseUrl: sim.url,
    credentials: sim.serviceAccount,
    sunsetDate: SUNSET,
    now: () => clock,
    onEvent: (event) => events.push(event),
  });
  dispatchers.push(dispatcher);
  return dispatcher;
}

function input(cluster: string, extra: Partial<ExportSnapshotInput> = {}): ExportSnapshotInput {
  return { baseUrl: sim.url, groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string, token, pollIntervalMs: 20, timeoutMs: 10_000, ...extra };
}

const backupCalls = () => sim.requests.filter((r) => r.path.includes('/backup/')).map((r) => [r.operationId, r.auth, r.status]);

async function expectDownloadable(job: Record<string, unknown>, snapshotId: string): Promise<void> {
  const response = await request(String(job.snapshotUrl));
  const bytes = Buffer.from(await response.body.arrayBuffer());
  expect(response.statusCode).toBe(200);
  expect(bytes.length).toBe(sim.snapshotSize(snapshotId));
}

describe('the raw-http example, unchanged', () => {
  it('works before the sunset without the shim (the baseline it was written for)', async () => {
    const job = await exportSnapshot(input(sim.clusters.shared));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: sim.clusters.shared });
    expect(backupCalls()[0]).toEqual(['downloadClusterBackupTenant', 'bearer', 200]);
  });

  it('breaks after the sunset without the shim: Atlas answers 404', async () => {
    clock = AFTER;
    await expect(exportSnapshot(input(sim.clusters.shared))).rejects.toThrow(/answered HTTP 404/);
  });

  it('after the sunset, with the shim installed by setGlobalDispatcher: completes through Flex', async () => {
    clock = AFTER;
    setGlobalDispatcher(shimDispatcher());
    const cluster = sim.clusters.shared;
    const job = await exportSnapshot(input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0], targetDeploymentItemName: cluster });
    await expectDownloadable(job, sim.snapshotIds(cluster)[0] as string);

    const calls = backupCalls();
    expect(calls[0]).toEqual(['downloadFlexBackup', 'bearer', 200]);
    // The example polled more than once, each poll served by getFlexRestoreJob with the caller's token.
    expect(calls.slice(1).length).toBeGreaterThan(1);
    expect(calls.slice(1).every(([operationId, auth]) => operationId === 'getFlexRestoreJob' && auth === 'bearer')).toBe(true);
    expect(calls.some(([operationId]) => String(operationId).includes('Tenant'))).toBe(false);
    const rewrites = events.filter((e) => e.type === 'legacy-rewrite');
    expect(rewrites).toHaveLength(calls.length);
    expect(rewrites[0]).toMatchObject({ operationId: 'downloadClusterBackupTenant', method: 'POST' });
  });

  it('before the sunset, with the shim installed: still the tenant endpoint, untouched', async () => {
    setGlobalDispatcher(shimDispatcher());
    const cluster = sim.clusters.sharedM5;
    const job = await exportSnapshot(input(cluster));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    const calls = backupCalls();
    expect(calls[0]).toEqual(['downloadClusterBackupTenant', 'bearer', 200]);
    expect(calls.every(([operationId]) => String(operationId).includes('Tenant'))).toBe(true);
    expect(events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });

  it('after the sunset, with the shim passed as the dispatcher instead', async () => {
    clock = AFTER;
    const cluster = sim.clusters.sharedM5;
    const job = await exportSnapshot(input(cluster, { dispatcher: shimDispatcher() }));
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: cluster });
    expect(backupCalls()[0]).toEqual(['downloadFlexBackup', 'bearer', 200]);
  });
});
