/**
 * The Atlas Admin API operations this library touches, as the contract
 * (`snapshot-download.yaml`) declares them: the one table of them. The client builds its
 * paths and media types from it, the adapters and the simulator recognize paths with it,
 * and observability names calls after it. Nothing else spells an Atlas path.
 */

/** Media type of the deprecated shared-tier (tenant) operations. */
export const TENANT_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
/** Media type of the Flex cluster operations. */
export const FLEX_MEDIA_TYPE = 'application/vnd.atlas.2024-11-13+json';
/** Media type of `getCluster` and `listClusters` in the version that tells cluster kinds apart. */
export const CLUSTER_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';
/** Media type of every operation of the v1.0 API (before 2023), which had no resource versions. */
export const V1_MEDIA_TYPE = 'application/json';

/**
 * The Atlas Admin API versions whose paths the table knows: `v2`, and `v1.0` (digest only,
 * `application/json`), under which code written before 2023 still calls the tenant
 * operations at `/api/atlas/v1.0/…` with the same path parameters and JSON shapes.
 */
export type ApiVersion = 'v2' | 'v1.0';

/** Path of the service-account token endpoint (OAuth 2.0 client credentials). */
export const OAUTH_TOKEN_PATH = '/api/oauth/token';

/** Error codes with which Atlas tells cluster kinds apart (as the Atlas CLI and Terraform provider read them). */
export const ATLAS_ERROR_CODES = {
  flexInClusterApi: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
  nonFlexInFlexApi: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
} as const;

/** The endpoint families: the cluster API, the deprecated tenant backup API, the Flex API. */
export type OperationFamily = 'cluster' | 'tenant' | 'flex';

/** Which backup family serves a download: its route. */
export type Route = 'tenant' | 'flex';

/**
 * What an operation does, the same in both backup families: how a tenant operation finds
 * its Flex twin. `listClusters` lists a project's clusters (the cluster API's, or the Flex
 * ones); it has no tenant twin.
 */
export type OperationRole = 'listClusters' | 'describe' | 'download' | 'listJobs' | 'getJob' | 'listSnapshots' | 'getSnapshot';

/** One row of the table. */
export interface AtlasOperation {
  readonly method: 'GET' | 'POST';
  /** The contract's path template (v2); its parameters are always the project, then the cluster, then the item, as far as it goes. */
  readonly path: string;
  /** The one versioned media type the contract lists for it: Accept, and Content-Type of a POST. */
  readonly mediaType: string;
  readonly family: OperationFamily;
  readonly role: OperationRole;
}

const GROUP = '/api/atlas/v2/groups/{groupId}';
const TENANT = `${GROUP}/clusters/{clusterName}/backup/tenant`;
const FLEX = `${GROUP}/flexClusters/{name}`;

const tenant = <M extends 'GET' | 'POST', R extends OperationRole>(method: M, path: string, role: R) =>
  ({ method, path, mediaType: TENANT_MEDIA_TYPE, family: 'tenant', role }) as const;
const flex = <M extends 'GET' | 'POST', R extends OperationRole>(method: M, path: string, role: R) =>
  ({ method, path, mediaType: FLEX_MEDIA_TYPE, family: 'flex', role }) as const;

/**
 * The contract's 12 operations (`snapshot-download.yaml`) and the two cluster lists
 * (`cluster-lists.yaml`), by `operationId`.
 */
export const ATLAS_OPERATIONS = {
  listClusters: { method: 'GET', path: `${GROUP}/clusters`, mediaType: CLUSTER_MEDIA_TYPE, family: 'cluster', role: 'listClusters' },
  getCluster: { method: 'GET', path: `${GROUP}/clusters/{clusterName}`, mediaType: CLUSTER_MEDIA_TYPE, family: 'cluster', role: 'describe' },
  downloadClusterBackupTenant: tenant('POST', `${TENANT}/download`, 'download'),
  listBackupTenantRestores: tenant('GET', `${TENANT}/restores`, 'listJobs'),
  getBackupTenantRestore: tenant('GET', `${TENANT}/restores/{restoreId}`, 'getJob'),
  listClusterBackupSnapshots: tenant('GET', `${TENANT}/snapshots`, 'listSnapshots'),
  getBackupTenantSnapshot: tenant('GET', `${TENANT}/snapshots/{snapshotId}`, 'getSnapshot'),
  listFlexClusters: flex('GET', `${GROUP}/flexClusters`, 'listClusters'),
  getFlexCluster: flex('GET', FLEX, 'describe'),
  downloadFlexBackup: flex('POST', `${FLEX}/backup/download`, 'download'),
  listFlexRestoreJobs: flex('GET', `${FLEX}/backup/restoreJobs`, 'listJobs'),
  getFlexRestoreJob: flex('GET', `${FLEX}/backup/restoreJobs/{restoreJobId}`, 'getJob'),
  listFlexBackupSnapshots: flex('GET', `${FLEX}/backup/snapshots`, 'listSnapshots'),
  getFlexBackupSnapshot: flex('GET', `${FLEX}/backup/snapshots/{snapshotId}`, 'getSnapshot'),
} as const satisfies Record<string, AtlasOperation>;

/** The `operationId` of one of the table's operations. */
export type AtlasOperationId = keyof typeof ATLAS_OPERATIONS;

/** The operations of one family. */
export type OperationOf<F extends OperationFamily> = {
  [K in AtlasOperationId]: (typeof ATLAS_OPERATIONS)[K]['family'] extends F ? K : never;
}[AtlasOperationId];

/** The operation of family `F` that plays role `R`. */
export type OperationFor<F extends OperationFamily, R extends OperationRole> = {
  [K in AtlasOperationId]: (typeof ATLAS_OPERATIONS)[K] extends { readonly family: F; readonly role: R } ? K : never;
}[AtlasOperationId];

/** The five deprecated tenant operations. */
export type TenantOperationId = OperationOf<'tenant'>;
/** The Flex operations. */
export type FlexOperationId = OperationOf<'flex'>;

const OPERATION_IDS = Object.keys(ATLAS_OPERATIONS) as AtlasOperationId[];

// Each backup family's operations by role, read off the table once.
const BY_ROLE: Readonly<Record<Route, Partial<Record<OperationRole, AtlasOperationId>>>> = { tenant: {}, flex: {} };
for (const id of OPERATION_IDS) {
  const { family, role } = ATLAS_OPERATIONS[id];
  if (family !== 'cluster') BY_ROLE[family][role] = id;
}

/** The operation of a backup family that plays `role`: `operationFor('flex', 'download')` is `downloadFlexBackup`. */
export function operationFor<F extends Route, R extends OperationRole>(family: F, role: R): OperationFor<F, R> {
  const found = BY_ROLE[family][role];
  if (found === undefined) throw new Error(`the ${family} family has no ${role} operation`);
  return found as OperationFor<F, R>;
}

/** Whether an operation has a twin in the other backup family: every backup operation but the cluster lists and look-ups. */
export function hasTwin(operationId: AtlasOperationId): boolean {
  const { family, role } = ATLAS_OPERATIONS[operationId];
  return family !== 'cluster' && role !== 'describe' && role !== 'listClusters';
}

/** The same operation in the other backup family: the Flex twin of a tenant operation, and back. */
export function twinOf(operationId: AtlasOperationId): AtlasOperationId {
  const { family, role } = ATLAS_OPERATIONS[operationId];
  if (!hasTwin(operationId)) throw new Error(`${operationId} has no twin`);
  return operationFor(family === 'tenant' ? 'flex' : 'tenant', role);
}

/**
 * The other names the tenant operations were published under, oldest first: the Atlas SDKs'
 * before 2024 (`DownloadSharedClusterBackup`…) and the API reference's since 2025
 * (`downloadGroupClusterBackupTenant`…, the contract's `x-xgen-docs-url`). The legacy client
 * answers to each.
 */
export const TENANT_OPERATION_ALIASES = {
  downloadClusterBackupTenant: ['downloadSharedClusterBackup', 'downloadGroupClusterBackupTenant'],
  listBackupTenantRestores: ['listSharedClusterBackupRestoreJobs', 'listGroupClusterBackupTenantRestores'],
  getBackupTenantRestore: ['getSharedClusterBackupRestoreJob', 'getGroupClusterBackupTenantRestore'],
  listClusterBackupSnapshots: ['listSharedClusterBackups', 'listGroupClusterBackupTenantSnapshots'],
  getBackupTenantSnapshot: ['getSharedClusterBackup', 'getGroupClusterBackupTenantSnapshot'],
} as const satisfies Record<TenantOperationId, readonly string[]>;

/** An operation's path parameters, in template order: the project, the cluster (or Flex instance), the item. */
export interface PathParams {
  readonly groupId: string;
  /** The cluster (or Flex instance); `''` for the project's cluster lists, whose path has none. */
  readonly clusterName: string;
  /** The restore job or snapshot id of the single-item operations. */
  readonly itemId?: string | undefined;
}

const V2_PREFIX = '/api/atlas/v2/';
const V1_PREFIX = '/api/atlas/v1.0/';

/** An operation's path template in one API version: the contract's for v2; the same path under `/api/atlas/v1.0/` for v1.0. */
function templateOf(operationId: AtlasOperationId, apiVersion: ApiVersion): string {
  const { path } = ATLAS_OPERATIONS[operationId];
  return apiVersion === 'v2' ? path : `${V1_PREFIX}${path.slice(V2_PREFIX.length)}`;
}

/** Whether an operation exists in an API version: every one in v2; the tenant ones in v1.0 (the Flex API came with v2). */
export function existsIn(operationId: AtlasOperationId, apiVersion: ApiVersion): boolean {
  return apiVersion === 'v2' || ATLAS_OPERATIONS[operationId].family === 'tenant';
}

/** The media type of an operation in an API version: the table's versioned one in v2, `application/json` in v1.0. */
export function mediaTypeOf(operationId: AtlasOperationId, apiVersion: ApiVersion = 'v2'): string {
  return apiVersion === 'v2' ? ATLAS_OPERATIONS[operationId].mediaType : V1_MEDIA_TYPE;
}

// Each template read once: its parameter names, and its literal parts, so building a path is a join.
const PARAMETER_NAMES = Object.fromEntries(
  OPERATION_IDS.map((id) => [id, [...ATLAS_OPERATIONS[id].path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string)]),
) as Record<AtlasOperationId, string[]>;

/** The names a template gives its parameters, in order (`['groupId', 'name', 'restoreJobId']`). */
export function parameterNames(operationId: AtlasOperationId): readonly string[] {
  return PARAMETER_NAMES[operationId];
}

/**
 * The path of an operation for these parameters (v2 unless `apiVersion` says v1.0), each
 * percent-encoded (validated ones need it rarely; an unvalidated one can never add a segment).
 */
export function atlasPath(operationId: AtlasOperationId, params: PathParams, apiVersion: ApiVersion = 'v2'): string {
  const literals = templateOf(operationId, apiVersion).split(/\{\w+\}/);
  const values = [params.groupId, params.clusterName, params.itemId ?? ''];
  return literals.reduce((path, literal, i) => (i === 0 ? literal : `${path}${encodeURIComponent(values[i - 1] as string)}${literal}`), '');
}

/** Where a path fits the table. */
export interface AtlasPathMatch {
  /** The operations whose template the path fits: one per method the path has. */
  readonly operationIds: readonly AtlasOperationId[];
  /** The path parameters in template order, still percent-encoded as sent; `clusterName` is `''` for a cluster list. */
  readonly params: PathParams;
  /** The API version the path is under. */
  readonly apiVersion: ApiVersion;
}

const TEMPLATES = (['v2', 'v1.0'] as const).flatMap((apiVersion) =>
  OPERATION_IDS.filter((id) => existsIn(id, apiVersion)).map((operationId) => ({ operationId, apiVersion, segments: templateOf(operationId, apiVersion).split('/') })),
);

/**
 * Recognizes a path (without query) as one of the table's operations in one of the API
 * versions, or undefined. Pure: parameters come back as sent, for the caller to decode and
 * validate.
 */
export function matchAtlasPath(path: string): AtlasPathMatch | undefined {
  const segments = path.split('/');
  const operationIds: AtlasOperationId[] = [];
  let values: string[] = [];
  let apiVersion: ApiVersion = 'v2';
  for (const template of TEMPLATES) {
    if (template.segments.length !== segments.length) continue;
    const found: string[] = [];
    const fits = template.segments.every((part, i) => {
      const actual = segments[i] as string;
      if (!part.startsWith('{')) return part === actual;
      found.push(actual);
      return actual !== '';
    });
    if (fits) {
      operationIds.push(template.operationId);
      values = found;
      apiVersion = template.apiVersion;
    }
  }
  if (operationIds.length === 0) return undefined;
  const [groupId = '', clusterName = '', itemId] = values;
  return { operationIds, params: { groupId, clusterName, itemId }, apiVersion };
}

/** The operation a method and path call, if any (in either API version). */
export function atlasOperationOf(method: string, path: string): AtlasOperationId | undefined {
  return matchAtlasPath(path)?.operationIds.find((id) => ATLAS_OPERATIONS[id].method === method);
}
