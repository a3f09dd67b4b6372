import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { validateListQuery } from '../../adapters/legacy-client/inputs.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { check, CLUSTER_NAME, OBJECT_ID, TARGET_DEPLOYMENT_ITEM_NAME } from '../../src/validation.js';
import { contractSuite, loadContract } from '../contract/contract.js';
import { contractAccepts, contractRegExp, parameterRules, propertyRule, type ContractRule, type SourcedRule } from './contract-rules.js';
import { aroundLength, nearMiss, nonStrings } from './near-miss.js';

const NUM_RUNS = 300;
// Atlas's documented limit on cluster names; the contract states none. Written out, not
// imported from the library, so a change there is caught here.
const ATLAS_CLUSTER_NAME_MAX_LENGTH = 64;

/** A validator under test: accepts (returning the value it was given) or throws a ValidationError. */
type Validator = (value: unknown) => unknown;

interface Subject {
  readonly validate: Validator;
  /** Limits beyond the contract's that the library documents (Atlas's 64-character cluster names). */
  readonly extra?: { maxLength?: number };
  /** JavaScript numbers beyond 2^53 are not integers a caller can mean; the library refuses them. */
  readonly safeIntegersOnly?: boolean;
  /** The contract does not require it (query parameters): leaving it out (undefined) is accepted. */
  readonly optional?: boolean;
}

// The validator each contract input goes through, by where the contract declares it.
const SUBJECTS: Readonly<Record<string, Subject>> = {
  'path groupId': { validate: (v) => check('groupId', v, OBJECT_ID) },
  'path clusterName': { validate: (v) => check('clusterName', v, CLUSTER_NAME), extra: { maxLength: ATLAS_CLUSTER_NAME_MAX_LENGTH } },
  'path name': { validate: (v) => check('clusterName', v, CLUSTER_NAME), extra: { maxLength: ATLAS_CLUSTER_NAME_MAX_LENGTH } },
  'path snapshotId': { validate: (v) => check('snapshotId', v, OBJECT_ID) },
  'path restoreId': { validate: (v) => check('restoreId', v, OBJECT_ID) },
  'path restoreJobId': { validate: (v) => check('download.id', v, OBJECT_ID) },
  'query pageNum': { validate: (v) => validateListQuery({ pageNum: v }).pageNum, safeIntegersOnly: true, optional: true },
  'query itemsPerPage': { validate: (v) => validateListQuery({ itemsPerPage: v }).itemsPerPage, safeIntegersOnly: true, optional: true },
  'query includeCount': { validate: (v) => validateListQuery({ includeCount: v }).includeCount, optional: true },
  'body TenantRestore.snapshotId': { validate: (v) => check('body.snapshotId', v, OBJECT_ID) },
  'body TenantRestore.targetDeploymentItemName': { validate: (v) => check('body.targetDeploymentItemName', v, TARGET_DEPLOYMENT_ITEM_NAME) },
  'body FlexBackupSnapshotDownloadCreate20241113.snapshotId': { validate: (v) => check('snapshotId', v, OBJECT_ID) },
};

/** True when the validator accepts `value` (and hands back that very value), false when it refuses it with a ValidationError. */
function accepts(subject: Subject, value: unknown): boolean {
  try {
    const returned = subject.validate(value);
    expect(returned).toBe(value);
    return true;
  } catch (error) {
    // Any other error (a TypeError from a Symbol, a RangeError) is a crash, not a refusal.
    if (!(error instanceof ValidationError)) throw error;
    return false;
  }
}

function oracle(rule: ContractRule, subject: Subject, value: unknown): boolean {
  if (value === undefined) return subject.optional === true;
  if (subject.safeIntegersOnly && typeof value === 'number' && !Number.isSafeInteger(value)) return false;
  return contractAccepts(rule, value, subject.extra);
}

/** Candidates for a rule: matching values, one-edit near misses, length boundaries, noise and non-strings. */
function candidates(rule: ContractRule, subject: Subject): fc.Arbitrary<unknown> {
  if (rule.kind === 'boolean') return fc.oneof(fc.boolean(), fc.anything(), fc.constantFrom<unknown>('true', 0, 1, null));
  if (rule.kind === 'integer') {
    const low = rule.minimum ?? -1000;
    const high = rule.maximum ?? Number.MAX_SAFE_INTEGER;
    return fc.oneof(
      fc.integer({ min: low, max: Math.min(high, low + 1000) }),
      fc.integer({ min: low - 3, max: low + 3 }),
      fc.integer({ min: Math.min(high, Number.MAX_SAFE_INTEGER) - 3, max: Math.min(high, Number.MAX_SAFE_INTEGER - 3) + 3 }),
      fc.double(),
      fc.constantFrom<unknown>(0, -0, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60, '1', true, null, 10n),
      fc.anything(),
    );
  }
  const valid = fc.stringMatching(contractRegExp(rule.pattern));
  const limit = subject.extra?.maxLength ?? rule.maxLength;
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: nearMiss(valid), weight: 6 },
    { arbitrary: aroundLength(valid, limit ?? 24), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme' }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 1 },
    { arbitrary: nonStrings(valid), weight: 1 },
  );
}

contractSuite('input validation (property-based)', () => {
  let rules: Map<string, SourcedRule>;
  beforeAll(() => {
    const contract = loadContract();
    rules = parameterRules(contract);
    for (const where of Object.keys(SUBJECTS).filter((key) => key.startsWith('body '))) {
      const [schema, property] = where.slice('body '.length).split('.') as [string, string];
      rules.set(where, propertyRule(contract, schema, property));
    }
  });

  it('every path and query parameter of the contract has a validator here', () => {
    const unvalidated = [...rules.keys()].filter((where) => SUBJECTS[where] === undefined);
    expect(unvalidated).toEqual([]);
    // A contract that lost a parameter would leave a validator checked against nothing.
    expect(Object.keys(SUBJECTS).filter((where) => !rules.has(where))).toEqual([]);
  });

  it('object ids and cluster names carry the patterns DESIGN.md names', () => {
    expect(rules.get('path groupId')?.rule).toMatchObject({ kind: 'string', pattern: '^([a-f0-9]{24})$' });
    expect(rules.get('path snapshotId')?.rule).toMatchObject({ kind: 'string', pattern: '^([a-f0-9]{24})$' });
    expect(rules.get('path clusterName')?.rule).toMatchObject({ kind: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*$' });
  });

  for (const where of Object.keys(SUBJECTS)) {
    it(`${where}: the validator accepts exactly what the contract accepts`, () => {
      const subject = SUBJECTS[where]!;
      const { rule } = rules.get(where)!;
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(candidates(rule, subject), (value) => {
          const expected = oracle(rule, subject, value);
          expect(accepts(subject, value), `${where} ${typeof value === 'string' ? JSON.stringify(value) : String(typeof value)}`).toBe(expected);
          if (expected) accepted += 1;
          else refused += 1;
        }),
        { numRuns: NUM_RUNS },
      );
      // Both sides of the boundary must have been visited, or the comparison proved little.
      expect(accepted, 'accepted candidates').toBeGreaterThan(NUM_RUNS * 0.1);
      expect(refused, 'refused candidates').toBeGreaterThan(NUM_RUNS * 0.1);
    });
  }

  it('a refusal names the field, says the rule, and stays one short line for a 1 MB value', () => {
    for (const [where, subject] of Object.entries(SUBJECTS)) {
      const { rule } = rules.get(where)!;
      if (rule.kind !== 'string') continue;
      try {
        subject.validate(`${'a'.repeat(1_000_000)}/\0`);
        expect.unreachable(`${where} accepted a 1 MB string`);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        const message = (error as ValidationError).message;
        expect(message.length, where).toBeLessThan(400);
        expect(message).not.toMatch(/[\0\n]/);
      }
    }
  });
});
