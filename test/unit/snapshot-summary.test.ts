import { describe, expect, it } from 'vitest';
import { projectClusters, snapshotFileName } from '../../src/facade/download-all.js';
import { latestCompleted, newestFirst, normalizeSnapshot } from '../../src/model/normalize.js';
import type { SnapshotSummary } from '../../src/model/snapshot-download.js';

const ID = (n: number): string => n.toString(16).padStart(24, '0');

function summary(n: number, startTime: string | undefined, status = 'COMPLETED'): SnapshotSummary {
  return normalizeSnapshot('flex', { id: ID(n), status, ...(startTime ? { startTime } : {}) });
}

describe('normalizeSnapshot', () => {
  it('reads a BackupTenantSnapshot and a FlexBackupSnapshot20241113 into one model, dates as Dates', () => {
    const item = {
      id: ID(1),
      status: 'COMPLETED',
      startTime: '2026-01-09T02:00:12Z',
      finishTime: '2026-01-09T02:05:00Z',
      scheduledTime: '2026-01-09T02:00:00Z',
      expiration: '2026-01-17T02:00:00Z',
      mongoDBVersion: '8.0.4',
      links: [{ rel: 'self', href: 'https://cloud.mongodb.com/x' }],
    };
    for (const route of ['tenant', 'flex'] as const) {
      expect(normalizeSnapshot(route, item)).toEqual({
        snapshotId: ID(1),
        status: 'COMPLETED',
        startedAt: new Date('2026-01-09T02:00:12Z'),
        finishedAt: new Date('2026-01-09T02:05:00Z'),
        expiresAt: new Date('2026-01-17T02:00:00Z'),
        mongoDBVersion: '8.0.4',
        route,
        raw: item,
      });
    }
  });

  it('reads missing, mistyped and unparsable fields as absent, keeps unknown statuses and extra fields in raw', () => {
    const item = { id: 42, status: 'SOMETHING_NEW', startTime: 'yesterday', finishTime: 17, extra: { nested: true } };
    expect(normalizeSnapshot('tenant', item)).toEqual({
      snapshotId: undefined,
      status: 'SOMETHING_NEW',
      startedAt: undefined,
      finishedAt: undefined,
      expiresAt: undefined,
      mongoDBVersion: undefined,
      route: 'tenant',
      raw: item,
    });
  });

  it('reads an item that is not an object as an empty one instead of throwing', () => {
    for (const item of [null, 'x', 3, [1]]) expect(normalizeSnapshot('flex', item)).toMatchObject({ snapshotId: undefined, status: undefined, raw: {} });
  });
});

describe('newestFirst and latestCompleted', () => {
  it('orders by start, newest first; undated snapshots last in the order given; does not change its input', () => {
    const given = [summary(1, '2026-01-01T02:00:00Z'), summary(2, undefined), summary(3, '2026-01-03T02:00:00Z'), summary(4, undefined), summary(5, '2026-01-02T02:00:00Z')];
    const copy = [...given];
    expect(newestFirst(given).map((s) => s.snapshotId)).toEqual([ID(3), ID(5), ID(1), ID(2), ID(4)]);
    expect(given).toEqual(copy);
  });

  it('falls back to the finish time when Atlas left the start out', () => {
    const late = normalizeSnapshot('tenant', { id: ID(7), status: 'COMPLETED', finishTime: '2026-01-05T00:00:00Z' });
    expect(newestFirst([summary(1, '2026-01-04T00:00:00Z'), late]).map((s) => s.snapshotId)).toEqual([ID(7), ID(1)]);
  });

  it('picks the newest COMPLETED snapshot with an id, skipping newer ones in other states or without an id', () => {
    const list = [
      summary(1, '2026-01-01T02:00:00Z'),
      summary(2, '2026-01-04T02:00:00Z', 'IN_PROGRESS'),
      normalizeSnapshot('flex', { status: 'COMPLETED', startTime: '2026-01-05T02:00:00Z' }),
      summary(3, '2026-01-03T02:00:00Z'),
    ];
    expect(latestCompleted(list)?.snapshotId).toBe(ID(3));
    expect(latestCompleted([summary(2, '2026-01-04T02:00:00Z', 'FAILED')])).toBeUndefined();
    // An id that is not one could be neither requested nor named as a file.
    const malformed = normalizeSnapshot('flex', { id: '../../etc/passwd', status: 'COMPLETED', startTime: '2026-01-09T02:00:00Z' });
    expect(latestCompleted([malformed, summary(3, '2026-01-03T02:00:00Z')])?.snapshotId).toBe(ID(3));
    expect(latestCompleted([])).toBeUndefined();
  });
});

describe('projectClusters', () => {
  const described = (name: unknown, providerName: string, instanceSize: string): unknown => ({
    name,
    replicationSpecs: [{ regionConfigs: [{ providerName, electableSpecs: { instanceSize } }] }],
  });

  it('reads each listClusters item as getCluster is read, adds every listFlexClusters item as Flex, in name order', () => {
    const clusters = projectClusters(
      [described('shared-m5', 'TENANT', 'M5'), described('dedicated-m10', 'AWS', 'M10'), described('legacy-flex', 'FLEX', 'FLEX'), { name: 'mystery' }],
      [{ name: 'flex-native' }, { name: 'legacy-flex' }],
    );
    expect(clusters).toEqual([
      { name: 'dedicated-m10', kind: 'dedicated', instanceSize: 'M10' },
      { name: 'flex-native', kind: 'flex', instanceSize: undefined },
      { name: 'legacy-flex', kind: 'flex', instanceSize: undefined },
      { name: 'mystery', kind: 'unknown', instanceSize: undefined },
      { name: 'shared-m5', kind: 'shared', instanceSize: 'M5' },
    ]);
  });

  it('leaves out items without a valid cluster name', () => {
    expect(projectClusters([described(undefined, 'TENANT', 'M2'), described('../etc', 'TENANT', 'M2'), null, 'x'], [{ name: '' }, {}])).toEqual([]);
  });

  it('names each file after its cluster and snapshot', () => {
    expect(snapshotFileName('shared-m2', ID(9))).toBe(`shared-m2-${ID(9)}.tar.gz`);
  });
});
