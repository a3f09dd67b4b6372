import type { Dispatcher } from 'undici';
import { withQueryInPath } from '../../src/auth/auth-request.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { describeValue } from '../../src/validation/describe-value.js';
import { validateClusterName, validateObjectId } from '../../src/validation/inputs.js';

/** The five deprecated shared-tier operations the adapter serves, by `operationId`. */
export type TenantOperationId =
  | 'downloadClusterBackupTenant'
  | 'listBackupTenantRestores'
  | 'getBackupTenantRestore'
  | 'listClusterBackupSnapshots'
  | 'getBackupTenantSnapshot';

/** A request to one of the tenant operations, recognized from its method and path alone. */
export interface TenantRequest {
  readonly operationId: TenantOperationId;
  readonly method: 'GET' | 'POST';
  /** The path as the caller sent it, without the query. */
  readonly path: string;
  /** The query as the caller sent it (`opts.query` included), with its `?`, or `''`. */
  readonly search: string;
  /** Path parameters, still percent-encoded: validated later, so a malformed one fails the request instead of slipping past the shim. */
  readonly encoded: { readonly groupId: string; readonly clusterName: string; readonly id: string | undefined };
}

/** The validated path parameters of a tenant request. */
export interface TenantTarget {
  readonly groupId: string;
  readonly clusterName: string;
  /** `restoreId` or `snapshotId` of the single-item operations. */
  readonly id: string | undefined;
}

// What follows `/backup/tenant/`: the fixed segments, whether an id follows them, the operation and its one method.
const OPERATIONS: ReadonlyArray<{ tail: readonly string[]; withId: boolean; operationId: TenantOperationId; method: 'GET' | 'POST' }> = [
  { tail: ['download'], withId: false, operationId: 'downloadClusterBackupTenant', method: 'POST' },
  { tail: ['restores'], withId: false, operationId: 'listBackupTenantRestores', method: 'GET' },
  { tail: ['restores'], withId: true, operationId: 'getBackupTenantRestore', method: 'GET' },
  { tail: ['snapshots'], withId: false, operationId: 'listClusterBackupSnapshots', method: 'GET' },
  { tail: ['snapshots'], withId: true, operationId: 'getBackupTenantSnapshot', method: 'GET' },
];

const ID_FIELD: Readonly<Record<TenantOperationId, string | undefined>> = {
  downloadClusterBackupTenant: undefined,
  listBackupTenantRestores: undefined,
  getBackupTenantRestore: 'restoreId',
  listClusterBackupSnapshots: undefined,
  getBackupTenantSnapshot: 'snapshotId',
};

function originOf(opts: Dispatcher.DispatchOptions): string | undefined {
  if (opts.origin === undefined || opts.origin === null) return undefined;
  try {
    return new URL(String(opts.origin)).origin;
  } catch {
    return undefined;
  }
}

/**
 * Recognizes a request to a tenant operation on `origin` by method and path
 * (`/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/…`), or returns
 * undefined. Pure and never throws: anything it does not recognize (another origin,
 * another path, a method the operation does not have) passes through untouched, and
 * Atlas answers it as it always did.
 */
export function recognizeTenantRequest(opts: Dispatcher.DispatchOptions, origin: string): TenantRequest | undefined {
  if (originOf(opts) !== origin || typeof opts.path !== 'string') return undefined;
  const target = withQueryInPath(opts).path;
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const search = queryAt < 0 ? '' : target.slice(queryAt);
  const segments = path.split('/');
  // ['', 'api', 'atlas', 'v2', 'groups', G, 'clusters', C, 'backup', 'tenant', ...tail]
  const [empty, api, atlas, v2, groups, groupId, clusters, clusterName, backup, tenant, ...tail] = segments;
  const prefixMatches =
    empty === '' && api === 'api' && atlas === 'atlas' && v2 === 'v2' && groups === 'groups' && clusters === 'clusters' && backup === 'backup' && tenant === 'tenant';
  if (!prefixMatches || !groupId || !clusterName) return undefined;
  const method = String(opts.method).toUpperCase();
  for (const operation of OPERATIONS) {
    const length = operation.tail.length + (operation.withId ? 1 : 0);
    if (tail.length !== length || operation.method !== method) continue;
    if (!operation.tail.every((part, i) => tail[i] === part)) continue;
    const id = operation.withId ? tail[length - 1] : undefined;
    if (id === '') continue;
    return { operationId: operation.operationId, method: operation.method, path, search, encoded: { groupId, clusterName, id } };
  }
  return undefined;
}

function decode(field: string, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ValidationError(field, 'a percent-encoded path segment', describeValue(encoded));
  }
}

/**
 * Decodes and validates the path parameters against the contract's patterns.
 *
 * @throws {ValidationError} naming the parameter (`groupId`, `clusterName`, `restoreId`, `snapshotId`).
 */
export function parseTenantTarget(request: TenantRequest): TenantTarget {
  const { encoded } = request;
  const idField = ID_FIELD[request.operationId];
  return {
    groupId: validateObjectId('groupId', decode('groupId', encoded.groupId)),
    clusterName: validateClusterName('clusterName', decode('clusterName', encoded.clusterName)),
    id: idField === undefined || encoded.id === undefined ? undefined : validateObjectId(idField, decode(idField, encoded.id)),
  };
}
