import type { Dispatcher } from 'undici';
import {
  ATLAS_OPERATIONS,
  atlasPath,
  matchAtlasPath,
  parameterNames,
  twinOf,
  type ApiVersion,
  type PathParams,
  type TenantOperationId,
} from '../../src/atlas/operations.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { envelopeRequested } from '../../src/model/envelope.js';
import { editHeaders, originOf, requestHeader, withQueryInPath, type RequestHeaders } from '../../src/http/headers.js';
import { check, CLUSTER_NAME, describeValue, OBJECT_ID } from '../../src/validation.js';

/**
 * A caller's request to a deprecated tenant operation: recognized from its method and path
 * by the operations table, its path parameters checked, its body read, and the Flex
 * request that serves it.
 */

/** A request to one of the tenant operations, recognized from its method and path alone. */
export interface TenantRequest {
  readonly operationId: TenantOperationId;
  readonly method: 'GET' | 'POST';
  /** The path as the caller sent it, without the query. */
  readonly path: string;
  /** The query as the caller sent it (`opts.query` included), with its `?`, or `''`. */
  readonly search: string;
  /** Path parameters, still percent-encoded: checked later, so a malformed one fails the request instead of slipping past the shim. */
  readonly encoded: PathParams;
  /** The API version of the path: `v2`, or `v1.0` for code written before 2023 (answered as `application/json`). */
  readonly apiVersion: ApiVersion;
}

/**
 * Recognizes a request to a tenant operation on `origin` by method and path, or returns
 * undefined. Pure and never throws: anything it does not recognize (another origin,
 * another path, a method the operation does not have) passes through untouched, and
 * Atlas answers it as it always did.
 */
export function recognizeTenantRequest(opts: Dispatcher.DispatchOptions, origin: string): TenantRequest | undefined {
  if (originOf(opts) !== origin || typeof opts.path !== 'string') return undefined;
  const target = withQueryInPath(opts).path;
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const match = matchAtlasPath(path);
  const method = String(opts.method).toUpperCase();
  const operationId = match?.operationIds.find((id) => ATLAS_OPERATIONS[id].family === 'tenant' && ATLAS_OPERATIONS[id].method === method);
  if (match === undefined || operationId === undefined) return undefined;
  return {
    operationId: operationId as TenantOperationId,
    method: method as 'GET' | 'POST',
    path,
    search: queryAt < 0 ? '' : target.slice(queryAt),
    encoded: match.params,
    apiVersion: match.apiVersion,
  };
}

function decode(field: string, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ValidationError(field, 'a percent-encoded path segment', describeValue(encoded));
  }
}

/**
 * Decodes and checks the path parameters against the contract's patterns.
 *
 * @throws {ValidationError} naming the parameter as the contract does (`groupId`, `clusterName`, `restoreId`, `snapshotId`).
 */
export function parseTenantTarget(request: TenantRequest): PathParams {
  const { encoded } = request;
  const itemName = parameterNames(request.operationId)[2];
  return {
    groupId: check('groupId', decode('groupId', encoded.groupId), OBJECT_ID),
    clusterName: check('clusterName', decode('clusterName', encoded.clusterName), CLUSTER_NAME),
    itemId: itemName === undefined || encoded.itemId === undefined ? undefined : check(itemName, decode(itemName, encoded.itemId), OBJECT_ID),
  };
}

/**
 * The most bytes of a tenant request body the adapter holds in memory. A `TenantRestore`
 * is a few hundred bytes; Atlas itself refuses request bodies over 1 MiB.
 */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_BODY = 'a JSON request body (string, bytes or a stream of them)';

function tooLarge(): ValidationError {
  return new ValidationError('body', `a request body of at most ${REQUEST_BODY_LIMIT_BYTES} bytes`, 'a larger body');
}

function checked(bytes: Buffer): Buffer {
  if (bytes.length > REQUEST_BODY_LIMIT_BYTES) throw tooLarge();
  return bytes;
}

/**
 * Reads a request body, in any form undici accepts, into bytes: the download POST's body
 * is needed whole to build the Flex body and to send the tenant request again if Atlas
 * contradicts the route. `fetch` hands its body over as an async iterable and
 * `undici.request` may be given a stream, both of which can be read only once, so they
 * are read here, once, and the bytes go out instead.
 *
 * @throws {ValidationError} for a body over {@link REQUEST_BODY_LIMIT_BYTES} or of a kind that cannot carry JSON.
 */
export async function readRequestBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return checked(Buffer.from(body, 'utf8'));
  if (ArrayBuffer.isView(body)) return checked(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  if (body instanceof ArrayBuffer) return checked(Buffer.from(body));
  if (body instanceof Blob) return checked(Buffer.from(await body.arrayBuffer()));
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<unknown>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : ArrayBuffer.isView(chunk) ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : undefined;
      if (bytes === undefined) throw new ValidationError('body', JSON_BODY, 'an iterable of other values, such as FormData');
      size += bytes.length;
      if (size > REQUEST_BODY_LIMIT_BYTES) throw tooLarge();
      chunks.push(bytes);
    }
    return Buffer.concat(chunks);
  }
  throw new ValidationError('body', JSON_BODY, 'a FormData or another object');
}

/** The Flex request that serves a tenant one. */
export interface FlexRequest {
  /** The Flex twin of the caller's tenant operation. */
  readonly operationId: ReturnType<typeof twinOf>;
  readonly method: 'GET' | 'POST';
  /** The Flex path, without the query. */
  readonly path: string;
  /** The caller's query without `envelope`, with its `?`, or `''`: the list operations share pagination parameters. */
  readonly search: string;
  /** The caller asked for `envelope=true`: the converted answer is wrapped as Atlas would have wrapped the tenant one. */
  readonly envelope: boolean;
  /** The Flex download body, for the POST. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The snapshot the caller asked to download, when it named one as a string. */
  readonly snapshotId: string | undefined;
  /** The `targetDeploymentItemName` the caller sent, when a string: the tenant endpoint echoed it. */
  readonly targetDeploymentItemName: string | undefined;
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

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The Flex request for a tenant request. The download body keeps only `snapshotId`, the
 * one field `FlexBackupSnapshotDownloadCreate20241113` has (`targetDeploymentItemName` has
 * no Flex meaning: a download's target is the cluster itself); it is passed as given, so
 * Atlas, not the shim, judges a missing or malformed one, and its `ApiError` reaches the
 * caller as it would have from the tenant endpoint.
 *
 * @throws {ValidationError} when the download body is not a JSON object: there is nothing to translate.
 */
export function flexRequestFor(request: TenantRequest, target: PathParams, body: Buffer | undefined): FlexRequest {
  const operationId = twinOf(request.operationId);
  // The envelope is put on the converted answer, so the Flex answer must come back bare.
  const query = new URLSearchParams(request.search);
  const envelope = envelopeRequested(query);
  query.delete('envelope');
  const search = query.size === 0 ? '' : `?${query.toString()}`;
  const base = { operationId, method: request.method, path: atlasPath(operationId, target), search, envelope };
  if (request.method !== 'POST') return { ...base, body: undefined, snapshotId: undefined, targetDeploymentItemName: undefined };
  const { snapshotId, targetDeploymentItemName } = tenantBody(body ?? Buffer.alloc(0));
  return { ...base, body: { snapshotId }, snapshotId: asString(snapshotId), targetDeploymentItemName: asString(targetDeploymentItemName) };
}

/**
 * The caller's own headers, its Bearer token included, for the Flex request the shim's
 * client sends through the dispatchers below the shim: without the media types (the client
 * sets Flex's), without `Accept-Encoding` (the answer must come back readable, to be
 * converted) and without the body's framing (undici computes it for the new body).
 */
export function callerHeaders(headers: RequestHeaders): string[] {
  return editHeaders(headers, ['accept', 'content-length', 'content-type', 'transfer-encoding', 'accept-encoding', 'expect']);
}

/**
 * The caller's `Authorization` value when it is a Bearer token, which stays valid on any
 * path of the origin. A digest signature covers the request URI, so it could not survive
 * a path rewrite, and Basic is not an Atlas scheme: both give undefined.
 */
export function bearerAuthorization(headers: RequestHeaders): string | undefined {
  const value = requestHeader(headers, 'authorization');
  return value !== undefined && /^\s*Bearer\s+\S/i.test(value) ? value : undefined;
}
