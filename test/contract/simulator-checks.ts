import { expect } from 'vitest';
import type { TestResponse } from '../simulator/digest-test-client.js';
import type { ContractOperation, ContractValidators, Json, LoadedContract } from './contract.js';

// Statuses Atlas answers that the contract does not list for the operation; kept explicit so a
// new gap shows up as a failure, not silently.
const UNLISTED: Readonly<Record<number, string>> = {
  406: 'version negotiation',
  415: 'versioned Content-Type',
  405: 'method not in the contract',
  // Atlas answers a sunset API version with its `gone` response (an ApiError); this cut of the
  // contract, taken while the tenant operations still had a version, lists no 410 for them.
  410: 'sunset API version',
};
// By operation: getCluster's kind refusal; the cluster lists' malformed project id or page
// parameters (`cluster-lists.yaml` lists no 400 for either list, though Atlas answers one).
const UNLISTED_FOR: Readonly<Record<string, readonly number[]>> = { getCluster: [400], listClusters: [400], listFlexClusters: [400] };

/** The assertions a contract suite makes on the simulator's answers, against one loaded contract. */
export interface SimulatorChecks {
  /** The contract's operation, or a thrown error naming the missing one. */
  op(operationId: string): ContractOperation;
  /** The validators of a component schema. */
  validator(schemaName: string): ContractValidators;
  /** `body` is valid for the schema as written, and declares no field it does not (closed). */
  expectSchema(schemaName: string, body: unknown): void;
  /**
   * A 200 answer of `operationId`: its Content-Type (the contract's media type unless `contentType`
   * says otherwise, as for a v1.0 path), rate-limit headers, and a body valid for the response schema.
   */
  expectOk(operationId: string, response: TestResponse, contentType?: string): Json;
  /** An error answer: `application/json` `ApiError` whose `error` is the status, a status the operation lists (or a known gap). */
  expectApiError(operationId: string | undefined, response: TestResponse, status: number, errorCode?: string): Json;
}

/** The checks of one contract, as the simulator's contract suites make them. */
export function simulatorChecks({ operations, schemas }: LoadedContract): SimulatorChecks {
  const checks: SimulatorChecks = {
    op(operationId) {
      const found = operations.get(operationId);
      if (found === undefined) throw new Error(`no operation ${operationId}`);
      return found;
    },
    validator(schemaName) {
      const found = schemas.get(schemaName);
      if (found === undefined) throw new Error(`no schema ${schemaName}`);
      return found;
    },
    expectSchema(schemaName, body) {
      const { open, closed } = checks.validator(schemaName);
      expect(open(body), `${schemaName}: ${JSON.stringify(open.errors)}`).toBe(true);
      expect(closed(body), `${schemaName} (undeclared fields): ${JSON.stringify(closed.errors)}`).toBe(true);
    },
    expectOk(operationId, response, contentType) {
      const operation = checks.op(operationId);
      expect(response.status, `${operationId}: ${response.text}`).toBe(200);
      expect(response.headers['content-type']).toBe(contentType ?? operation.mediaType);
      expect(response.headers['ratelimit-limit']).toMatch(/^\d+$/);
      expect(response.headers['ratelimit-remaining']).toMatch(/^\d+$/);
      checks.expectSchema(operation.responseSchema, response.json);
      return response.json;
    },
    expectApiError(operationId, response, status, errorCode) {
      expect(response.status, response.text).toBe(status);
      expect(response.headers['content-type']).toBe('application/json');
      checks.expectSchema('ApiError', response.json);
      expect(response.json.error).toBe(status);
      if (errorCode !== undefined) expect(response.json.errorCode).toBe(errorCode);
      if (operationId !== undefined && UNLISTED[status] === undefined && !(UNLISTED_FOR[operationId] ?? []).includes(status)) {
        expect(checks.op(operationId).errorStatuses, `${operationId} does not list ${status}`).toContain(status);
      }
      return response.json;
    },
  };
  return checks;
}
