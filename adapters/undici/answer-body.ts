import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Answer } from './synthetic-response.js';
import { firstHeader } from './synthetic-response.js';

/**
 * The text of an answer's body, undoing a `Content-Encoding` Atlas may have applied
 * because the caller's `Accept-Encoding` allowed it. Undefined when the encoding is
 * unknown or the bytes do not decode: the body then cannot be read, only forwarded.
 */
export function answerText(answer: Answer): string | undefined {
  const encoding = (firstHeader(answer.headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
  try {
    switch (encoding) {
      case 'identity':
      case '':
        return answer.body.toString('utf8');
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(answer.body).toString('utf8');
      case 'deflate':
        return inflateSync(answer.body).toString('utf8');
      case 'br':
        return brotliDecompressSync(answer.body).toString('utf8');
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The parsed JSON body of an answer, or undefined when there is none or it is not JSON. */
export function answerJson(answer: Answer): unknown {
  const text = answerText(answer);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `errorCode` of an Atlas `ApiError` answer, or undefined when the body is not one. */
export function apiErrorCodeOf(answer: Answer): string | undefined {
  const body = answerJson(answer);
  if (typeof body !== 'object' || body === null) return undefined;
  const { errorCode } = body as { errorCode?: unknown };
  return typeof errorCode === 'string' ? errorCode : undefined;
}
