import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AtlasClient } from '../../src/atlas/atlas-client.js';
import { FLEX_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { AtlasApiError } from '../../src/errors/atlas-api-error.js';
import type { CallerController } from './caller-controller.js';
import { collectResponse } from './collect-response.js';
import { bearerAuthorization } from './request-headers.js';
import { flexDispatchOptions, type FlexRequest } from './rewrite.js';
import type { Answer } from './synthetic-response.js';

/** Where the Flex request goes, and with whose credentials. */
export interface FlexExchangeInput {
  /** The shim's authenticated client (`shimOptions.credentials`). */
  readonly client: AtlasClient;
  /** The dispatch below the shim: the caller's own stack. */
  readonly dispatch: Dispatcher.Dispatch;
  /** The caller's request, for its headers. */
  readonly opts: Dispatcher.DispatchOptions;
  readonly flex: FlexRequest;
  readonly controller: CallerController;
}

/**
 * Sends the Flex request and returns Atlas's whole answer, in the Flex shape.
 *
 * - A caller that sent `Authorization: Bearer …` keeps it: the request goes through the
 *   dispatch below the shim with the caller's headers, as the caller would have sent it.
 * - Any other caller is signed with `shimOptions.credentials` through the shim's client: a
 *   digest signature covers the request URI, so the caller's cannot be reused on another
 *   path, and a digest interceptor composed below the shim would be answering challenges
 *   for a request its owner never made.
 */
export async function exchangeWithFlex(input: FlexExchangeInput): Promise<Answer> {
  const { opts, flex, controller } = input;
  if (bearerAuthorization(opts.headers) !== undefined) {
    return collectResponse(input.dispatch, flexDispatchOptions(opts, flex), (attempt) => {
      controller.target = attempt;
    });
  }
  try {
    const { status, body } = await input.client.call({
      method: flex.method,
      path: `${flex.path}${flex.search}`,
      mediaType: FLEX_MEDIA_TYPE,
      body: flex.body,
      signal: controller.signal,
    });
    return { status, statusMessage: STATUS_CODES[status], headers: { 'content-type': FLEX_MEDIA_TYPE }, body: Buffer.from(JSON.stringify(body ?? null), 'utf8') };
  } catch (error) {
    // An ApiError answer is the caller's to read, as the tenant endpoint's would have been.
    if (error instanceof AtlasApiError && error.errorCode !== undefined) return apiErrorAnswer(error);
    throw error;
  }
}

/**
 * The `ApiError` envelope again, from the fields the client kept (it does not keep the
 * raw body: `badRequestDetail`, if Atlas sent one, is lost on this path).
 */
function apiErrorAnswer(error: AtlasApiError): Answer {
  const envelope: Record<string, unknown> = { error: error.status, errorCode: error.errorCode };
  if (error.detail !== undefined) envelope.detail = error.detail;
  if (error.parameters !== undefined) envelope.parameters = error.parameters;
  if (error.reason !== undefined) envelope.reason = error.reason;
  const body = Buffer.from(JSON.stringify(envelope), 'utf8');
  return {
    status: error.status,
    statusMessage: STATUS_CODES[error.status],
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}
