import type { Dispatcher } from 'undici';
import { FLEX_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { describeValue } from '../../src/validation/describe-value.js';
import { flexTwins, type FlexTwin } from './flex-twin.js';
import { editHeaders } from './request-headers.js';
import type { TenantRequest, TenantTarget } from './tenant-request.js';

/** The Flex request that serves a tenant one. */
export interface FlexRequest {
  readonly twin: FlexTwin;
  readonly method: 'GET' | 'POST';
  /** The Flex path, without the query. */
  readonly path: string;
  /** The caller's query, with its `?`, or `''`: the list operations share pagination parameters. */
  readonly search: string;
  /** The Flex download body, for the POST. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The snapshot the caller asked to download, when it named one as a string. */
  readonly snapshotId: string | undefined;
}

const TENANT_BODY_RULE = 'a JSON TenantRestore object such as { "snapshotId": "…", "targetDeploymentItemName": "…" }';

function tenantBody(bytes: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ValidationError('body', TENANT_BODY_RULE, bytes.length === 0 ? 'an empty body' : 'a body that is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ValidationError('body', TENANT_BODY_RULE, describeValue(parsed));
  return parsed as Record<string, unknown>;
}

/**
 * The Flex request for a tenant request. The download body keeps only `snapshotId`, the
 * one field `FlexBackupSnapshotDownloadCreate20241113` has (`targetDeploymentItemName` has
 * no Flex meaning: a download's target is the cluster itself); it is passed as given, so
 * Atlas, not the shim, judges a missing or malformed one, and its `ApiError` reaches the
 * caller as it would have from the tenant endpoint.
 *
 * @throws {ValidationError} when the download body is not a JSON object: there is nothing to translate.
 */
export function flexRequestFor(request: TenantRequest, target: TenantTarget, body: Buffer | undefined): FlexRequest {
  const twin = flexTwins[request.operationId];
  const base = { twin, method: request.method, path: twin.path(target), search: request.search };
  if (request.method !== 'POST') return { ...base, body: undefined, snapshotId: undefined };
  const { snapshotId } = tenantBody(body ?? Buffer.alloc(0));
  return { ...base, body: { snapshotId }, snapshotId: typeof snapshotId === 'string' ? snapshotId : undefined };
}

/**
 * Dispatch options that send the Flex request with the caller's own headers, its Bearer
 * token included, through the dispatchers below the shim. The media type becomes Flex's;
 * `Accept-Encoding` is dropped so the answer comes back readable, to be converted; the
 * body's length is undici's to compute.
 */
export function flexDispatchOptions(opts: Dispatcher.DispatchOptions, flex: FlexRequest): Dispatcher.DispatchOptions {
  const payload = flex.body === undefined ? null : JSON.stringify(flex.body);
  const set: Record<string, string> = { accept: FLEX_MEDIA_TYPE };
  if (payload !== null) set['content-type'] = FLEX_MEDIA_TYPE;
  const { query: _merged, ...rest } = opts;
  return {
    ...rest,
    method: flex.method,
    path: `${flex.path}${flex.search}`,
    headers: editHeaders(opts.headers, ['content-length', 'content-type', 'transfer-encoding', 'accept-encoding', 'expect'], set),
    body: payload,
  };
}
