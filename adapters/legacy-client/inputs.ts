/**
 * Checks of the legacy client's arguments, before anything is sent, in the library's one
 * style (`src/validation.ts`): the same field names and rules as the facade's.
 */
import { ValidationError } from '../../src/errors/shim-error.js';
import { TENANT_RESTORE_READ_ONLY_FIELDS, TENANT_RESTORE_WRITABLE_FIELDS } from '../../src/model/legacy-shapes.js';
import {
  ABORT_SIGNAL,
  BOOLEAN,
  check,
  checkKnownKeys,
  checkObject,
  checkOptional,
  CLUSTER_NAME,
  describeValue,
  integer,
  OBJECT_ID,
  TARGET_DEPLOYMENT_ITEM_NAME,
  type ClusterTarget,
} from '../../src/validation.js';

/** A validated download request: what the POST carries. */
export interface DownloadBody {
  readonly snapshotId: string;
  readonly targetDeploymentItemName: string;
}

// A body copied from an earlier answer may carry read-only fields: they describe the job,
// not the request, so they are accepted and not sent.
const READ_ONLY_FIELDS: ReadonlySet<string> = new Set(TENANT_RESTORE_READ_ONLY_FIELDS);
const WRITABLE_FIELDS: readonly string[] = TENANT_RESTORE_WRITABLE_FIELDS;

/** Validates `groupId` and `clusterName`, in path order. */
export function validateTarget(groupId: unknown, clusterName: unknown): ClusterTarget {
  return { groupId: check('groupId', groupId, OBJECT_ID), clusterName: check('clusterName', clusterName, CLUSTER_NAME) };
}

/**
 * Validates the `TenantRestore` body of a download request. Unknown fields are refused (a
 * misspelt `snapshotID` would otherwise be dropped silently); read-only fields pass.
 */
export function validateDownloadBody(value: unknown, target: ClusterTarget): DownloadBody {
  const body = checkObject('body', value);
  for (const key of Object.keys(body)) {
    if (!READ_ONLY_FIELDS.has(key) && !WRITABLE_FIELDS.includes(key)) {
      throw new ValidationError(`body.${key}`, `a TenantRestore field (${WRITABLE_FIELDS.join(', ')} are the writable ones)`, 'an unknown field');
    }
  }
  const snapshotId = check('body.snapshotId', body.snapshotId, OBJECT_ID);
  const targetDeploymentItemName = check('body.targetDeploymentItemName', body.targetDeploymentItemName, TARGET_DEPLOYMENT_ITEM_NAME);
  // A download stays in its own project, and downloadFlexBackup has no such field: another
  // project cannot be honoured on either route, so it is refused instead of dropped.
  if (body.targetProjectId !== undefined && body.targetProjectId !== target.groupId) {
    throw new ValidationError(
      'body.targetProjectId',
      'absent, or the groupId itself (a download is served from its own project; restoring into another project is not supported)',
      describeValue(body.targetProjectId),
    );
  }
  return { snapshotId, targetDeploymentItemName };
}

// The contract bounds itemsPerPage at 500; pageNum has no maximum there, so the safe-integer range is the limit.
const QUERY = { pageNum: integer(1, Number.MAX_SAFE_INTEGER), itemsPerPage: integer(1, 500), includeCount: BOOLEAN };

/**
 * Validates the pagination query and returns it as the Atlas client sends it; absent
 * parameters are left out, so Atlas applies its own defaults.
 */
export function validateListQuery(value: unknown): Record<string, number | boolean> {
  if (value === undefined) return {};
  const query = checkObject('query', value);
  for (const key of Object.keys(query)) {
    if (!Object.hasOwn(QUERY, key)) throw new ValidationError(`query.${key}`, `one of ${Object.keys(QUERY).join(', ')}`, 'an unknown parameter');
  }
  const pageNum = checkOptional('query.pageNum', query.pageNum, QUERY.pageNum);
  const itemsPerPage = checkOptional('query.itemsPerPage', query.itemsPerPage, QUERY.itemsPerPage);
  const includeCount = checkOptional('query.includeCount', query.includeCount, QUERY.includeCount);
  return {
    ...(pageNum !== undefined ? { pageNum } : {}),
    ...(itemsPerPage !== undefined ? { itemsPerPage } : {}),
    ...(includeCount !== undefined ? { includeCount } : {}),
  };
}

/** Validates the per-call options and returns the signal, refusing an already aborted one. */
export function validateCallOptions(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const options = checkObject('options', value);
  checkKnownKeys('options', options, ['signal']);
  const signal = checkOptional('options.signal', options.signal, ABORT_SIGNAL);
  signal?.throwIfAborted();
  return signal;
}
