import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { AtlasForGovernmentError, createSnapshotShim, UnsupportedClusterError } from '../../src/index.js';
import { AFTER, BEFORE, legacyClient, shimDispatcher, useSimulator } from '../adapters/adapter-fixture.js';

// Atlas for Government has clusters of M20 and larger only and no Flex API. Every route to a
// Flex endpoint is refused there, before any request to one, with an error that says why;
// the cluster-kind look-up asks getCluster only (getFlexCluster is a Flex operation).
const fx = useSimulator({ clock: AFTER, jobDurationMs: 0, snapshotSizeBytes: 4096 });
const government = { atlasForGovernment: true } as const;
const flexRequests = () => fx.sim.requests.filter((r) => r.path.includes('/flexClusters/'));
const signedOperations = () => fx.sim.requests.filter((r) => r.status !== 401).map((r) => r.operationId);

describe('Atlas for Government', () => {
  it("a base URL on cloud.mongodbgov.com with route 'flex': refused before any request", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const shim = createSnapshotShim({ baseUrl: 'https://cloud.mongodbgov.com', credentials: fx.sim.apiKey, route: 'flex', dispatcher: agent });
    try {
      const target = { groupId: fx.sim.groupId, clusterName: 'gov-cluster' };
      await expect(shim.downloadSnapshot({ ...target, snapshotId: 'b'.repeat(24) })).rejects.toBeInstanceOf(AtlasForGovernmentError);
      // explainRoute says why, with the same error.
      await expect(shim.explainRoute(target)).rejects.toThrow(/Atlas for Government has no Flex clusters and no Flex API.*The route flag is 'flex'/);
      expect(shim.toJSON()).toMatchObject({ atlasForGovernment: true });
    } finally {
      await shim.close();
      await agent.close();
    }
  });

  it("route 'auto', a Flex cluster: getCluster only, then refused; nothing sent to a Flex endpoint", async () => {
    const shim = fx.shim(government);
    const clusterName = fx.sim.clusters.flex;
    const error = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName, snapshotId: fx.sim.snapshotIds(clusterName)[0] as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasForGovernmentError);
    expect(error).toMatchObject({ clusterName, code: 'ATLAS_FOR_GOVERNMENT' });
    expect((error as Error).message).toMatch(/A Flex cluster: downloadFlexBackup serves it/);
    expect(signedOperations()).toEqual(['getCluster']);
    expect(flexRequests()).toEqual([]);
  });

  it('a cluster getCluster does not describe is not looked up through getFlexCluster: the 404 stands', async () => {
    const shim = fx.shim(government);
    const error = await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: 'no-such-cluster' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
    expect(flexRequests()).toEqual([]);
  });

  it('a dedicated cluster is still an UnsupportedClusterError, naming Cloud Backup', async () => {
    const shim = fx.shim(government);
    await expect(shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.dedicated })).rejects.toBeInstanceOf(UnsupportedClusterError);
  });

  it('before the sunset a shared cluster still downloads through the tenant endpoint, with no Flex fallback offered', async () => {
    fx.clock = BEFORE;
    const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-gov-'));
    try {
      const shim = fx.shim(government);
      const clusterName = fx.sim.clusters.shared;
      const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
      const result = await shim.download({ groupId: fx.sim.groupId, clusterName, snapshotId, destination: join(dir, 'm2.tar.gz'), pollIntervalMs: 10 });
      expect(result.job.decision).toMatchObject({ route: 'tenant', fallbackRoute: undefined });
      expect(result.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
      expect(await readdir(dir)).toEqual(['m2.tar.gz']);
      expect(flexRequests()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the legacy client and the undici adapter refuse the Flex rewrite after the sunset the same way', async () => {
    const clusterName = fx.sim.clusters.shared;
    const client = legacyClient(fx, government);
    await expect(client.listClusterBackupSnapshots(fx.sim.groupId, clusterName)).rejects.toBeInstanceOf(AtlasForGovernmentError);
    const dispatcher = shimDispatcher(fx, government);
    const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
    const failure = await request(`${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${clusterName}/backup/tenant/download`, {
      method: 'POST',
      dispatcher,
      headers: { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE },
      body: JSON.stringify({ snapshotId, targetDeploymentItemName: clusterName }),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AtlasForGovernmentError);
    expect(flexRequests()).toEqual([]);
  });
});
