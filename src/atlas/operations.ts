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
/** Media type of `getCluster` in the version that tells cluster kinds apart. */
export const CLUSTER_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';

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

/** What an operation does, the same in both backup families: how a tenant operation finds its Flex twin. */
export type OperationRole = 'describe' | 'download' | 'listJobs' | 'getJob' | 'listSnapshots' | 'getSnapshot';

/** One row of the table. */
export interface AtlasOperation {
  readonly method: 'GET' | 'POST';
  /** The contract's path template; its parameters are always the project, the cluster, then the item. */
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

/** The contract's 12 operations, by `operationId`. */
export const ATLAS_OPERATIONS = {
  getCluster: { method: 'GET', path: `${GROUP}/clusters/{clusterName}`, mediaType: CLUSTER_MEDIA_TYPE, family: 'cluster', role: 'describe' },
  downloadClusterBackupTenant: tenant('POST', `${TENANT}/download`, 'download'),
  listBackupTenantRestores: tenant('GET', `${TENANT}/restores`, 'listJobs'),
  getBackupTenantRestore: tenant('GET', `${TENANT}/restores/{restoreId}`, 'getJob'),
  listClusterBackupSnapshots: tenant('GET', `${TENANT}/snapshots`, 'listSnapshots'),
  getBackupTenantSnapshot: tenant('GET', `${TENANT}/snapshots/{snapshotId}`, 'getSnapshot'),
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

/** The same operation in the other backup family: the Flex twin of a tenant operation, and back. */
export function twinOf(operationId: AtlasOperationId): AtlasOperationId {
  const { family, role } = ATLAS_OPERATIONS[operationId];
  if (family === 'cluster') throw new Error(`${operationId} has no twin`);
  return operationFor(family === 'tenant' ? 'flex' : 'tenant', role);
}

/** An operation's path parameters, in template order: the project, the cluster (or Flex instance), the item. */
export interface PathParams {
  readonly groupId: string;
  readonly clusterName: string;
  /** The restore job or snapshot id of the single-item operations. */
  readonly itemId?: string | undefined;
}

// Each template read once: its parameter names, and its literal parts, so building a path is a join.
const PARAMETER_NAMES = Object.fromEntries(
  OPERATION_IDS.map((id) => [id, [...ATLAS_OPERATIONS[id].path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string)]),
) as Record<AtlasOperationId, string[]>;
const LITERALS = Object.fromEntries(OPERATION_IDS.map((id) => [id, ATLAS_OPERATIONS[id].path.split(/\{\w+\}/)])) as Record<AtlasOperationId, string[]>;

/** The names a template gives its parameters, in order (`['groupId', 'name', 'restoreJobId']`). */
export function parameterNames(operationId: AtlasOperationId): readonly string[] {
  return PARAMETER_NAMES[operationId];
}

/**
 * The path of an operation for these parameters, each percent-encoded (validated ones
 * need it rarely; an unvalidated one can never add a segment).
 */
export function atlasPath(operationId: AtlasOperationId, params: PathParams): string {
  // Every template has the project and the cluster; the single-item ones an item after them.
  const [prefix, afterGroup, afterCluster, afterItem] = LITERALS[operationId] as [string, string, string, string?];
  const path = `${prefix}${encodeURIComponent(params.groupId)}${afterGroup}${encodeURIComponent(params.clusterName)}${afterCluster}`;
  return afterItem === undefined ? path : `${path}${encodeURIComponent(params.itemId ?? '')}${afterItem}`;
}

/** Where a path fits the table. */
export interface AtlasPathMatch {
  /** The operations whose template the path fits: one per method the path has. */
  readonly operationIds: readonly AtlasOperationId[];
  /** The path parameters in template order, still percent-encoded as sent. */
  readonly params: PathParams;
}

const TEMPLATES = OPERATION_IDS.map((operationId) => ({ operationId, segments: ATLAS_OPERATIONS[operationId].path.split('/') }));

/**
 * Recognizes a path (without query) as one of the table's operations, or undefined. Pure:
 * parameters come back as sent, for the caller to decode and validate.
 */
export function matchAtlasPath(path: string): AtlasPathMatch | undefined {
  const segments = path.split('/');
  const operationIds: AtlasOperationId[] = [];
  let values: string[] = [];
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
    }
  }
  if (operationIds.length === 0) return undefined;
  const [groupId = '', clusterName = '', itemId] = values;
  return { operationIds, params: { groupId, clusterName, itemId } };
}

/** The operation a method and path call, if any. */
export function atlasOperationOf(method: string, path: string): AtlasOperationId | undefined {
  return matchAtlasPath(path)?.operationIds.find((id) => ATLAS_OPERATIONS[id].method === method);
}
