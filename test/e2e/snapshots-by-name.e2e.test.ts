import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsupportedClusterError, ValidationError, type ClusterOutcome, type ProjectDownloadReport } from '../../src/index.js';
import { AFTER, BEFORE, useSimulator } from '../simulator/simulator-fixture.js';

// Snapshots found without knowing their id: listSnapshots, snapshotId 'latest', and
// downloadAll, each on the simulator over 127.0.0.1, with real files.

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0, snapshotSizeBytes: 4096 });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshots-by-name-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const operationsSeen = (): string[] => fx.sim.requests.map((r) => String(r.operationId));
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

describe('shim.listSnapshots', () => {
  it('lists a shared cluster through the tenant endpoint before the sunset and through Flex after it, newest first', async () => {
    const cluster = fx.sim.clusters.shared;
    const before = await fx.shim().listSnapshots({ groupId: fx.sim.groupId, clusterName: cluster });
    expect(before.map((s) => s.snapshotId)).toEqual(fx.sim.snapshotIds(cluster));
    expect(before.length).toBeGreaterThan(1);
    for (const snapshot of before) {
      expect(snapshot).toMatchObject({ route: 'tenant', status: 'COMPLETED', mongoDBVersion: expect.any(String) });
      expect(snapshot.startedAt).toBeInstanceOf(Date);
      expect(snapshot.finishedAt).toBeInstanceOf(Date);
      expect(snapshot.expiresAt).toBeInstanceOf(Date);
    }
    const started = before.map((s) => s.startedAt?.getTime() ?? 0);
    expect(started).toEqual([...started].sort((a, b) => b - a));
    expect(operationsSeen()).toContain('listClusterBackupSnapshots');

    fx.clock = AFTER;
    const after = await fx.shim().listSnapshots({ groupId: fx.sim.groupId, clusterName: cluster });
    expect(after.map((s) => [s.snapshotId, s.route])).toEqual(fx.sim.snapshotIds(cluster).map((id) => [id, 'flex']));
    expect(operationsSeen()).toContain('listFlexBackupSnapshots');
  });

  it('lists a Flex cluster through Flex; a forced tenant route on it falls back to Flex once', async () => {
    const cluster = fx.sim.clusters.flex;
    const routed = await fx.shim({ route: 'tenant', onEvent: fx.onEvent }).listSnapshots({ groupId: fx.sim.groupId, clusterName: cluster });
    expect(routed.map((s) => [s.snapshotId, s.route])).toEqual(fx.sim.snapshotIds(cluster).map((id) => [id, 'flex']));
    expect(operationsSeen().filter((id) => id.startsWith('list'))).toEqual(['listClusterBackupSnapshots', 'listFlexBackupSnapshots']);
    expect(fx.events.filter((e) => e.type === 'route-fallback')).toHaveLength(1);
  });

  it('refuses a dedicated cluster with UnsupportedClusterError, and a wrong argument before any request', async () => {
    const shim = fx.shim();
    await expect(shim.listSnapshots({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.dedicated })).rejects.toBeInstanceOf(UnsupportedClusterError);
    fx.sim.clearRequests();
    await expect(shim.listSnapshots({ groupId: 'nope', clusterName: 'x' })).rejects.toThrow(ValidationError);
    await expect(shim.listSnapshots({ groupId: fx.sim.groupId, clusterName: 'bad name' })).rejects.toThrow(/clusterName/);
    expect(fx.sim.requests).toHaveLength(0);
  });
});

describe("snapshotId: 'latest'", () => {
  for (const [when, clock, route] of [
    ['before the sunset', BEFORE, 'tenant'],
    ['after the sunset', AFTER, 'flex'],
  ] as const) {
    it(`download() saves the newest COMPLETED snapshot of a shared cluster ${when} (${route}), its id on the result`, async () => {
      fx.clock = clock;
      const cluster = fx.sim.clusters.shared;
      const newest = fx.sim.snapshotIds(cluster)[0] as string;
      const destination = join(dir, 'latest.tar.gz');
      const result = await fx.shim().download({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: 'latest', destination, pollIntervalMs: 10 });
      expect(result.job).toMatchObject({ snapshotId: newest, route, status: 'COMPLETED' });
      expect(result.bytes).toBe(fx.sim.snapshotSize(newest));
      expect(await sha256(destination)).toBe(result.sha256);
    });
  }

  it('downloadSnapshot resolves it too, on the route the policy decides', async () => {
    const cluster = fx.sim.clusters.flex;
    const job = await fx.shim().downloadSnapshot({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: 'latest' });
    expect(job).toMatchObject({ snapshotId: fx.sim.snapshotIds(cluster)[0], route: 'flex' });
    expect(operationsSeen().filter((id) => id.startsWith('list') || id.startsWith('download'))).toEqual(['listFlexBackupSnapshots', 'downloadFlexBackup']);
  });

  it("refuses anything else that is not a snapshot id, naming 'latest' as allowed", async () => {
    const shim = fx.shim();
    for (const snapshotId of ['Latest', 'newest', '', 7]) {
      await expect(shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName: 'c', snapshotId } as never)).rejects.toThrow(/or 'latest'/);
    }
    expect(fx.sim.requests).toHaveLength(0);
  });
});

describe('shim.downloadAll', () => {
  const byName = (report: ProjectDownloadReport): Record<string, ClusterOutcome> => Object.fromEntries(report.clusters.map((c) => [c.clusterName, c]));

  for (const [when, clock] of [
    ['before the sunset', BEFORE],
    ['after the sunset', AFTER],
  ] as const) {
    it(`saves the latest snapshot of every shared and Flex cluster ${when}, and skips the dedicated one with its reason`, async () => {
      fx.clock = clock;
      const seen: string[] = [];
      const report = await fx.shim().downloadAll({ groupId: fx.sim.groupId, outDir: join(dir, 'all'), concurrency: 3, pollIntervalMs: 10, onOutcome: (o) => seen.push(o.clusterName) });
      const { clusters } = fx.sim;
      const downloadable = [clusters.shared, clusters.sharedM5, clusters.flexLegacy, clusters.flex];
      expect(report).toMatchObject({ groupId: fx.sim.groupId, outDir: join(dir, 'all'), saved: 4, skipped: 1, failed: 0, complete: true });
      expect(report.clusters.map((c) => c.clusterName)).toEqual([...downloadable, clusters.dedicated].sort());
      expect([...seen].sort()).toEqual(report.clusters.map((c) => c.clusterName));
      const outcomes = byName(report);
      for (const name of downloadable) {
        const newest = fx.sim.snapshotIds(name)[0] as string;
        const outcome = outcomes[name];
        expect(outcome).toMatchObject({ status: 'saved', snapshotId: newest, bytes: fx.sim.snapshotSize(newest) });
        if (outcome?.status !== 'saved') throw new Error('unreachable');
        expect(outcome.path).toBe(join(dir, 'all', `${name}-${newest}.tar.gz`));
        expect(await sha256(outcome.path)).toBe(outcome.sha256);
      }
      const expectedRoutes = clock === BEFORE ? { [clusters.shared]: 'tenant', [clusters.sharedM5]: 'tenant', [clusters.flex]: 'flex' } : { [clusters.shared]: 'flex', [clusters.flex]: 'flex' };
      for (const [name, route] of Object.entries(expectedRoutes)) expect(outcomes[name]).toMatchObject({ route });
      expect(outcomes[clusters.dedicated]).toMatchObject({ status: 'skipped', kind: 'dedicated', reason: expect.stringMatching(/dedicated cluster \(M10\)/) });
      // Only the saved files, nothing half-written beside them.
      expect((await readdir(join(dir, 'all'))).sort()).toEqual(downloadable.map((name) => `${name}-${fx.sim.snapshotIds(name)[0]}.tar.gz`).sort());
      expect(operationsSeen().filter((id) => id === 'listClusters' || id === 'listFlexClusters')).toEqual(['listClusters', 'listFlexClusters']);
    });
  }

  it("one cluster's failure does not stop the others; the report says which and why", async () => {
    const failing = fx.sim.clusters.sharedM5;
    fx.sim.failJobsFor(fx.sim.snapshotIds(failing)[0] as string);
    const report = await fx.shim().downloadAll({ groupId: fx.sim.groupId, outDir: dir, pollIntervalMs: 10 });
    expect(report).toMatchObject({ saved: 3, skipped: 1, failed: 1, complete: false });
    const outcome = byName(report)[failing];
    expect(outcome).toMatchObject({ status: 'failed', snapshotId: fx.sim.snapshotIds(failing)[0], reason: expect.stringMatching(/FAILED/) });
    if (outcome?.status !== 'failed') throw new Error('unreachable');
    expect(outcome.error).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect((await readdir(dir)).some((name) => name.startsWith(failing))).toBe(false);
  });

  it('checks every option before the first request', async () => {
    const shim = fx.shim();
    const group = fx.sim.groupId;
    await expect(shim.downloadAll({ groupId: 'x', outDir: dir })).rejects.toThrow(/groupId/);
    await expect(shim.downloadAll({ groupId: group, outDir: '' })).rejects.toThrow(/outDir/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, concurrency: 17 })).rejects.toThrow(/concurrency/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, pollIntervalMs: -1 })).rejects.toThrow(/pollIntervalMs/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, connections: 0 })).rejects.toThrow(/Invalid connections/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, connections: 17 })).rejects.toThrow(/Invalid connections/);
    await expect(shim.downloadAll({ groupId: group, outDir: dir, onOutcome: 'x' as never })).rejects.toThrow(/onOutcome/);
    expect(fx.sim.requests).toHaveLength(0);
  });

  it('an onOutcome that throws starts no further cluster, and rejects once the downloads in flight ended', async () => {
    const seen: string[] = [];
    const run = fx.shim().downloadAll({
      groupId: fx.sim.groupId,
      outDir: dir,
      concurrency: 1,
      pollIntervalMs: 10,
      onOutcome: (outcome) => {
        seen.push(outcome.status);
        if (outcome.status === 'saved') throw new Error('my callback broke');
      },
    });
    await expect(run).rejects.toThrow('my callback broke');
    expect(seen).toEqual(['skipped', 'saved']);
    expect(fx.sim.requests.filter((r) => r.operationId === 'downloadClusterBackupTenant' || r.operationId === 'downloadFlexBackup')).toHaveLength(1);
  });

  it('an abort stops every download and rejects with its reason, leaving no file behind', async () => {
    const controller = new AbortController();
    const run = fx.shim().downloadAll({
      groupId: fx.sim.groupId,
      outDir: dir,
      signal: controller.signal,
      pollIntervalMs: 10,
      onOutcome: () => controller.abort(new Error('stop now')),
    });
    await expect(run).rejects.toThrow('stop now');
    const names = await readdir(dir);
    // The dedicated cluster's skip is reported first, so nothing was saved.
    expect(names.filter((name) => name.endsWith('.tar.gz'))).toEqual([]);
  });
});
