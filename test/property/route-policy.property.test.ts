import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShimError } from '../../src/errors/shim-error.js';
import { SunsetError } from '../../src/errors/route-errors.js';
import { UnsupportedClusterError } from '../../src/errors/route-errors.js';
import { decideRoute } from '../../src/routing/route-policy.js';
import { CLUSTER_KINDS, ROUTE_FLAGS, type ClusterKind, type Route, type RouteFlag } from '../../src/routing/route-policy.js';

const NUM_RUNS = 500;
const DEFAULT_SUNSET = new Date('2026-01-22T00:00:00Z');
const MS = { second: 1_000, day: 86_400_000, year: 365 * 86_400_000 };

/** DESIGN.md's route table, written out independently of the implementation: a route, or the error it names. */
function designTable(kind: ClusterKind, flag: RouteFlag, atOrAfterSunset: boolean, allowSunsetEndpoint: boolean): Route | typeof SunsetError | typeof UnsupportedClusterError {
  if (kind === 'dedicated') return UnsupportedClusterError;
  if (flag === 'flex') return 'flex';
  if (flag === 'tenant') return atOrAfterSunset && !allowSunsetEndpoint ? SunsetError : 'tenant';
  return kind === 'shared' && !atOrAfterSunset ? 'tenant' : 'flex';
}

/** Instants around a sunset: exactly at it, a millisecond, a second, a day and years to either side. */
function around(sunset: Date): fc.Arbitrary<Date> {
  const at = sunset.getTime();
  return fc.oneof(
    fc.constant(new Date(at)),
    fc.constantFrom(-1, 1, -MS.second, MS.second, -MS.day, MS.day).map((offset) => new Date(at + offset)),
    fc.integer({ min: -MS.day, max: MS.day }).map((offset) => new Date(at + offset)),
    fc.integer({ min: -30 * MS.year, max: 30 * MS.year }).map((offset) => new Date(at + offset)),
  );
}

const sunsets = fc.oneof(
  { arbitrary: fc.constant(DEFAULT_SUNSET), weight: 3 },
  { arbitrary: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), weight: 1 },
);

const inputs = sunsets.chain((sunsetDate) =>
  fc.record({
    clusterKind: fc.constantFrom(...CLUSTER_KINDS),
    flag: fc.constantFrom(...ROUTE_FLAGS),
    now: around(sunsetDate),
    sunsetDate: fc.constant(sunsetDate),
    allowSunsetEndpoint: fc.constantFrom(true, false, undefined),
  }),
);

describe('the route policy is total', () => {
  it('every kind × flag × time × allowSunsetEndpoint gives the table’s decision or its typed ShimError, never a plain Error', () => {
    fc.assert(
      fc.property(inputs, fc.string(), (input, clusterName) => {
        const atOrAfter = input.now.getTime() >= input.sunsetDate.getTime();
        const expected = designTable(input.clusterKind, input.flag, atOrAfter, input.allowSunsetEndpoint === true);
        let outcome: unknown;
        try {
          outcome = decideRoute(input, { groupId: 'g', clusterName });
        } catch (error) {
          outcome = error;
        }
        if (typeof expected === 'string') {
          expect(outcome, JSON.stringify(input)).toMatchObject({
            route: expected,
            clusterKind: input.clusterKind,
            flag: input.flag,
            afterSunset: atOrAfter,
            sunsetDate: input.sunsetDate,
          });
          expect((outcome as { reason: string }).reason).toMatch(/\S/);
        } else {
          expect(outcome).toBeInstanceOf(ShimError);
          expect(outcome).toBeInstanceOf(expected);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // The boundary itself, in every combination, as plain examples: "at or after" includes "at".
  for (const clusterKind of CLUSTER_KINDS) {
    for (const flag of ROUTE_FLAGS) {
      for (const allowSunsetEndpoint of [false, true]) {
        it(`${clusterKind} × ${flag} × allowSunsetEndpoint ${allowSunsetEndpoint}: one millisecond before the sunset, exactly at it, and one after`, () => {
          const at = DEFAULT_SUNSET.getTime();
          for (const [now, atOrAfter] of [[at - 1, false], [at, true], [at + 1, true]] as const) {
            const expected = designTable(clusterKind, flag, atOrAfter, allowSunsetEndpoint);
            const input = { clusterKind, flag, now: new Date(now), sunsetDate: DEFAULT_SUNSET, allowSunsetEndpoint };
            if (typeof expected === 'string') expect(decideRoute(input)).toMatchObject({ route: expected, afterSunset: atOrAfter });
            else expect(() => decideRoute(input)).toThrow(expected);
          }
        });
      }
    }
  }

  it('a SunsetError and an UnsupportedClusterError say what to do instead', () => {
    const sunset = (): unknown => decideRoute({ clusterKind: 'shared', flag: 'tenant', now: DEFAULT_SUNSET, sunsetDate: DEFAULT_SUNSET });
    expect(sunset).toThrow(/Use route 'auto' or 'flex'/);
    const dedicated = (): unknown => decideRoute({ clusterKind: 'dedicated', flag: 'auto', now: DEFAULT_SUNSET, sunsetDate: DEFAULT_SUNSET }, { clusterName: 'big' });
    expect(dedicated).toThrow(/Cloud Backup restore jobs/);
  });
});
