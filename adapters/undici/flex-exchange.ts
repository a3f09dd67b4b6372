import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AtlasClient, FindCreated } from '../../src/atlas/atlas-client.js';
import { FLEX_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { AtlasApiError } from '../../src/errors/atlas-api-error.js';
import type { DownloadAdoptedEvent } from '../../src/events/shim-event.js';
import { adoptingLookup } from '../../src/facade/download-adoption.js';
import type { ForwardingController } from '../../src/http/forwarding-controller.js';
import { collectCallerResponse } from './collect-caller-response.js';
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
  /** The Flex request that serves the caller's tenant one. */
  readonly flex: FlexRequest;
  /** The caller's side of the exchange: its abort signal, and where the request in flight is recorded. */
  readonly controller: ForwardingController;
  /** The project and cluster of the request: where a job of an ambiguous download POST is looked for. */
  readonly target: { readonly groupId: string; readonly clusterName: string };
  /** Told when the download POST's answer is a job adopted after an ambiguous failure, once the call has answered with it. */
  readonly onAdopted: (event: DownloadAdoptedEvent) => void;
}

/**
 * Sends the Flex request and returns Atlas's whole answer, in the Flex shape.
 *
 * - A caller that sent `Authorization: Bearer …` keeps it: the request goes through the
 *   dispatch below the shim with the caller's headers, as the caller would have sent it.
 * - Any other caller is signed with `shimOptions.credentials` through the shim's client: a
 *   digest signature covers the request URI, so the caller's cannot be reused on another
 *   path, and a digest interceptor composed below the shim would be answering challenges
 *   for a request its owner never made. The client retries as the facade's does; a
 *   download POST that fails ambiguously is followed by a look-up of the job it may have
 *   created, which is adopted (and reported through `onAdopted`) or else the POST is sent
 *   again: never a second job.
 * - The Bearer path sends once, through the caller's stack, with no retry and so no look-up.
 */
export async function exchangeWithFlex(input: FlexExchangeInput): Promise<Answer> {
  const { opts, flex, controller } = input;
  if (bearerAuthorization(opts.headers) !== undefined) {
    return collectCallerResponse(input.dispatch, flexDispatchOptions(opts, flex), (attempt) => {
      controller.target = attempt;
    });
  }
  let adoption: DownloadAdoptedEvent | undefined;
  try {
    const { status, body } = await input.client.call({
      method: flex.method,
      path: `${flex.path}${flex.search}`,
      mediaType: FLEX_MEDIA_TYPE,
      body: flex.body,
      signal: controller.signal,
      findCreated: findCreatedJob(input, (event) => {
        adoption = event;
      }),
    });
    if (adoption !== undefined) input.onAdopted(adoption);
    return { status, statusMessage: STATUS_CODES[status], headers: { 'content-type': FLEX_MEDIA_TYPE }, body: Buffer.from(JSON.stringify(body ?? null), 'utf8') };
  } catch (error) {
    // An ApiError answer is the caller's to read, as the tenant endpoint's would have been.
    if (error instanceof AtlasApiError && error.errorCode !== undefined) return apiErrorAnswer(error);
    throw error;
  }
}

/**
 * How the client finds the job an ambiguous download POST created, as the facade does: a
 * POST is then adopted or sent again, never left failed nor doubled. Only for a download
 * POST that names its snapshot as a string (there is nothing to match a job against
 * otherwise, and Atlas refuses such a body with a 400, which created nothing).
 */
function findCreatedJob(input: FlexExchangeInput, onAdopted: (event: DownloadAdoptedEvent) => void): FindCreated | undefined {
  const { flex, target } = input;
  if (flex.method !== 'POST' || flex.snapshotId === undefined) return undefined;
  const lookup = { route: 'flex' as const, groupId: target.groupId, clusterName: target.clusterName, snapshotId: flex.snapshotId };
  return adoptingLookup(input.client, lookup, onAdopted);
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
