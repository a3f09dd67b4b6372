import { describe, expect, it } from 'vitest';
import { AtlasForGovernmentError, SunsetError } from '../../src/errors/route-errors.js';
import { UnsupportedClusterError } from '../../src/errors/route-errors.js';
import { decideRoute } from '../../src/routing/route-policy.js';
import { CLUSTER_KINDS, ROUTE_FLAGS, type ClusterKind, type RouteFlag } from '../../src/routing/route-policy.js';

const sunsetDate = new Date('2026-01-22T00:00:00Z');
const before = new Date('2026-01-21T23:59:59.999Z');
const at = sunsetDate;
const after = new Date('2026-11-28T12:00:00Z');

type Expected = 'tenant' | 'flex' | 'sunset' | 'unsupported';

// DESIGN.md's table, row by row: [kind, flag, before sunset, at or after sunset].
const table: [ClusterKind, RouteFlag, Expected, Expected][] = [
  ['shared', 'auto', 'tenant', 'flex'],
  ['flex', 'auto', 'flex', 'flex'],
  ['unknown', 'auto', 'flex', 'flex'],
  ['shared', 'tenant', 'tenant', 'sunset'],
  ['flex', 'tenant', 'tenant', 'sunset'],
  ['unknown', 'tenant', 'tenant', 'sunset'],
  ['shared', 'flex', 'flex', 'flex'],
  ['flex', 'flex', 'flex', 'flex'],
  ['unknown', 'flex', 'flex', 'flex'],
  ['dedicated', 'auto', 'unsupported', 'unsupported'],
  ['dedicated', 'tenant', 'unsupported', 'unsupported'],
  ['dedicated', 'flex', 'unsupported', 'unsupported'],
];

function outcome(clusterKind: ClusterKind, flag: RouteFlag, now: Date, allowSunsetEndpoint = false): Expected {
  try {
    return decideRoute({ clusterKind, flag, now, sunsetDate, allowSunsetEndpoint }).route;
  } catch (error) {
    if (error instanceof SunsetError) return 'sunset';
    if (error instanceof UnsupportedClusterError) return 'unsupported';
    throw error;
  }
}

describe('decideRoute: the policy table', () => {
  it('covers every kind × flag', () => {
    expect(table).toHaveLength(CLUSTER_KINDS.length * ROUTE_FLAGS.length);
  });
  for (const [kind, flag, beforeSunset, afterSunset] of table) {
    it(`${kind} + ${flag}: ${beforeSunset} before, ${afterSunset} at and after the sunset`, () => {
      expect(outcome(kind, flag, before)).toBe(beforeSunset);
      expect(outcome(kind, flag, at)).toBe(afterSunset);
      expect(outcome(kind, flag, after)).toBe(afterSunset);
    });
  }
});

describe('decideRoute: details', () => {
  it('lets the tenant flag through after the sunset when allowSunsetEndpoint is set', () => {
    for (const kind of ['shared', 'flex', 'unknown'] as const) expect(outcome(kind, 'tenant', after, true)).toBe('tenant');
  });
  it('a tenant decision before the sunset may fall back to flex once', () => {
    const decision = decideRoute({ clusterKind: 'flex', flag: 'tenant', now: before, sunsetDate });
    expect(decision).toMatchObject({ route: 'tenant', fallbackRoute: 'flex', afterSunset: false, clusterKind: 'flex', flag: 'tenant' });
    expect(decision.reason).toContain('fallback');
  });
  it('after the sunset a flex decision never falls back to the gone tenant endpoint', () => {
    expect(decideRoute({ clusterKind: 'shared', flag: 'auto', now: after, sunsetDate }).fallbackRoute).toBeUndefined();
    expect(decideRoute({ clusterKind: 'unknown', flag: 'flex', now: after, sunsetDate }).fallbackRoute).toBeUndefined();
    expect(decideRoute({ clusterKind: 'unknown', flag: 'flex', now: after, sunsetDate, allowSunsetEndpoint: true }).fallbackRoute).toBe('tenant');
  });
  it('the sunset error names the date and the way out', () => {
    expect(() => decideRoute({ clusterKind: 'shared', flag: 'tenant', now: after, sunsetDate })).toThrow(
      /2026-01-22T00:00:00.000Z.*allowSunsetEndpoint/s,
    );
  });
  it('the dedicated error names Cloud Backup restore jobs and the cluster', () => {
    expect(() =>
      decideRoute({ clusterKind: 'dedicated', flag: 'auto', now: before, sunsetDate }, { groupId: 'g', clusterName: 'prod', instanceSize: 'M10' }),
    ).toThrow(/'prod'.*M10.*Cloud Backup restore jobs/s);
  });
  it('honours a configurable sunset instant', () => {
    const early = new Date('2025-06-01T00:00:00Z');
    expect(decideRoute({ clusterKind: 'shared', flag: 'auto', now: before, sunsetDate: early }).route).toBe('flex');
  });
  it('gives every decision a readable reason, and every refusal its precise error', () => {
    for (const [kind, flag, beforeSunset, afterSunset] of table) {
      for (const [now, expected] of [
        [before, beforeSunset],
        [after, afterSunset],
      ] as const) {
        const input = { clusterKind: kind, flag, now, sunsetDate };
        if (expected === 'tenant' || expected === 'flex') {
          const decision = decideRoute(input);
          expect(decision.route).toBe(expected);
          expect(decision.reason.length).toBeGreaterThan(20);
        } else if (expected === 'sunset') {
          expect(() => decideRoute(input)).toThrow(SunsetError);
          expect(() => decideRoute(input)).toThrow(expect.objectContaining({ code: 'SUNSET', sunsetDate, at: now }));
        } else {
          expect(() => decideRoute(input, { groupId: 'g', clusterName: 'c' })).toThrow(UnsupportedClusterError);
          expect(() => decideRoute(input, { groupId: 'g', clusterName: 'c' })).toThrow(
            expect.objectContaining({ code: 'UNSUPPORTED_CLUSTER', groupId: 'g', clusterName: 'c', instanceSize: undefined }),
          );
        }
      }
    }
  });
});

describe('decideRoute on Atlas for Government: no Flex endpoint', () => {
  const subject = { groupId: 'a'.repeat(24), clusterName: 'gov-cluster' };
  const government = (clusterKind: ClusterKind, flag: RouteFlag, now: Date, allowSunsetEndpoint = false): Expected | 'government' => {
    try {
      return decideRoute({ clusterKind, flag, now, sunsetDate, allowSunsetEndpoint, atlasForGovernment: true }, subject).route;
    } catch (error) {
      if (error instanceof AtlasForGovernmentError) return 'government';
      if (error instanceof SunsetError) return 'sunset';
      if (error instanceof UnsupportedClusterError) return 'unsupported';
      throw error;
    }
  };

  it.each(table)('%s cluster, flag %s: every Flex decision of the table is refused, the rest unchanged', (kind, flag, beforeSunset, afterSunset) => {
    expect(government(kind, flag, before)).toBe(beforeSunset === 'flex' ? 'government' : beforeSunset);
    expect(government(kind, flag, after)).toBe(afterSunset === 'flex' ? 'government' : afterSunset);
  });

  it('offers no fallback to Flex, and the error names Atlas for Government, the cluster and why', () => {
    const decision = decideRoute({ clusterKind: 'shared', flag: 'auto', now: before, sunsetDate, atlasForGovernment: true }, subject);
    expect(decision).toMatchObject({ route: 'tenant', fallbackRoute: undefined });
    let error: unknown;
    try {
      decideRoute({ clusterKind: 'unknown', flag: 'flex', now: after, sunsetDate, atlasForGovernment: true }, subject);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AtlasForGovernmentError);
    expect(error).toMatchObject({ code: 'ATLAS_FOR_GOVERNMENT', groupId: subject.groupId, clusterName: 'gov-cluster' });
    expect((error as Error).message).toMatch(/^Atlas for Government has no Flex clusters and no Flex API, so downloadFlexBackup is refused for cluster 'gov-cluster' \(The route flag is 'flex'/);
    expect((error as Error).message).toMatch(/createBackupRestoreJob/);
  });

  it('allowSunsetEndpoint keeps the tenant flag after the sunset, without a Flex fallback', () => {
    expect(decideRoute({ clusterKind: 'unknown', flag: 'tenant', now: after, sunsetDate, allowSunsetEndpoint: true, atlasForGovernment: true }, subject)).toMatchObject({
      route: 'tenant',
      fallbackRoute: undefined,
    });
  });
});
