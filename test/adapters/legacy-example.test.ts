import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { LegacyClient } from '../../adapters/legacy-client.js';
import { downloadLatestSnapshot } from '../../examples/legacy-operations/backup-job.mjs';
import { AFTER, BEFORE, legacyClient, useSimulator } from './adapter-fixture.js';

const EXAMPLE = new URL('../../examples/legacy-operations/backup-job.mjs', import.meta.url);

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 150 });

/** The one line the migration changes: the client the existing code is given. */
const migratedClient = (): LegacyClient => legacyClient(fx, { onEvent: fx.onEvent });

async function sha256Of(url: string): Promise<string> {
  const response = await request(url);
  expect(response.statusCode).toBe(200);
  return createHash('sha256').update(Buffer.from(await response.body.arrayBuffer())).digest('hex');
}

const snapshotOperations = () => fx.sim.requests.filter((r) => r.status === 200 && /\/backup\//.test(r.path)).map((r) => r.operationId);

/** Runs the example on the shared cluster, checks it got the newest snapshot whole, and returns the snapshot operations it called. */
async function savesNewestSharedSnapshot(): Promise<Array<string | undefined>> {
  const cluster = fx.sim.clusters.shared;
  const newest = fx.sim.snapshotIds(cluster)[0] as string;
  const url = await downloadLatestSnapshot(migratedClient(), fx.sim.groupId, cluster, { pollIntervalMs: 20 });
  expect(url).toContain(`/${newest}.tar.gz`);
  expect(await sha256Of(url)).toBe(fx.sim.snapshotSha256(newest));
  return snapshotOperations();
}

describe('the backup job of examples/legacy-operations, unchanged', () => {
  it('before the sunset downloads the newest snapshot through the tenant endpoints', async () => {
    const operations = await savesNewestSharedSnapshot();
    expect(operations.slice(0, 3)).toEqual(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']);
    expect(new Set(operations)).toEqual(new Set(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']));
    expect(fx.events.filter((e) => e.type === 'legacy-rewrite')).toEqual([]);
  });

  it('after the sunset downloads it through the Flex endpoints, each call reported', async () => {
    fx.clock = AFTER;
    const operations = await savesNewestSharedSnapshot();
    expect(new Set(operations)).toEqual(new Set(['listFlexBackupSnapshots', 'downloadFlexBackup', 'getFlexRestoreJob']));
    const rewrites = fx.events.flatMap((e) => (e.type === 'legacy-rewrite' ? [e.operationId] : []));
    expect(rewrites).toHaveLength(operations.length);
    expect(rewrites.slice(0, 3)).toEqual(['listClusterBackupSnapshots', 'downloadClusterBackupTenant', 'getBackupTenantRestore']);
  });

  it('after the sunset, a FAILED job reaches the existing code as FAILED', async () => {
    fx.clock = AFTER;
    const cluster = fx.sim.clusters.sharedM5;
    fx.sim.failJobsFor(fx.sim.snapshotIds(cluster)[0] as string);
    await expect(downloadLatestSnapshot(migratedClient(), fx.sim.groupId, cluster, { pollIntervalMs: 20 })).rejects.toThrow(/failed/);
    expect(snapshotOperations()).toContain('getFlexRestoreJob');
  });

  it('imports nothing: it is handed its client, so it runs before the package is published', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).not.toMatch(/^\s*import\s|\bimport\s*\(|\brequire\s*\(/m);
  });
});
