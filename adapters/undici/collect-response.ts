import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { AtlasResponseError } from '../../src/errors/response-error.js';
import type { Answer } from './synthetic-response.js';

/** The most bytes of an Atlas JSON answer the adapter holds to convert it (a page of 500 jobs is far below). */
export const ANSWER_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Dispatches one request and resolves with its whole answer, for the adapter to read
 * before the caller sees anything. `attach` receives the attempt's controller when it
 * starts (so the caller's abort reaches it) and null when it is over.
 */
export function collectResponse(
  dispatch: Dispatcher.Dispatch,
  opts: Dispatcher.DispatchOptions,
  attach: (controller: Dispatcher.DispatchController | null) => void,
): Promise<Answer> {
  // Errors name the path only: a query may carry what does not belong in a log.
  const request = { method: String(opts.method), path: opts.path.split('?')[0] ?? opts.path };
  return new Promise<Answer>((resolve, reject) => {
    let head: { status: number; statusMessage: string | undefined; headers: IncomingHttpHeaders } | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        attach(controller);
      },
      onResponseStart(_controller, status, headers, statusMessage) {
        // Informational answers (1xx) precede the real one.
        if (status >= 200) head = { status, statusMessage, headers };
      },
      onResponseData(controller, chunk) {
        size += chunk.length;
        if (size > ANSWER_LIMIT_BYTES) {
          controller.abort(new AtlasResponseError(`the answer exceeds ${ANSWER_LIMIT_BYTES} bytes`, head?.status ?? 0, request));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        attach(null);
        if (head === undefined) reject(new AtlasResponseError('the answer ended without a status', 0, request));
        else resolve({ ...head, body: Buffer.concat(chunks) });
      },
      onResponseError(_controller, error) {
        attach(null);
        reject(error);
      },
    };
    try {
      dispatch(opts, handler);
    } catch (error) {
      attach(null);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
