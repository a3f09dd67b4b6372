import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { toError } from '../errors/shim-error.js';

/**
 * The most bytes of one Atlas answer held in memory. Atlas answers are small JSON documents
 * (a page of 500 restore jobs is far below); a body beyond this is not an answer to read
 * but a fault, and reading it whole could exhaust memory.
 */
export const ANSWER_LIMIT_BYTES = 16 * 1024 * 1024;

/** A whole answer held in memory. */
export interface CollectedResponse {
  readonly status: number;
  readonly statusMessage: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What the caller of {@link collectResponse} hears of the request and decides about it. */
export interface CollectHooks {
  /**
   * Called with the request's controller when it starts, and again when a dispatcher below
   * starts it over (a redirect it follows): an abort must reach the latest one.
   */
  readonly onStart?: ((controller: Dispatcher.DispatchController) => void) | undefined;
  /** Called once the request is over, whichever way: stop listening for aborts. */
  readonly onSettle?: (() => void) | undefined;
  /** The error the request is aborted with when the body grows beyond `limitBytes`. */
  readonly tooLarge: (status: number, limitBytes: number) => Error;
  /** Default {@link ANSWER_LIMIT_BYTES}. */
  readonly limitBytes?: number;
}

/**
 * Dispatches one request with a handler of undici's own (`onRequestStart` …
 * `onResponseEnd`) and resolves with the whole answer, or rejects with undici's error (or
 * the reason the request was aborted with).
 *
 * Why not `dispatcher.request()`: that API speaks undici's older handler interface, so
 * through a composed dispatcher (the authentication interceptor) every answer's headers
 * were parsed, turned back into raw bytes and parsed again, and its body went through a
 * Readable stream, for a small JSON document read whole anyway: about a tenth of the CPU
 * of a warm call, measured.
 */
export function collectResponse(dispatch: Dispatcher.Dispatch, opts: Dispatcher.DispatchOptions, hooks: CollectHooks): Promise<CollectedResponse> {
  const limit = hooks.limitBytes ?? ANSWER_LIMIT_BYTES;
  return new Promise<CollectedResponse>((resolve, reject) => {
    let status = 0;
    let statusMessage: string | undefined;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      hooks.onSettle?.();
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        hooks.onStart?.(controller);
      },
      onResponseStart(_controller, statusCode, responseHeaders, message) {
        // Informational answers (1xx) precede the real one.
        if (statusCode < 200) return;
        status = statusCode;
        statusMessage = message;
        headers = responseHeaders;
      },
      onResponseData(controller, chunk) {
        size += chunk.length;
        if (size > limit) {
          controller.abort(hooks.tooLarge(status, limit));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle();
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        resolve({ status, statusMessage, headers, body });
      },
      onResponseError(_controller, error) {
        settle();
        reject(error);
      },
    };
    try {
      dispatch(opts, handler);
    } catch (error) {
      settle();
      reject(toError(error));
    }
  });
}
