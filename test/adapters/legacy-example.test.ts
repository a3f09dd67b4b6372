import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyClient, type LegacyClient, type ShimEvent } from '../../adapters/legacy-client.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';
import { downloadLatestSnapshot } from '../../examples/legacy-operations/backup-job.mjs';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const SUNSET = new Date('2026-01-22T00:00:00Z');
const BEFORE = new Date('2026-01-10T12:00:00Z');
const AFTER = new Date('2026-02-10T12:00:00Z');
const EXAMPLE = new URL('../../examples/legacy-operations/backup-job.mjs', import.meta.url);

let sim: Simulator;
let clock = BEFORE;
let events: ShimEvent[] = [];
let client: LegacyClient | undefined;

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 150 });
});
afterAll(async () => {
  await sim.stop();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  events = [];
  clock = BEFORE;
  sim.clearRequests();
});

/** The one line the migration changes: the client the existing code is given. */
function legacyClient(): LegacyClient {
  client = createLegacyClient({ baseUrl: sim.url, credentials: sim.apiKey, sunsetDate: SUNSET, now: () => clock, onEvent: (e) => events.push(e) });
  return client;
}

async function sha256Of(url: string): Promise<string> {
  const response = await request(url);
  expect(response.statusCode).toBe(200);
  return createHash('sha256').update(Buffer.from(await response.body.arrayBuffer())).digest('hex');
}

const snapshotOperations = () => sim.requests.filter((r) => r.status === 200 && /\/backup\//.test(r.path)).map((r) => r.operationId);

describe('the backup job of examples/legacy-operations, unchanged', () => {
  it('before the sunset downloads the newest snapshot through the tenant endpoints', async () => {
    const cluster = sim.clusters.shared;
    const newest = sim.snapshotIds(cluster)[0] as string;
    const url = await downloadLatestSnapshot(legacyClient(), sim.groupId, cluster, { pollIntervalMs: 20 });
    expect(url).toContain(`/${newest}.tar.gz`);
    expect(await sha256Of(url)).toBe(sim.snapshotSha256(newest));
    const operations = snapshotOperations();
    expect(operations.slice(0, 3)).toEqual(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']);
    expect(new Set(operations)).toEqual(new Set(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']));
    expect(events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });

  it('after the sunset downloads it through the Flex endpoints, each call reported', async () => {
    clock = AFTER;
    const cluster = sim.clusters.shared;
    const newest = sim.snapshotIds(cluster)[0] as string;
    const url = await downloadLatestSnapshot(legacyClient(), sim.groupId, cluster, { pollIntervalMs: 20 });
    expect(url).toContain(`/${newest}.tar.gz`);
    expect(await sha256Of(url)).toBe(sim.snapshotSha256(newest));
    const operations = snapshotOperations();
    expect(new Set(operations)).toEqual(new Set(['listFlexBackupSnapshots', 'downloadFlexBackup', 'getFlexRestoreJob']));
    const rewrites = events.flatMap((e) => (e.type === 'legacy-rewrite' ? [e.operationId] : []));
    expect(rewrites).toHaveLength(operations.length);
    expect(rewrites.slice(0, 3)).toEqual(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it('after the sunset, a FAILED job reaches the existing code as FAILED', async () => {
    clock = AFTER;
    const cluster = sim.clusters.sharedM5;
    sim.failJobsFor(sim.snapshotIds(cluster)[0] as string);
    await expect(downloadLatestSnapshot(legacyClient(), sim.groupId, cluster, { pollIntervalMs: 20 })).rejects.toThrow(/failed/);
    expect(snapshotOperations()).toContain('getFlexRestoreJob');
  });

  it('imports nothing: it is handed its client, so it runs before the package is published', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).not.toMatch(/^\s*import\s|\bimport\s*\(|\brequire\s*\(/m);
  });
});
