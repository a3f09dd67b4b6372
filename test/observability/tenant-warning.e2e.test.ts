import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLegacyClient } from '../../adapters/legacy-client.js';
import { createShimDispatcher } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import { createSnapshotShim, TENANT_ENDPOINT_WARNING_CODE, type SnapshotShimOptions } from '../../src/index.js';
import { resetTenantEndpointWarningForTests } from '../../src/observability/tenant-warning.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const BEFORE = new Date('2026-01-10T12:00:00Z');
const AFTER = new Date('2026-02-10T12:00:00Z');

let sim: Simulator;
let clock = BEFORE;
let warnings: Error[] = [];
const closers: Array<() => Promise<unknown>> = [];
const onWarning = (warning: Error) => {
  if ((warning as { code?: string }).code === TENANT_ENDPOINT_WARNING_CODE) warnings.push(warning);
};

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => clock, jobDurationMs: 0 });
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await sim.stop();
});
beforeEach(() => {
  resetTenantEndpointWarningForTests();
  warnings = [];
  clock = BEFORE;
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const options = (more: Partial<SnapshotShimOptions> = {}): SnapshotShimOptions => ({ baseUrl: sim.url, credentials: sim.apiKey, now: () => clock, ...more });
const target = (cluster: string) => ({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });
function shimWith(more: Partial<SnapshotShimOptions> = {}) {
  const shim = createSnapshotShim(options(more));
  closers.push(() => shim.close());
  return shim;
}
// Node emits warnings on the next tick.
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the tenant-endpoint DeprecationWarning', () => {
  it('fires once per process, with the code, the sunset date and the days left', async () => {
    const shim = shimWith();
    await shim.downloadSnapshot(target(sim.clusters.shared));
    await shim.downloadSnapshot(target(sim.clusters.sharedM5));
    await shimWith().downloadSnapshot(target(sim.clusters.shared));
    await settle();
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.name).toBe('DeprecationWarning');
    expect((warning as { code?: string }).code).toBe('ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT');
    expect(warning?.message).toContain('2026-01-22');
    expect(warning?.message).toContain('12 days left');
  });

  it("counts the days from the shim's clock, not the machine's", async () => {
    clock = new Date('2026-01-20T09:00:00Z');
    await shimWith().downloadSnapshot(target(sim.clusters.shared));
    await settle();
    expect(warnings.map((w) => w.message.includes('2 days left'))).toEqual([true]);
  });

  it('does not fire for explainRoute, a Flex download, or a shared cluster after the sunset', async () => {
    const shim = shimWith();
    await shim.explainRoute({ groupId: sim.groupId, clusterName: sim.clusters.shared });
    await shim.downloadSnapshot(target(sim.clusters.flex));
    clock = AFTER;
    sim.setNow(AFTER);
    try {
      await shimWith().downloadSnapshot(target(sim.clusters.shared));
    } finally {
      sim.setNow(undefined);
    }
    await settle();
    expect(warnings).toEqual([]);
  });

  it('fires for a fallback onto the tenant endpoint', async () => {
    // The flex flag sends a shared M2 to the Flex endpoint first; Atlas refuses it there, and the tenant endpoint serves it.
    const download = await shimWith({ route: 'flex' }).downloadSnapshot(target(sim.clusters.shared));
    await settle();
    expect(download.decision.fallback).toMatchObject({ from: 'flex', to: 'tenant' });
    expect(warnings).toHaveLength(1);
  });

  it('fires for the legacy-client adapter, which routes through the same core', async () => {
    const client = createLegacyClient(options());
    closers.push(() => client.close());
    await client.listClusterBackupSnapshots(sim.groupId, sim.clusters.shared);
    await settle();
    expect(warnings).toHaveLength(1);
  });

  it('fires for the undici adapter when it lets a tenant request through to the tenant endpoint', async () => {
    const dispatcher = createShimDispatcher(options());
    closers.push(() => dispatcher.close());
    const response = await request(`${sim.url}/api/atlas/v2/groups/${sim.groupId}/clusters/${sim.clusters.shared}/backup/tenant/snapshots`, {
      dispatcher,
      headers: { accept: TENANT_MEDIA_TYPE },
    });
    await response.body.dump();
    await settle();
    expect(warnings).toHaveLength(1);
  });
});
