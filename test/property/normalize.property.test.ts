import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { toAtlasApiError } from '../../src/atlas/atlas-answer.js';
import { AtlasApiError } from '../../src/errors/atlas-errors.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { flexPageToTenantPage, flexRestoreJobToTenantRestore, flexSnapshotToTenantSnapshot } from '../../src/model/legacy-shapes.js';
import { normalizeRestoreJob } from '../../src/model/normalize.js';
import { RESTORE_SHAPES } from '../contract/restore-shapes.js';
import type { SnapshotDownload } from '../../src/model/snapshot-download.js';
import { classifyClusterDescription } from '../../src/routing/route-policy.js';
import { CLUSTER_KINDS } from '../../src/routing/route-policy.js';
import { contractSuite, loadContract, type Json, type LoadedContract } from '../contract/contract.js';
import { schemaArbitrary, type SchemaArbitraryOptions } from './schema-arbitrary.js';

const NUM_RUNS = 300;

// The documented values of the open string fields, and values Atlas could add (or mistype).
const OPEN_STRINGS: SchemaArbitraryOptions = {
  stringSamples: {
    status: ['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED', 'CLOSED', 'CANCELLED', 'completed', ''],
    deliveryType: ['RESTORE', 'DOWNLOAD', 'POINT_IN_TIME', 'download', ''],
  },
};

const TEXT_FIELDS = ['id', 'projectId', 'snapshotId', 'status', 'deliveryType', 'snapshotUrl', 'targetProjectId', 'targetDeploymentItemName'] as const;
const DATE_FIELDS = ['expirationDate', 'restoreScheduledDate', 'restoreFinishedDate', 'snapshotFinishedDate'] as const;

/** Checks a model against the body it was read from: every field as the body said it, nothing lost. */
function expectFaithful(model: SnapshotDownload, body: Record<string, unknown>, nameField: 'clusterName' | 'instanceName'): void {
  expect(model.raw).toBe(body);
  expect(Reflect.ownKeys(model.raw)).toEqual(Reflect.ownKeys(body));
  expect(model.clusterName).toBe(body[nameField]);
  for (const field of TEXT_FIELDS) expect(model[field], field).toBe(body[field]);
  for (const field of DATE_FIELDS) {
    const text = body[field] as string | undefined;
    const instant = text === undefined ? Number.NaN : Date.parse(text);
    // JavaScript cannot read a leap second (23:59:60): such a date reads as absent, never as a wrong instant.
    if (Number.isNaN(instant)) expect(model[field], `${field} ${text}`).toBeUndefined();
    else expect(model[field]?.getTime(), `${field} ${text}`).toBe(instant);
  }
  expect(model.links).toEqual(body.links ?? []);
}

contractSuite('normalization of every body the schemas allow (property-based)', () => {
  let contract: LoadedContract;
  const valid = (schemaName: string, body: unknown): boolean => {
    const validate = contract.schemas.get(schemaName)!.open;
    return validate(body) || expect.fail(`the generator made a body ${schemaName} refuses: ${JSON.stringify(validate.errors)}`);
  };
  const bodies = (schemaName: string, options: SchemaArbitraryOptions = OPEN_STRINGS) => schemaArbitrary(contract.document, schemaName, options);

  beforeAll(() => {
    contract = loadContract();
  });

  for (const { schema, normalize, route, nameField } of RESTORE_SHAPES) {
    it(`${schema}: normalization never throws, reads every field, and keeps unknown members in raw`, () => {
      let unknownMembers = 0;
      let unknownStatuses = 0;
      fc.assert(
        fc.property(bodies(schema), (body) => {
          expect(valid(schema, body)).toBe(true);
          const model = normalize(body);
          expect(model.route).toBe(route);
          expectFaithful(model, body, nameField);
          expectFaithful(normalizeRestoreJob(route, body), body, nameField);
          const declared = Object.keys(contract.document.components.schemas[schema].properties as Json);
          if (Reflect.ownKeys(body).some((key) => typeof key === 'string' && !declared.includes(key))) unknownMembers += 1;
          if (typeof body.status === 'string' && !['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED'].includes(body.status)) unknownStatuses += 1;
        }),
        { numRuns: NUM_RUNS },
      );
      // The generator must really have sent what the property is about.
      expect(unknownMembers).toBeGreaterThan(NUM_RUNS * 0.2);
      expect(unknownStatuses).toBeGreaterThan(NUM_RUNS * 0.05);
    });

    it(`${schema}: any other JSON, its own member names with values of any type included, is read or refused with a ValidationError, never a crash`, () => {
      const declared = Object.keys(contract.document.components.schemas[schema].properties as Json);
      // The schema's member names with values of every JSON type: a wrongly typed field must read as absent.
      const mistyped = fc.dictionary(fc.constantFrom(...declared), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 });
      fc.assert(
        fc.property(fc.oneof(mistyped, fc.jsonValue()), (body) => {
          try {
            const model = normalize(body);
            expect(model.raw).toBe(body);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect(typeof body !== 'object' || body === null || Array.isArray(body)).toBe(true);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }

  it('a Flex restore job turned back into the legacy TenantRestore is a valid TenantRestore, with no undeclared member', () => {
    const tenantProperties = Object.keys(contract.document.components.schemas.TenantRestore.properties as Json);
    fc.assert(
      fc.property(bodies('FlexBackupRestoreJob20241113'), fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,20}$/), fc.stringMatching(/^[a-f0-9]{24}$/), (body, clusterName, snapshotId) => {
        const legacy = flexRestoreJobToTenantRestore(body, { clusterName, snapshotId });
        expect(valid('TenantRestore', legacy)).toBe(true);
        expect(Object.keys(legacy).filter((key) => !tenantProperties.includes(key))).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('Flex snapshots and pages turned back into the legacy shapes are valid by the legacy schemas', () => {
    fc.assert(
      fc.property(bodies('FlexBackupSnapshot20241113'), (body) => {
        expect(valid('BackupTenantSnapshot', flexSnapshotToTenantSnapshot(body))).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(bodies('PaginatedApiAtlasFlexBackupRestoreJob20241113'), (page) => {
        const legacy = flexPageToTenantPage(page, (job) => flexRestoreJobToTenantRestore(job, { clusterName: 'cluster0', snapshotId: 'a'.repeat(24) }));
        expect(valid('PaginatedTenantRestore', legacy)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('a ClusterDescription20240805 body of any allowed shape is classified, never a crash', () => {
    fc.assert(
      fc.property(bodies('ClusterDescription20240805', { ...OPEN_STRINGS, maxDepth: 4 }), (body) => {
        expect(valid('ClusterDescription20240805', body)).toBe(true);
        expect(CLUSTER_KINDS).toContain(classifyClusterDescription(body).kind);
      }),
      { numRuns: 100 },
    );
  });

  it('an ApiError envelope of any allowed shape becomes an AtlasApiError with its errorCode', () => {
    fc.assert(
      fc.property(bodies('ApiError'), fc.integer({ min: 400, max: 599 }), (body, status) => {
        expect(valid('ApiError', body)).toBe(true);
        const error = toAtlasApiError(status, 'application/json', JSON.stringify(body), { method: 'GET', path: '/x' });
        expect(error).toBeInstanceOf(AtlasApiError);
        expect(error).toMatchObject({ status, errorCode: body.errorCode });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
