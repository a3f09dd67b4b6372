import type { Dispatcher } from 'undici';
import { AtlasResponseError } from '../errors/response-error.js';
import { collectResponse, type CollectedResponse } from '../http/collect-response.js';
import { transportFailure, type AttemptFailure } from '../retry/attempt-failure.js';
import type { CallEnd } from '../retry/call-deadline.js';
import { toAtlasApiError } from './api-error-envelope.js';
import { redirectError } from './redirect-answer.js';

/** Where and how an attempt is sent. */
export interface AttemptTarget {
  /** The Atlas origin (`scheme://host[:port]`), already validated. */
  readonly origin: string;
  /** The dispatcher with authentication composed in: every attempt is signed afresh through it. */
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** One request to send. */
export interface AttemptRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly mediaType: string;
  /** The JSON text of the body, already serialized (the same bytes on every attempt). */
  readonly payload: string | undefined;
  readonly query: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Method and path without the query, for errors. */
  readonly info: { readonly method: string; readonly path: string };
}

/** A usable answer: status and parsed JSON body. */
export interface AttemptAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** How one attempt ended: an answer, or a failure with the typed error it would be reported as. */
export type AttemptOutcome =
  | { readonly ok: true; readonly answer: AttemptAnswer }
  | { readonly ok: false; readonly failure: AttemptFailure; readonly error: unknown };

const JSON_MEDIA_TYPE = /^application\/(?:json|vnd\.atlas\.[0-9-]+\+json)\s*(?:;|$)/i;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function failed(error: unknown): AttemptOutcome {
  const failure = transportFailure(error);
  // Anything but a network failure (an abort, a closed dispatcher, an authentication error) ends the call as it is.
  if (failure === undefined) throw error;
  return { ok: false, failure, error };
}

/**
 * Sends one attempt and reads the whole answer (Atlas answers are small JSON documents),
 * so a connection that breaks in the middle of a body is a failed attempt like any other.
 * The origin was validated once by the client: nothing is parsed again per attempt.
 *
 * @throws anything that is not a network failure: the call's end reason, a closed dispatcher, an `AuthError`.
 */
export async function sendAttempt(target: AttemptTarget, attempt: AttemptRequest, end: CallEnd): Promise<AttemptOutcome> {
  const { method, path, mediaType, payload, query, info } = attempt;
  const headers: Record<string, string> = { accept: mediaType, 'user-agent': target.userAgent };
  if (payload !== undefined) headers['content-type'] = mediaType;
  let answer: CollectedResponse;
  let stopListening: (() => void) | undefined;
  try {
    answer = await collectResponse(
      (opts, handler) => target.dispatcher.dispatch(opts, handler),
      { origin: target.origin, path, method, headers, body: payload, query, headersTimeout: target.headersTimeoutMs, bodyTimeout: target.bodyTimeoutMs },
      {
        // If the call ended while the request waited for a connection, it goes no further.
        onStart(controller) {
          stopListening?.();
          stopListening = end.subscribe((reason) => controller.abort(reason as Error));
        },
        onSettle: () => stopListening?.(),
        tooLarge: (status, limit) => new AtlasResponseError(`the answer exceeds ${limit} bytes`, status, info),
      },
    );
  } catch (error) {
    return failed(error);
  }
  const status = answer.status;
  const text = answer.body.toString('utf8');
  const contentType = headerValue(answer.headers['content-type']);
  if (status >= 400) {
    return { ok: false, failure: { kind: 'status', status, headers: answer.headers }, error: toAtlasApiError(status, contentType, text, info) };
  }
  if (status >= 300) {
    const error = redirectError(status, headerValue(answer.headers.location), target.origin, info);
    return { ok: false, failure: { kind: 'redirect', status }, error };
  }
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
    const error = new AtlasResponseError(`expected a JSON body, got content-type ${contentType}`, status, info);
    return { ok: false, failure: { kind: 'foreign-body', status, contentType }, error };
  }
  try {
    return { ok: true, answer: { status, body: text === '' ? undefined : JSON.parse(text) } };
  } catch (error) {
    return { ok: false, failure: { kind: 'unreadable-body', status }, error: new AtlasResponseError('the body is not valid JSON', status, info, { cause: error }) };
  }
}
