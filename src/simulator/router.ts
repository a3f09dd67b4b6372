import { CLUSTER_NAME_MAX_LENGTH, CLUSTER_NAME_PATTERN, OBJECT_ID_PATTERN } from '../validation/patterns.js';
import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';
import { readBody, type Exchange } from './exchange.js';
import { ATLAS_OPERATIONS, type AtlasOperation } from './operations.js';
import { parseJsonObject } from './request-body.js';
import type { SimulatorState } from './state.js';
import { requireAcceptedVersion, requireContentType } from './versioning.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
const OBJECT_ID_RULE = '^([a-f0-9]{24})$';
const NAME_RULE = `^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most ${CLUSTER_NAME_MAX_LENGTH} characters)`;
const PARAM_RULES: Readonly<Record<string, { test: (value: string) => boolean; rule: string }>> = {
  groupId: { test: (v) => OBJECT_ID_PATTERN.test(v), rule: OBJECT_ID_RULE },
  restoreId: { test: (v) => OBJECT_ID_PATTERN.test(v), rule: OBJECT_ID_RULE },
  restoreJobId: { test: (v) => OBJECT_ID_PATTERN.test(v), rule: OBJECT_ID_RULE },
  snapshotId: { test: (v) => OBJECT_ID_PATTERN.test(v), rule: OBJECT_ID_RULE },
  clusterName: { test: (v) => v.length <= CLUSTER_NAME_MAX_LENGTH && CLUSTER_NAME_PATTERN.test(v), rule: NAME_RULE },
  name: { test: (v) => v.length <= CLUSTER_NAME_MAX_LENGTH && CLUSTER_NAME_PATTERN.test(v), rule: NAME_RULE },
};

const ROUTES = ATLAS_OPERATIONS.map((operation) => ({ operation, segments: operation.template.split('/') }));

/** Operations whose template matches `path`, with its raw (still encoded) parameters. */
function matchPath(path: string): { operations: AtlasOperation[]; raw: Record<string, string> } | undefined {
  const segments = path.split('/');
  let raw: Record<string, string> | undefined;
  const operations: AtlasOperation[] = [];
  for (const route of ROUTES) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.segments.every((part, i) => {
      const actual = segments[i] as string;
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = actual;
        return actual !== '';
      }
      return part === actual;
    });
    if (matches) {
      operations.push(route.operation);
      raw = params;
    }
  }
  return raw === undefined ? undefined : { operations, raw };
}

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, encoded] of Object.entries(raw)) {
    let value: string | undefined;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      value = undefined;
    }
    const rule = PARAM_RULES[name];
    if (value === undefined || (rule !== undefined && !rule.test(value))) {
      const shown = value ?? encoded;
      throw new SimulatorApiError(400, CODES.invalidParameter, `Invalid path parameter ${name}: ${shown} does not match ${rule?.rule ?? 'its pattern'}.`, {
        parameters: [name, shown],
      });
    }
    params[name] = value;
  }
  return params;
}

/** The contract operation a method and path match, if any: what a fault's `operationId` filter compares. */
export function operationIdOf(method: string, path: string): string | undefined {
  return matchPath(path)?.operations.find((operation) => operation.method === method)?.operationId;
}

/**
 * Serves a request under `/api/atlas/`, checking in Atlas's order: credentials, path, method,
 * sunset (a removed operation no longer has versions to negotiate), version, path parameters,
 * then a POST's content type and JSON. The handler runs only when all of those passed.
 */
export async function serveAtlasOperation(state: SimulatorState, exchange: Exchange): Promise<void> {
  state.authenticator.authenticate(exchange);
  const match = matchPath(exchange.path);
  if (match === undefined) {
    throw new SimulatorApiError(404, CODES.resourceNotFound, `Cannot find resource ${exchange.path}.`, { parameters: [exchange.path] });
  }
  const method = exchange.req.method ?? 'GET';
  const operation = match.operations.find((candidate) => candidate.method === method);
  if (operation === undefined) {
    const allow = match.operations.map((candidate) => candidate.method).join(', ');
    throw new SimulatorApiError(405, CODES.methodNotAllowed, `${method} is not allowed on ${exchange.path}; use ${allow}.`, {
      parameters: [method],
      headers: { Allow: allow },
    });
  }
  exchange.operationId = operation.operationId;
  const now = state.clock.now();
  const afterSunset = now.getTime() >= state.options.sunsetDate.getTime();
  if (operation.family === 'tenant' && afterSunset) {
    throw new SimulatorApiError(
      404,
      CODES.resourceNotFound,
      `Cannot find resource ${exchange.path}: ${operation.operationId} was removed at its sunset on ` +
        `${state.options.sunsetDate.toISOString()}. Use ${operation.replacedBy ?? 'the Flex API'} instead.`,
      { parameters: [exchange.path] },
    );
  }
  requireAcceptedVersion(exchange.req.headers.accept, operation.mediaType);
  const params = decodeParams(match.raw);
  let body: Record<string, unknown> | undefined;
  if (operation.method === 'POST') {
    requireContentType(exchange.req.headers['content-type'], operation.mediaType);
    const raw = await readBody(exchange.req, BODY_LIMIT_BYTES);
    if (raw === undefined) throw new SimulatorApiError(413, CODES.invalidJson, `The request body exceeds ${BODY_LIMIT_BYTES} bytes.`);
    body = parseJsonObject(raw);
  }
  const result = operation.handler({ state, params, query: exchange.query, body, now, afterSunset, pathname: exchange.path });
  const pretty = exchange.query.get('pretty') === 'true';
  exchange.sendJson(200, result, operation.mediaType, state.rateLimit.take(), pretty);
}
