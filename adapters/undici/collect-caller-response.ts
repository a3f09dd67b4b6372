import type { Dispatcher } from 'undici';
import { AtlasResponseError } from '../../src/errors/response-error.js';
import { collectResponse } from '../../src/http/collect-response.js';
import type { Answer } from './synthetic-response.js';

/**
 * Dispatches one request through the caller's own stack and resolves with its whole
 * answer, for the adapter to read before the caller sees anything. `attach` receives the
 * attempt's controller when it starts (so the caller's abort reaches it) and null when it
 * is over. The answer is bounded as the client's are (`ANSWER_LIMIT_BYTES`).
 */
export async function collectCallerResponse(
  dispatch: Dispatcher.Dispatch,
  opts: Dispatcher.DispatchOptions,
  attach: (controller: Dispatcher.DispatchController | null) => void,
): Promise<Answer> {
  // Errors name the path only: a query may carry what does not belong in a log.
  const request = { method: String(opts.method), path: opts.path.split('?')[0] ?? opts.path };
  const answer = await collectResponse(dispatch, opts, {
    onStart: attach,
    onSettle: () => attach(null),
    tooLarge: (status, limit) => new AtlasResponseError(`the answer exceeds ${limit} bytes`, status, request),
  });
  if (answer.status === 0) throw new AtlasResponseError('the answer ended without a status', 0, request);
  return answer;
}
