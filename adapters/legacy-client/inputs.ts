/**
 * Checks of the legacy client's arguments, before anything is sent. Path parameters use
 * the library's validators, so the field names and rules match the facade's.
 */
import { ValidationError } from '../../src/errors/validation-error.js';
import { describeValue } from '../../src/validation/describe-value.js';
import {
  validateArgumentObject,
  validateClusterName,
  validateObjectId,
  validateSignal,
  validateTargetDeploymentItemName,
  type ClusterTarget,
} from '../../src/validation/inputs.js';
import { TENANT_RESTORE_READ_ONLY_FIELDS, TENANT_RESTORE_WRITABLE_FIELDS } from '../../src/model/tenant-restore-fields.js';
import type { LegacyCallOptions, TenantListQuery } from './types.js';

/** A validated download request: what the POST carries. */
export interface DownloadBody {
  readonly snapshotId: string;
  readonly targetDeploymentItemName: string;
}

// A body copied from an earlier answer may carry read-only fields: they describe the job,
// not the request, so they are accepted and not sent.
const READ_ONLY_FIELDS: ReadonlySet<string> = new Set(TENANT_RESTORE_READ_ONLY_FIELDS);
const WRITABLE_FIELDS: readonly string[] = TENANT_RESTORE_WRITABLE_FIELDS;
const QUERY_FIELDS = ['pageNum', 'itemsPerPage', 'includeCount'];

/** Validates `groupId` and `clusterName`, in path order. */
export function validateTarget(groupId: unknown, clusterName: unknown): ClusterTarget {
  return { groupId: validateObjectId('groupId', groupId), clusterName: validateClusterName('clusterName', clusterName) };
}

/**
 * Validates the `TenantRestore` body of a download request. Unknown fields are refused (a
 * misspelt `snapshotID` would otherwise be dropped silently); read-only fields pass.
 */
export function validateDownloadBody(value: unknown, target: ClusterTarget): DownloadBody {
  const body = validateArgumentObject('body', value);
  for (const key of Object.keys(body)) {
    if (!READ_ONLY_FIELDS.has(key) && !WRITABLE_FIELDS.includes(key)) {
      throw new ValidationError(`body.${key}`, `a TenantRestore field (${WRITABLE_FIELDS.join(', ')} are the writable ones)`, 'an unknown field');
    }
  }
  const snapshotId = validateObjectId('body.snapshotId', body.snapshotId);
  const targetDeploymentItemName = validateTargetDeploymentItemName('body.targetDeploymentItemName', body.targetDeploymentItemName);
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

function queryNumber(name: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new ValidationError(`query.${name}`, `an integer from 1 to ${max}`, describeValue(value));
  }
  return value;
}

/**
 * Validates the pagination query and returns it as the Atlas client sends it; absent
 * parameters are left out, so Atlas applies its own defaults.
 */
export function validateListQuery(value: unknown): Record<string, number | boolean> {
  if (value === undefined) return {};
  const query = validateArgumentObject('query', value) as TenantListQuery & Record<string, unknown>;
  for (const key of Object.keys(query)) {
    if (!QUERY_FIELDS.includes(key)) throw new ValidationError(`query.${key}`, `one of ${QUERY_FIELDS.join(', ')}`, 'an unknown parameter');
  }
  // The contract bounds itemsPerPage at 500; pageNum has no maximum there, so the safe-integer range is the limit.
  const pageNum = queryNumber('pageNum', query.pageNum, Number.MAX_SAFE_INTEGER);
  const itemsPerPage = queryNumber('itemsPerPage', query.itemsPerPage, 500);
  if (query.includeCount !== undefined && typeof query.includeCount !== 'boolean') {
    throw new ValidationError('query.includeCount', 'true or false', describeValue(query.includeCount));
  }
  return {
    ...(pageNum !== undefined ? { pageNum } : {}),
    ...(itemsPerPage !== undefined ? { itemsPerPage } : {}),
    ...(query.includeCount !== undefined ? { includeCount: query.includeCount } : {}),
  };
}

/** Validates the per-call options and returns the signal, refusing an already aborted one. */
export function validateCallOptions(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const options = validateArgumentObject('options', value) as LegacyCallOptions & Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (key !== 'signal') throw new ValidationError(`options.${key}`, 'signal', 'an unknown option');
  }
  const signal = validateSignal('options.signal', options.signal);
  signal?.throwIfAborted();
  return signal;
}
