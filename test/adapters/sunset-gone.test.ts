import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createDigestAuthInterceptor } from '../../src/auth/digest-auth.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import type { RouteFallbackEvent } from '../../src/index.js';
import { recordChannels } from '../observability/channel-recorder.js';
import { AFTER, legacyClient, shimDispatcher, useSimulator } from './adapter-fixture.js';

// After its sunset Atlas answers a sunset API version `410 Gone` (VERSION_GONE), and a removed
// path `404`. With allowSunsetEndpoint, the facade, the legacy client and the undici adapter
// read either as "the endpoint is gone" and fall back to Flex once, reporting it as any
// fallback: the `route-fallback` event and the fallback channel.
describe.each([
  ['gone', 410, 'VERSION_GONE'],
  ['not-found', 404, 'RESOURCE_NOT_FOUND'],
] as const)("the tenant endpoint after its sunset answers sunsetAnswer '%s' (%i)", (sunsetAnswer, status, errorCode) => {
  const fx = useSimulator({ clock: AFTER, sunsetAnswer, jobDurationMs: 0, snapshotSizeBytes: 4096 });
  const opted = { route: 'tenant', allowSunsetEndpoint: true } as const;
  // The download requests, signed (the cluster-kind look-ups and digest challenges are beside the point).
  const downloadCalls = () => fx.sim.requests.filter((r) => r.operationId?.startsWith('download') && r.status !== 401).map((r) => [r.operationId, r.status]);
  const fallbacks = () => fx.events.filter((event): event is RouteFallbackEvent => event.type === 'route-fallback').map((event) => event.decision.fallback);
  const expectedFallback = { from: 'tenant', to: 'flex', status, errorCode };

  it('the facade: download() falls back to Flex once and completes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-gone-'));
    const recorder = recordChannels();
    try {
      const shim = fx.shim({ ...opted, onEvent: fx.onEvent });
      const clusterName = fx.sim.clusters.shared;
      const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
      const result = await shim.download({ groupId: fx.sim.groupId, clusterName, snapshotId, destination: join(dir, 'gone.tar.gz'), pollIntervalMs: 10 });
      expect(result.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
      expect(result.job.decision).toMatchObject({ route: 'flex', fallback: expectedFallback });
      expect(downloadCalls()).toEqual([
        ['downloadClusterBackupTenant', status],
        ['downloadFlexBackup', 200],
      ]);
      expect(fallbacks()).toEqual([expect.objectContaining(expectedFallback)]);
      expect(recorder.of('fallback')).toEqual([expect.objectContaining({ from: 'tenant', to: 'flex', status, errorCode })]);
    } finally {
      recorder.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the legacy client: the tenant download falls back to Flex once, in the tenant shape', async () => {
    const client = legacyClient(fx, { ...opted, onEvent: fx.onEvent });
    const clusterName = fx.sim.clusters.sharedM5;
    const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
    const job = await client.downloadClusterBackupTenant(fx.sim.groupId, clusterName, { snapshotId, targetDeploymentItemName: clusterName });
    expect(job).toMatchObject({ snapshotId, clusterName });
    expect(downloadCalls()).toEqual([
      ['downloadClusterBackupTenant', status],
      ['downloadFlexBackup', 200],
    ]);
    expect(fallbacks()).toEqual([expect.objectContaining(expectedFallback)]);
  });

  it('the undici adapter: a caller signing its own requests meets the answer, and is served by Flex once', async () => {
    const signed = new Agent().compose(createDigestAuthInterceptor({ ...fx.sim.apiKey, origin: fx.sim.url }));
    const dispatcher = shimDispatcher(fx, opted, signed);
    const clusterName = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
    const response = await request(`${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${clusterName}/backup/tenant/download`, {
      method: 'POST',
      dispatcher,
      headers: { accept: TENANT_MEDIA_TYPE, 'content-type': TENANT_MEDIA_TYPE },
      body: JSON.stringify({ snapshotId, targetDeploymentItemName: clusterName }),
    });
    const body = (await response.body.json()) as Record<string, unknown>;
    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({ snapshotId, clusterName });
    expect(downloadCalls()).toEqual([
      ['downloadClusterBackupTenant', status],
      ['downloadFlexBackup', 200],
    ]);
    expect(fallbacks()).toEqual([expect.objectContaining(expectedFallback)]);
  });
});
