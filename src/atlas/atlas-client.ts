import { request, type Dispatcher } from 'undici';
import { AtlasResponseError } from '../errors/response-error.js';
import { toAtlasApiError } from './api-error-envelope.js';

/** One Atlas Admin API call. */
export interface AtlasCall {
  readonly method: 'GET' | 'POST';
  /** Path on the Atlas origin, from `atlasPaths`. */
  readonly path: string;
  /** The operation's versioned media type, sent as Accept (and Content-Type with a body). */
  readonly mediaType: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly signal?: AbortSignal | undefined;
}

/** A successful answer: status and parsed JSON body. */
export interface AtlasAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What the client needs: where, through what, and how it introduces itself. */
export interface AtlasClientOptions {
  readonly baseUrl: string;
  /** The dispatcher with authentication composed in. */
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** Sends Atlas Admin API calls and turns every answer into JSON or a typed error. */
export interface AtlasClient {
  /**
   * @throws {AtlasApiError} for an HTTP error status (the `ApiError` envelope when Atlas sent one).
   * @throws {AtlasResponseError} for a success status whose body is not JSON.
   */
  call(call: AtlasCall): Promise<AtlasAnswer>;
}

const JSON_MEDIA_TYPE = /^application\/(?:json|vnd\.atlas\.[0-9-]+\+json)\s*(?:;|$)/i;

/** Creates the Atlas client over a dispatcher that already authenticates. */
export function createAtlasClient(options: AtlasClientOptions): AtlasClient {
  return {
    async call({ method, path, mediaType, body, query, signal }) {
      const headers: Record<string, string> = { accept: mediaType, 'user-agent': options.userAgent };
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = mediaType;
        payload = JSON.stringify(body);
      }
      const requestInfo = { method, path };
      const response = await request(`${options.baseUrl}${path}`, {
        method,
        headers,
        body: payload,
        query,
        signal,
        dispatcher: options.dispatcher,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      });
      const contentType = headerValue(response.headers['content-type']);
      const text = await response.body.text();
      if (response.statusCode >= 400) throw toAtlasApiError(response.statusCode, contentType, text, requestInfo);
      if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
        throw new AtlasResponseError(`expected a JSON body, got content-type ${contentType}`, response.statusCode, requestInfo);
      }
      try {
        return { status: response.statusCode, body: text === '' ? undefined : JSON.parse(text) };
      } catch (error) {
        throw new AtlasResponseError('the body is not valid JSON', response.statusCode, requestInfo, { cause: error });
      }
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
