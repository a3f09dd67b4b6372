import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotShim, UnsupportedClusterError, ValidationError, type SnapshotShim, type SnapshotShimOptions } from '../../src/index.js';
import { resetTenantEndpointWarningForTests } from '../../src/observability/tenant-warning.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';
import { recordingDispatcher, secretsOf } from './secrets.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;
interface LogRecord {
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

const BEFORE = new Date('2026-01-10T12:00:00Z');
const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

let sim: Simulator;
let dir: string;
let lines: string[];
const shims: SnapshotShim[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ now: () => BEFORE, jobDurationMs: 60, snapshotSizeBytes: 100_000 });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async () => {
  lines = [];
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-logger-'));
  resetTenantEndpointWarningForTests();
});
afterEach(async () => {
  await Promise.all(shims.splice(0).map((shim) => shim.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A real pino logger at debug, writing JSON lines into `lines`. */
const capturedPino = () => pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
const records = (): LogRecord[] => lines.map((line) => JSON.parse(line) as LogRecord);
const at = (level: keyof typeof LEVEL) => records().filter((r) => r.level === LEVEL[level]);

function shimWith(options: Partial<SnapshotShimOptions> = {}): SnapshotShim {
  const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => BEFORE, logger: capturedPino(), ...options });
  shims.push(shim);
  return shim;
}
const target = (cluster: string) => ({ groupId: sim.groupId, clusterName: cluster, snapshotId: sim.snapshotIds(cluster)[0] as string });

describe('the logger option, with pino', () => {
  it('a tenant download before the sunset: requests at debug, the decision and the saved file at info, the tenant use at warn', async () => {
    const shim = shimWith();
    const cluster = sim.clusters.shared;
    const { snapshotId } = target(cluster);
    const saved = await shim.download({ ...target(cluster), destination: join(dir, 'shared.tar.gz'), pollIntervalMs: 20 });

    expect(records().length).toBeGreaterThan(0);
    expect(records().every((r) => r.component === 'atlas-snapshot-shim')).toBe(true);
    const requests = at('debug').filter((r) => r.msg === 'Atlas request answered');
    expect(requests.map((r) => r.operation)).toEqual(expect.arrayContaining(['getCluster', 'downloadClusterBackupTenant', 'getBackupTenantRestore']));
    expect(requests.find((r) => r.operation === 'downloadClusterBackupTenant')).toMatchObject({
      method: 'POST',
      path: saved.job.decision.endpoint.path,
      status: 200,
      attempt: 1,
      durationMs: expect.any(Number),
    });

    expect(at('info').map((r) => r.msg)).toEqual(['route decided', 'snapshot saved']);
    expect(at('info')[0]).toMatchObject({ route: 'tenant', clusterKind: 'shared', flag: 'auto', groupId: sim.groupId, clusterName: cluster, purpose: 'call' });
    expect(at('info')[1]).toMatchObject({ snapshotId, route: 'tenant', bytes: 100_000, sha256: sim.snapshotSha256(snapshotId), path: saved.path });

    expect(at('warn')).toHaveLength(1);
    expect(at('warn')[0]).toMatchObject({ code: 'ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT', sunset: '2026-01-22', daysLeft: 12, clusterName: cluster });
    expect(at('warn')[0]?.msg).toContain('12 days left');
    expect(at('error')).toEqual([]);
  });

  it('a fallback and flag warnings are logged at warn', async () => {
    await shimWith({ route: 'tenant' }).downloadSnapshot(target(sim.clusters.flex));
    await shimWith({ route: () => 'tenants' as never }).explainRoute({ groupId: sim.groupId, clusterName: sim.clusters.flex });
    await shimWith({
      route: () => {
        throw new Error('flag service down');
      },
    }).explainRoute({ groupId: sim.groupId, clusterName: sim.clusters.flex });
    const warns = at('warn');
    expect(warns.find((r) => r.from === 'tenant')).toMatchObject({ to: 'flex', status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', flag: 'tenant' });
    expect(warns.find((r) => r.received !== undefined)).toMatchObject({ received: '"tenants"', usedFlag: 'auto', clusterName: sim.clusters.flex });
    expect(warns.find((r) => r.reason === 'threw')).toMatchObject({ detail: 'flag service down', usedFlag: 'auto' });
    // The tenant flag sent the first POST to the tenant endpoint: that is a use of it too.
    expect(warns.filter((r) => r.code === 'ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT')).toHaveLength(1);
    expect(at('info').filter((r) => r.msg === 'route explained')).toHaveLength(2);
  });

  it('the tenant use is logged once per cluster and day left, not on every call', async () => {
    let now = BEFORE;
    const shim = shimWith({ now: () => now });
    await shim.downloadSnapshot(target(sim.clusters.shared));
    await shim.downloadSnapshot(target(sim.clusters.shared));
    await shim.downloadSnapshot(target(sim.clusters.sharedM5));
    now = new Date('2026-01-11T12:00:00Z');
    await shim.downloadSnapshot(target(sim.clusters.shared));
    const uses = at('warn').filter((r) => r.code === 'ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT');
    expect(uses.map((r) => [r.clusterName, r.daysLeft])).toEqual([
      [sim.clusters.shared, 12],
      [sim.clusters.sharedM5, 12],
      [sim.clusters.shared, 11],
    ]);
    expect(at('info').filter((r) => r.msg === 'route decided')).toHaveLength(4);
  });

  it('nothing thrown is logged at error: a refused call is a debug record, and the caller gets the error', async () => {
    const shim = shimWith({ route: 'flex' });
    await expect(shim.downloadSnapshot(target(sim.clusters.dedicated))).rejects.toBeInstanceOf(UnsupportedClusterError);
    expect(at('error')).toEqual([]);
    expect(at('debug').find((r) => r.msg === 'Atlas request failed')).toMatchObject({
      operation: 'downloadFlexBackup',
      status: 400,
      errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
    });
  });

  it('no record carries a credential, a bearer token, a digest response or a snapshotUrl secret', async () => {
    const recording = recordingDispatcher();
    const snapshotUrls: string[] = [];
    try {
      for (const credentials of [sim.apiKey, sim.serviceAccount]) {
        for (const cluster of [sim.clusters.shared, sim.clusters.flex]) {
          const shim = shimWith({ credentials, dispatcher: recording.dispatcher, route: cluster === sim.clusters.flex ? 'tenant' : 'auto' });
          const result = await shim.download({ ...target(cluster), destination: join(dir, `${cluster}-${snapshotUrls.length}.tar.gz`), pollIntervalMs: 20 });
          snapshotUrls.push(result.job.snapshotUrl as string);
        }
      }
    } finally {
      await Promise.all(shims.splice(0).map((shim) => shim.close()));
      await recording.close();
    }
    const secrets = secretsOf({ credentials: [sim.apiKey.privateKey, sim.serviceAccount.clientSecret], authorizations: recording.authorizations, snapshotUrls });
    expect([...recording.authorizations].some((a) => a.startsWith('Bearer '))).toBe(true);
    expect(lines.length).toBeGreaterThan(20);
    const text = lines.join('');
    for (const secret of secrets) expect(text.includes(secret), `a record carries ${secret.slice(0, 4)}…`).toBe(false);
    expect(text).not.toMatch(/authorization|bearer/i);
  });
});

describe('loggers that are not pino', () => {
  it('a logger without child gets the component on each record', async () => {
    const seen: Array<[string, Record<string, unknown>, string | undefined]> = [];
    const logger = {
      debug: (record: object, msg?: string) => void seen.push(['debug', record as Record<string, unknown>, msg]),
      info: (record: object, msg?: string) => void seen.push(['info', record as Record<string, unknown>, msg]),
      warn: (record: object, msg?: string) => void seen.push(['warn', record as Record<string, unknown>, msg]),
      error: (record: object, msg?: string) => void seen.push(['error', record as Record<string, unknown>, msg]),
    };
    await shimWith({ logger }).explainRoute({ groupId: sim.groupId, clusterName: sim.clusters.flex });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([, record]) => record.component === 'atlas-snapshot-shim')).toBe(true);
    expect(seen.find(([level]) => level === 'info')?.[2]).toBe('route explained');
  });

  it('a logger that throws breaks nothing', async () => {
    const broken = () => {
      throw new Error('logger bug');
    };
    const logger = { debug: broken, info: broken, warn: broken, error: broken, child: broken };
    const download = await shimWith({ logger }).downloadSnapshot(target(sim.clusters.shared));
    expect(download.route).toBe('tenant');
  });

  it.each([
    [{}, 'an empty object'],
    [{ debug() {}, info() {}, warn() {} }, 'no error method'],
    [{ debug() {}, info() {}, warn() {}, error() {}, child: 'x' }, 'a child that is not a function'],
    ['console', 'a string'],
  ])('refuses %j (%s) naming options.logger', (logger, _why) => {
    expect(() => createSnapshotShim({ credentials: sim.apiKey, logger: logger as never })).toThrow(
      expect.objectContaining({ name: 'ValidationError', field: 'options.logger' }) as ValidationError,
    );
  });
});
