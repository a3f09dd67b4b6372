import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLegacyClient } from '../../adapters/legacy-client.js';
import { createShimDispatcher } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { TENANT_ENDPOINT_WARNING_CODE } from '../../src/index.js';
import { resetTenantEndpointWarningForTests } from '../../src/observability/tenant-warning.js';
import { AFTER, BEFORE, useSimulator } from '../simulator/simulator-fixture.js';

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });
let warnings: Error[] = [];
const onWarning = (warning: Error) => {
  if ((warning as { code?: string }).code === TENANT_ENDPOINT_WARNING_CODE) warnings.push(warning);
};

beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});
beforeEach(() => {
  resetTenantEndpointWarningForTests();
  warnings = [];
});

const target = (cluster: string) => ({ groupId: fx.sim.groupId, clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0] as string });
// Node emits warnings on the next tick.
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the tenant-endpoint DeprecationWarning', () => {
  it('fires once per process, with the code, the sunset date and the days left', async () => {
    const shim = fx.shim();
    await shim.downloadSnapshot(target(fx.sim.clusters.shared));
    await shim.downloadSnapshot(target(fx.sim.clusters.sharedM5));
    await fx.shim().downloadSnapshot(target(fx.sim.clusters.shared));
    await settle();
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.name).toBe('DeprecationWarning');
    expect((warning as { code?: string }).code).toBe('ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT');
    expect(warning?.message).toContain('2026-01-22');
    expect(warning?.message).toContain('12 days left');
  });

  it("counts the days from the shim's clock, not the machine's", async () => {
    fx.clock = new Date('2026-01-20T09:00:00Z');
    await fx.shim().downloadSnapshot(target(fx.sim.clusters.shared));
    await settle();
    expect(warnings.map((w) => w.message.includes('2 days left'))).toEqual([true]);
  });

  it('does not fire for explainRoute, a Flex download, or a shared cluster after the sunset', async () => {
    const shim = fx.shim();
    await shim.explainRoute({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.shared });
    await shim.downloadSnapshot(target(fx.sim.clusters.flex));
    fx.clock = AFTER;
    await fx.shim().downloadSnapshot(target(fx.sim.clusters.shared));
    await settle();
    expect(warnings).toEqual([]);
  });

  it('fires for a fallback onto the tenant endpoint', async () => {
    // The flex flag sends a shared M2 to the Flex endpoint first; Atlas refuses it there, and the tenant endpoint serves it.
    const download = await fx.shim({ route: 'flex' }).downloadSnapshot(target(fx.sim.clusters.shared));
    await settle();
    expect(download.decision.fallback).toMatchObject({ from: 'flex', to: 'tenant' });
    expect(warnings).toHaveLength(1);
  });

  it('fires for the legacy-client adapter, which routes through the same core', async () => {
    const client = fx.closeAfterTest(createLegacyClient(fx.clientOptions()));
    await client.listClusterBackupSnapshots(fx.sim.groupId, fx.sim.clusters.shared);
    await settle();
    expect(warnings).toHaveLength(1);
  });

  it('fires for the undici adapter when it lets a tenant request through to the tenant endpoint', async () => {
    const dispatcher = fx.closeAfterTest(createShimDispatcher(fx.clientOptions()));
    const response = await request(`${fx.sim.url}/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`, {
      dispatcher,
      headers: { accept: TENANT_MEDIA_TYPE },
    });
    await response.body.dump();
    await settle();
    expect(warnings).toHaveLength(1);
  });
});
