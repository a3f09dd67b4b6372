import { beforeAll, expect, it } from 'vitest';
import { RESTORE_SHAPES } from './restore-shapes.js';
import { contractSuite, loadContract, type Json, type LoadedContract } from './contract.js';

/**
 * A body with every property the contract declares for `schemaName`: its `example` where it
 * gives one, otherwise a value of the declared type and format.
 */
function exampleBody(contract: LoadedContract, schemaName: string): Json {
  const schema = contract.document.components.schemas[schemaName] as Json;
  const body: Json = {};
  for (const [name, property] of Object.entries(schema.properties as Json)) {
    if (property.example !== undefined) body[name] = property.example;
    else if (property.format === 'date-time') body[name] = '2026-01-10T12:00:00Z';
    else if (property.type === 'array') body[name] = [{ href: 'https://cloud.mongodb.com/api/atlas', rel: 'self' }];
    else if (name === 'snapshotUrl') body[name] = 'https://storage.example/snap.tar.gz?X-Signature=abc';
    else if (name === 'status') body[name] = 'COMPLETED';
    else if (name === 'deliveryType') body[name] = 'DOWNLOAD';
    else body[name] = `${name}-1`.replace(/[^a-zA-Z0-9-]/g, '');
  }
  return body;
}

contractSuite('normalization', () => {
  let contract: LoadedContract;
  beforeAll(() => {
    contract = loadContract();
  });

  for (const { schema, normalize, route, nameField } of RESTORE_SHAPES) {
    it(`maps every field of a contract-valid ${schema} body`, () => {
      const body = exampleBody(contract, schema);
      const validators = contract.schemas.get(schema);
      expect(validators?.closed(body), JSON.stringify(validators?.closed.errors)).toBe(true);
      const model = normalize(body);
      expect(model.route).toBe(route);
      expect(model.clusterName).toBe(body[nameField]);
      for (const field of ['id', 'projectId', 'snapshotId', 'status', 'deliveryType', 'snapshotUrl', 'targetProjectId', 'targetDeploymentItemName'] as const) {
        expect(model[field], field).toBe(body[field]);
      }
      for (const field of ['expirationDate', 'restoreScheduledDate', 'restoreFinishedDate', 'snapshotFinishedDate'] as const) {
        expect(model[field]?.toISOString(), field).toBe('2026-01-10T12:00:00.000Z');
      }
      expect(model.links).toEqual(body.links);
      expect(model.raw).toBe(body);
    });

    it(`the model has a field for every property of ${schema} (its cluster name as clusterName)`, () => {
      const properties = Object.keys(contract.document.components.schemas[schema].properties as Json);
      const model = normalize(exampleBody(contract, schema));
      for (const property of properties) {
        expect(property === nameField || property in model, `${property} is not in the model`).toBe(true);
      }
    });
  }
});
