import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLegacyClient,
  type BackupTenantSnapshot,
  type LegacyClient,
  type PaginatedTenantRestore,
  type PaginatedTenantSnapshot,
  type ShimEvent,
  type TenantRestore,
} from '../../adapters/legacy-client.js';
import type { RouteFlag } from '../../src/routing/route-policy.js';
import type { SimulatorClusterNames, SimulatorRequestRecord } from '../../src/simulator/index.js';
import { AFTER, BEFORE, legacyClient, useSimulator } from './adapter-fixture.js';
import { contractSuite, loadContract, type ContractValidators } from '../contract/contract.js';

const TENANT_OPERATIONS = ['downloadClusterBackupTenant', 'getBackupTenantRestore', 'listBackupTenantRestores', 'listClusterBackupSnapshots', 'getBackupTenantSnapshot'];
const FLEX_OPERATIONS = ['downloadFlexBackup', 'getFlexRestoreJob', 'listFlexRestoreJobs', 'listFlexBackupSnapshots', 'getFlexBackupSnapshot'];
const FAMILY = { tenant: TENANT_OPERATIONS, flex: FLEX_OPERATIONS } as const;

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 120 });

interface Scenario {
  readonly name: string;
  readonly when: Date;
  readonly cluster: keyof SimulatorClusterNames;
  readonly route: RouteFlag;
  /** The endpoint family that must answer every call. */
  readonly served: 'tenant' | 'flex';
  /** Whether every call first meets a refusal of the other family. */
  readonly fallback: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'a shared M2 before the sunset (auto)', when: BEFORE, cluster: 'shared', route: 'auto', served: 'tenant', fallback: false },
  { name: 'the same shared M2 after the sunset (auto)', when: AFTER, cluster: 'shared', route: 'auto', served: 'flex', fallback: false },
  { name: "a native Flex cluster with route 'tenant' (falls back)", when: BEFORE, cluster: 'flex', route: 'tenant', served: 'flex', fallback: true },
  { name: 'a native Flex cluster (auto)', when: BEFORE, cluster: 'flex', route: 'auto', served: 'flex', fallback: false },
  { name: "a migrated Flex cluster with route 'tenant' before the sunset", when: BEFORE, cluster: 'flexLegacy', route: 'tenant', served: 'tenant', fallback: false },
  { name: "a shared M5 with route 'flex' before the sunset (falls back)", when: BEFORE, cluster: 'sharedM5', route: 'flex', served: 'tenant', fallback: true },
];

/** Every answer of one pass over all methods, with what it caused. */
interface Run {
  readonly clusterName: string;
  readonly snapshots: PaginatedTenantSnapshot;
  readonly snapshot: BackupTenantSnapshot;
  readonly requested: TenantRestore;
  readonly restore: TenantRestore;
  readonly restores: PaginatedTenantRestore;
  readonly secondPage: PaginatedTenantSnapshot;
  readonly uncounted: PaginatedTenantRestore;
  /** The operations called, in order. */
  readonly calls: readonly string[];
  readonly events: readonly ShimEvent[];
  /** Signed requests to the ten backup operations (not the cluster-kind look-ups). */
  readonly backupRequests: readonly SimulatorRequestRecord[];
}

async function exercise(scenario: Scenario): Promise<Run> {
  fx.clock = scenario.when;
  fx.sim.clearRequests();
  const clusterName = fx.sim.clusters[scenario.cluster];
  const events: ShimEvent[] = [];
  const calls: string[] = [];
  const client = createLegacyClient({ ...fx.clientOptions(), route: scenario.route, onEvent: (event) => events.push(event) });
  const track = <T>(operationId: string, call: (c: LegacyClient) => Promise<T>): Promise<T> => {
    calls.push(operationId);
    return call(client);
  };
  const g = fx.sim.groupId;
  try {
    const snapshots = await track('listClusterBackupSnapshots', (c) => c.listClusterBackupSnapshots(g, clusterName));
    const newest = snapshots.results?.[0]?.id as string;
    const snapshot = await track('getBackupTenantSnapshot', (c) => c.getBackupTenantSnapshot(g, clusterName, newest));
    const requested = await track('downloadClusterBackupTenant', (c) =>
      c.downloadClusterBackupTenant(g, clusterName, { snapshotId: newest, targetDeploymentItemName: clusterName }),
    );
    let restore = requested;
    for (let i = 0; i < 100 && restore.status !== 'COMPLETED'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      restore = await track('getBackupTenantRestore', (c) => c.getBackupTenantRestore(g, clusterName, requested.id as string));
    }
    const restores = await track('listBackupTenantRestores', (c) => c.listBackupTenantRestores(g, clusterName));
    const secondPage = await track('listClusterBackupSnapshots', (c) =>
      c.listClusterBackupSnapshots(g, clusterName, { pageNum: 2, itemsPerPage: 1, includeCount: true }),
    );
    const uncounted = await track('listBackupTenantRestores', (c) => c.listBackupTenantRestores(g, clusterName, { itemsPerPage: 1, includeCount: false }));
    const backupRequests = fx.sim.requests.filter((r) => r.status !== 401 && [...TENANT_OPERATIONS, ...FLEX_OPERATIONS].includes(r.operationId ?? ''));
    return { clusterName, snapshots, snapshot, requested, restore, restores, secondPage, uncounted, calls, events, backupRequests };
  } finally {
    await client.close();
  }
}

// One pass per scenario, shared by the suites below; tests run one after another, so the clock is theirs.
const runs = new Map<Scenario, Promise<Run>>();
function runOf(scenario: Scenario): Promise<Run> {
  let run = runs.get(scenario);
  if (run === undefined) {
    run = exercise(scenario);
    runs.set(scenario, run);
  }
  return run;
}

const rewrites = (events: readonly ShimEvent[]) => events.filter((e) => e.type === 'legacy-rewrite');

describe.each(SCENARIOS)('the legacy client on $name', (scenario) => {
  it(`serves every call from the ${scenario.served} endpoints${scenario.fallback ? ', each after one refusal of the other family' : ''}`, async () => {
    const run = await runOf(scenario);
    const other = scenario.served === 'tenant' ? 'flex' : 'tenant';
    const answered = run.backupRequests.filter((r) => r.status === 200);
    const refused = run.backupRequests.filter((r) => r.status !== 200);
    expect(answered).toHaveLength(run.calls.length);
    expect(answered.every((r) => FAMILY[scenario.served].includes(r.operationId as string))).toBe(true);
    // Never more than one try of the other family per call.
    expect(refused).toHaveLength(scenario.fallback ? run.calls.length : 0);
    expect(refused.every((r) => r.status === 400 && FAMILY[other].includes(r.operationId as string))).toBe(true);
  });

  it('answers in the legacy shapes, with the cluster named clusterName', async () => {
    const run = await runOf(scenario);
    const ids = fx.sim.snapshotIds(run.clusterName);
    expect(run.snapshots.results?.map((s) => s.id)).toEqual(ids);
    expect(run.snapshots.totalCount).toBe(ids.length);
    expect(run.snapshot).toMatchObject({ id: ids[0], status: 'COMPLETED', mongoDBVersion: expect.any(String) });
    expect(run.requested).toMatchObject({ clusterName: run.clusterName, snapshotId: ids[0], targetDeploymentItemName: run.clusterName, deliveryType: 'DOWNLOAD' });
    expect(run.restore).toMatchObject({ id: run.requested.id, clusterName: run.clusterName, status: 'COMPLETED', projectId: fx.sim.groupId });
    expect(run.restore.snapshotUrl).toContain(`/${ids[0]}.tar.gz`);
    expect(run.restores.results?.map((r) => r.id)).toContain(run.requested.id);
    expect(run.restores.results?.every((r) => r.clusterName === run.clusterName)).toBe(true);
    const everything = JSON.stringify([run.snapshots, run.snapshot, run.requested, run.restore, run.restores, run.secondPage, run.uncounted]);
    expect(everything).not.toContain('instanceName');
  });

  it('passes the pagination query on, and keeps the page links', async () => {
    const run = await runOf(scenario);
    const ids = fx.sim.snapshotIds(run.clusterName);
    expect(run.secondPage.results?.map((s) => s.id)).toEqual([ids[1]]);
    expect(run.secondPage.totalCount).toBe(ids.length);
    const rels = run.secondPage.links?.map((l) => l.rel);
    expect(rels).toEqual(ids.length > 2 ? ['previous', 'self', 'next'] : ['previous', 'self']);
    const self = run.secondPage.links?.find((l) => l.rel === 'self')?.href ?? '';
    // Links point at the resource that answered: after the sunset only the Flex one exists.
    const path = scenario.served === 'flex' ? `/flexClusters/${run.clusterName}/backup/snapshots` : `/clusters/${run.clusterName}/backup/tenant/snapshots`;
    expect(new URL(self).pathname).toBe(`/api/atlas/v2/groups/${fx.sim.groupId}${path}`);
    expect(new URL(self).searchParams.get('pageNum')).toBe('2');
    expect(run.uncounted.results).toHaveLength(1);
    expect(run.uncounted).not.toHaveProperty('totalCount');
  });

  it(`reports ${scenario.served === 'flex' ? 'every call' : 'no call'} with a legacy-rewrite event`, async () => {
    const run = await runOf(scenario);
    const events = rewrites(run.events);
    expect(events.map((e) => e.operationId)).toEqual(scenario.served === 'flex' ? run.calls : []);
    if (scenario.served === 'flex') {
      const base = `/api/atlas/v2/groups/${fx.sim.groupId}`;
      expect(events[0]).toEqual({
        type: 'legacy-rewrite',
        operationId: 'listClusterBackupSnapshots',
        method: 'GET',
        fromPath: `${base}/clusters/${run.clusterName}/backup/tenant/snapshots`,
        toPath: `${base}/flexClusters/${run.clusterName}/backup/snapshots`,
        route: 'flex',
      });
      expect(events.find((e) => e.method === 'POST')).toMatchObject({
        operationId: 'downloadClusterBackupTenant',
        fromPath: `${base}/clusters/${run.clusterName}/backup/tenant/download`,
        toPath: `${base}/flexClusters/${run.clusterName}/backup/download`,
      });
    }
    // Every call that fell back is reported as the facade and the undici adapter report theirs: one event each.
    const fallbacks = run.events.filter((e) => e.type === 'route-fallback');
    expect(fallbacks).toHaveLength(scenario.fallback ? run.calls.length : 0);
    for (const fallback of fallbacks) expect(fallback).toMatchObject({ decision: { route: scenario.served, fallback: { from: scenario.served === 'tenant' ? 'flex' : 'tenant', to: scenario.served } } });
  });
});

describe('the older names', () => {
  it('downloadSharedClusterBackup is the same function, and works detached from the client', async () => {
    fx.clock = BEFORE;
    const client = legacyClient(fx);
    expect(client.downloadSharedClusterBackup).toBe(client.downloadClusterBackupTenant);
    const { downloadSharedClusterBackup } = client;
    const cluster = fx.sim.clusters.shared;
    const snapshotId = fx.sim.snapshotIds(cluster)[0] as string;
    const job = await downloadSharedClusterBackup(fx.sim.groupId, cluster, { snapshotId, targetDeploymentItemName: cluster });
    expect(job).toMatchObject({ clusterName: cluster, snapshotId, id: expect.stringMatching(/^[a-f0-9]{24}$/) });
  });

  it('every operation answers to each name it was published as (SDKs before 2024, the API reference since 2025)', () => {
    const client = legacyClient(fx);
    const names: Record<string, readonly string[]> = {
      downloadClusterBackupTenant: ['downloadSharedClusterBackup', 'downloadGroupClusterBackupTenant'],
      listBackupTenantRestores: ['listSharedClusterBackupRestoreJobs', 'listGroupClusterBackupTenantRestores'],
      getBackupTenantRestore: ['getSharedClusterBackupRestoreJob', 'getGroupClusterBackupTenantRestore'],
      listClusterBackupSnapshots: ['listSharedClusterBackups', 'listGroupClusterBackupTenantSnapshots'],
      getBackupTenantSnapshot: ['getSharedClusterBackup', 'getGroupClusterBackupTenantSnapshot'],
    };
    for (const [operation, aliases] of Object.entries(names)) {
      const method = (client as unknown as Record<string, unknown>)[operation];
      expect(method, operation).toBeTypeOf('function');
      for (const alias of aliases) expect((client as unknown as Record<string, unknown>)[alias], alias).toBe(method);
    }
    expect(Object.keys(client).sort()).toEqual(['close', ...Object.keys(names), ...Object.values(names).flat()].sort());
  });

  it('the 2025 names serve after the sunset through Flex, in the legacy shape', async () => {
    fx.clock = AFTER;
    const client = legacyClient(fx);
    const cluster = fx.sim.clusters.shared;
    const page = await client.listGroupClusterBackupTenantSnapshots(fx.sim.groupId, cluster);
    expect(page.results?.map((s) => s.id)).toEqual(fx.sim.snapshotIds(cluster));
    const snapshot = await client.getSharedClusterBackup(fx.sim.groupId, cluster, fx.sim.snapshotIds(cluster)[0] as string);
    expect(snapshot).toMatchObject({ id: fx.sim.snapshotIds(cluster)[0], status: 'COMPLETED' });
    const job = await client.downloadGroupClusterBackupTenant(fx.sim.groupId, cluster, { snapshotId: snapshot.id as string, targetDeploymentItemName: cluster });
    const read = await client.getGroupClusterBackupTenantRestore(fx.sim.groupId, cluster, job.id as string);
    expect(read).toMatchObject({ id: job.id, clusterName: cluster });
    const jobs = await client.listSharedClusterBackupRestoreJobs(fx.sim.groupId, cluster);
    expect(jobs.results?.map((j) => j.id)).toContain(job.id);
    expect(fx.sim.requests.filter((r) => r.path.includes('/backup/')).every((r) => !r.path.includes('/tenant/'))).toBe(true);
    expect(fx.sim.requests.filter((r) => r.path.includes('/flexClusters/')).length).toBeGreaterThanOrEqual(5);
  });
});

contractSuite('the legacy client answers', () => {
  let contract: ReturnType<typeof loadContract>;
  beforeAll(() => {
    contract = loadContract();
  });

  function expectSchema(name: string, body: unknown): void {
    const validators = contract.schemas.get(name);
    if (validators === undefined) throw new Error(`no schema ${name}`);
    expect(validators.open(body), `${name}: ${JSON.stringify(validators.open.errors)}`).toBe(true);
    expect(validators.closed(body), `${name} (undeclared fields): ${JSON.stringify(validators.closed.errors)}`).toBe(true);
  }

  it('a Flex job left unconverted, or missing a required field, is refused (so the checks below can fail)', async () => {
    const run = await runOf(SCENARIOS[1] as Scenario);
    const { clusterName, ...rest } = run.restore;
    const asFlex = { ...rest, instanceName: clusterName };
    const page = { ...run.restores, results: [asFlex] };
    const pageValidators = contract.schemas.get('PaginatedTenantRestore') as ContractValidators;
    expect(pageValidators.closed(page)).toBe(false);
    expect(JSON.stringify(pageValidators.closed.errors)).toContain('instanceName');
    const validators = contract.schemas.get('TenantRestore') as ContractValidators;
    expect(validators.open({ ...rest, snapshotId: undefined })).toBe(false);
    expect(validators.open({ ...rest, id: 'not-an-id' })).toBe(false);
  });

  it.each(SCENARIOS)('every answer on $name is valid in its legacy schema, open and closed', async (scenario) => {
    const run = await runOf(scenario);
    expectSchema('PaginatedTenantSnapshot', run.snapshots);
    expectSchema('PaginatedTenantSnapshot', run.secondPage);
    expectSchema('BackupTenantSnapshot', run.snapshot);
    expectSchema('TenantRestore', run.requested);
    expectSchema('TenantRestore', run.restore);
    expectSchema('PaginatedTenantRestore', run.restores);
    expectSchema('PaginatedTenantRestore', run.uncounted);
  });
});
