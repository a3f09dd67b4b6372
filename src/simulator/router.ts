import {
  ATLAS_OPERATIONS,
  matchAtlasPath,
  mediaTypeOf,
  parameterNames,
  twinOf,
  V1_MEDIA_TYPE,
  type ApiVersion,
  type AtlasOperationId,
  type PathParams,
} from '../atlas/operations.js';
import { envelopeOf, envelopeRequested } from '../model/envelope.js';
import { CLUSTER_NAME, CLUSTER_NAME_MAX_LENGTH, OBJECT_ID, OBJECT_ID_PATTERN_TEXT } from '../validation.js';
import { resourceNotFound, SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';
import { BODY_LIMIT_BYTES, readBody, type Exchange } from './exchange.js';
import { OPERATION_HANDLERS } from './operations.js';
import type { ResolvedSimulatorOptions } from './options.js';
import { parseJsonObject } from './request-body.js';
import type { SimulatorState } from './state.js';
import { TOKEN_BUCKET_OPERATIONS } from './token-bucket.js';

// Each path parameter's pattern, by its position in the template (the project, the cluster,
// the item), with the words Atlas's 400 uses for it.
const OBJECT_ID_RULE = { test: OBJECT_ID.accepts, rule: OBJECT_ID_PATTERN_TEXT };
const PARAM_RULES = [
  OBJECT_ID_RULE,
  { test: CLUSTER_NAME.accepts, rule: `^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most ${CLUSTER_NAME_MAX_LENGTH} characters)` },
  OBJECT_ID_RULE,
] as const;

/**
 * Decodes each path parameter the template has and checks it against its pattern; 400, naming
 * it as the template does, on the first that fails. A cluster list has no cluster: `''`.
 */
function decodeParams(operationId: AtlasOperationId, raw: PathParams): PathParams {
  const names = parameterNames(operationId);
  const decode = (encoded: string, position: 0 | 1 | 2): string => {
    const name = names[position] as string;
    let value: string | undefined;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      value = undefined;
    }
    const rule = PARAM_RULES[position];
    if (value === undefined || !rule.test(value)) {
      const shown = value ?? encoded;
      throw new SimulatorApiError(400, CODES.invalidParameter, `Invalid path parameter ${name}: ${shown} does not match ${rule.rule}.`, {
        parameters: [name, shown],
      });
    }
    return value;
  };
  return {
    groupId: decode(raw.groupId, 0),
    clusterName: names.length > 1 ? decode(raw.clusterName, 1) : '',
    itemId: raw.itemId === undefined ? undefined : decode(raw.itemId, 2),
  };
}

function mediaTypes(header: string | undefined): { type: string; q: number }[] {
  if (header === undefined) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.map((p) => /^q=([0-9.]+)$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q) };
  });
}

// What a v1.0 request may accept: JSON, spelt out or through a wildcard.
const V1_ACCEPTABLE = new Set([V1_MEDIA_TYPE, 'application/*', '*/*']);

/**
 * Atlas picks the resource version from `Accept`. In v2 only the operation's own versioned
 * media type will do: `application/json`, `*\/*` or another version date get 406, as Atlas
 * answers them. v1.0 had no resource versions: it answers JSON to an `Accept` that allows
 * `application/json` (or to none), and 406 to one that asks only for a versioned type.
 */
function requireAcceptedVersion(accept: string | undefined, operationId: AtlasOperationId, apiVersion: ApiVersion): void {
  const accepted = mediaTypes(accept).filter((entry) => entry.q > 0);
  const mediaType = mediaTypeOf(operationId, apiVersion);
  const ok =
    apiVersion === 'v2'
      ? accepted.some((entry) => entry.type === mediaType)
      : accept === undefined || accept.trim() === '' || accepted.some((entry) => V1_ACCEPTABLE.has(entry.type));
  if (!ok) {
    throw new SimulatorApiError(406, CODES.invalidVersionDate, 'Invalid accept header or version date.', { parameters: [accept ?? ''] });
  }
}

/** A POST body must be sent as the operation's media type in its API version (parameters such as charset aside). */
function requireContentType(contentType: string | undefined, mediaType: string): void {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== mediaType) {
    throw new SimulatorApiError(
      415,
      CODES.unsupportedMediaType,
      `Unsupported Content-Type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)}: send the body as ${mediaType}.`,
      { parameters: [contentType ?? ''] },
    );
  }
}

/**
 * What a tenant operation answers from the sunset on (in v2 and in v1.0 alike), as the
 * `sunsetAnswer` option says: 410 `VERSION_GONE`, as Atlas's versioning policy answers a sunset
 * API version (the resource version's date in v2, `v1.0` in v1.0), or 404 `RESOURCE_NOT_FOUND`,
 * as it answers a removed path. Both name the Flex twin to use instead.
 */
function sunsetRefusal(options: ResolvedSimulatorOptions, operationId: AtlasOperationId, apiVersion: ApiVersion, path: string): SimulatorApiError {
  const sunset = options.sunsetDate.toISOString();
  const twin = twinOf(operationId);
  if (options.sunsetAnswer === 'not-found') return resourceNotFound(path, `${operationId} was removed at its sunset on ${sunset}. Use ${twin} instead`);
  const mediaType = mediaTypeOf(operationId, apiVersion);
  const version = apiVersion === 'v1.0' ? apiVersion : (/\.(\d{4}-\d{2}-\d{2})\+json$/.exec(mediaType)?.[1] ?? mediaType);
  return new SimulatorApiError(410, CODES.versionGone, `API version ${version} of ${operationId} reached its sunset on ${sunset} and is gone. Use ${twin} instead.`, {
    parameters: [version],
  });
}

/**
 * Serves a request under `/api/atlas/` (v2, or v1.0 for the tenant operations), checking in
 * Atlas's order: credentials, path, method, sunset (a removed operation no longer has versions
 * to negotiate), version, path parameters, the project's token bucket (Flex backup operations,
 * when the `rateLimit` option is on), then a POST's content type and JSON. The operation's
 * handler runs only when all of those passed; its 200 is wrapped when the query asks for
 * `envelope=true`, and sent as the operation's media type in the path's API version.
 */
export async function serveAtlasOperation(state: SimulatorState, exchange: Exchange): Promise<void> {
  state.authenticator.authenticate(exchange);
  const match = matchAtlasPath(exchange.path);
  if (match === undefined) {
    throw resourceNotFound(exchange.path);
  }
  const { method } = exchange;
  const operationId = match.operationIds.find((id) => ATLAS_OPERATIONS[id].method === method);
  if (operationId === undefined) {
    const allow = match.operationIds.map((id) => ATLAS_OPERATIONS[id].method).join(', ');
    throw new SimulatorApiError(405, CODES.methodNotAllowed, `${method} is not allowed on ${exchange.path}; use ${allow}.`, {
      parameters: [method],
      headers: { Allow: allow },
    });
  }
  exchange.operationId = operationId;
  const operation = ATLAS_OPERATIONS[operationId];
  const now = state.clock.now();
  const afterSunset = now.getTime() >= state.options.sunsetDate.getTime();
  const { apiVersion } = match;
  if (operation.family === 'tenant' && afterSunset) throw sunsetRefusal(state.options, operationId, apiVersion, exchange.path);
  requireAcceptedVersion(exchange.req.headers.accept, operationId, apiVersion);
  const params = decodeParams(operationId, match.params);
  // Drawn before the body is read: an empty bucket refuses the request whatever it carries.
  const drawn = TOKEN_BUCKET_OPERATIONS.has(operationId) ? state.tokenBuckets?.draw(params.groupId) : undefined;
  let body: Record<string, unknown> | undefined;
  if (operation.method === 'POST') {
    requireContentType(exchange.req.headers['content-type'], mediaTypeOf(operationId, apiVersion));
    const raw = await readBody(exchange.req, BODY_LIMIT_BYTES);
    if (raw === undefined) throw new SimulatorApiError(413, CODES.invalidJson, `The request body exceeds ${BODY_LIMIT_BYTES} bytes.`);
    body = parseJsonObject(raw);
  }
  const { query } = exchange;
  const result = OPERATION_HANDLERS[operationId]({ state, params, query, body, now, afterSunset, pathname: exchange.path, apiVersion });
  const status = 200;
  const pretty = query.get('pretty') === 'true';
  const answer = envelopeRequested(query) ? envelopeOf(status, result) : result;
  exchange.sendJson(status, answer, mediaTypeOf(operationId, apiVersion), drawn ?? state.rateLimit.take(), pretty);
}
