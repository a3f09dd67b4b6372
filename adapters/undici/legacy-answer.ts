import type { IncomingHttpHeaders } from 'node:http';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/endpoints.js';
import { AtlasResponseError } from '../../src/errors/response-error.js';
import { answerJson, answerText } from './answer-body.js';
import type { FlexTwin, LegacyContext } from './flex-twin.js';
import { withLegacyLinks } from './legacy-links.js';
import type { Answer } from './synthetic-response.js';

/** Headers that describe the bytes on the wire: they no longer hold once the body is re-encoded. */
const BODY_HEADERS = ['content-length', 'content-encoding', 'transfer-encoding', 'content-md5', 'etag'];

/** What the conversion needs besides the answer. */
export interface LegacyAnswerInput {
  readonly twin: FlexTwin;
  readonly context: LegacyContext;
  /** The Atlas origin, to point links back at the tenant paths. */
  readonly origin: string;
  /** Method and Flex path, for the error of an unreadable success body. */
  readonly request: { readonly method: string; readonly path: string };
}

/**
 * A Flex answer as the tenant operation would have given it. A success body becomes the
 * legacy shape, sent as the legacy media type with its new `content-length`; Atlas's
 * other headers (rate limits, dates) stay. An error answer (`ApiError`, the same envelope
 * on both families) passes through untouched, status included.
 *
 * @throws {AtlasResponseError} when a success body is not JSON: there is nothing to convert.
 */
export function toLegacyAnswer(answer: Answer, input: LegacyAnswerInput): Answer {
  if (answer.status < 200 || answer.status >= 300) return answer;
  const body = answerJson(answer);
  if (body === undefined) {
    const problem = answerText(answer) === undefined ? 'the body could not be decoded' : 'the body is not JSON';
    throw new AtlasResponseError(problem, answer.status, { method: input.request.method, path: input.request.path });
  }
  const legacy = withLegacyLinks(input.twin.toLegacy(body, input.context), input.origin);
  const bytes = Buffer.from(JSON.stringify(legacy), 'utf8');
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) if (!BODY_HEADERS.includes(name.toLowerCase())) headers[name] = value;
  headers['content-type'] = TENANT_MEDIA_TYPE;
  headers['content-length'] = String(bytes.length);
  return { status: answer.status, statusMessage: answer.statusMessage, headers, body: bytes };
}
