import { ValidationError } from '../../src/errors/validation-error.js';

/**
 * The most bytes of a tenant request body the adapter holds in memory. A `TenantRestore`
 * is a few hundred bytes; Atlas itself refuses request bodies over 1 MiB.
 */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

function tooLarge(): ValidationError {
  return new ValidationError('body', `a request body of at most ${REQUEST_BODY_LIMIT_BYTES} bytes`, 'a larger body');
}

/**
 * Reads a request body, in any form undici accepts, into bytes: the download POST's body
 * is needed whole to build the Flex body and to send the tenant request again if Atlas
 * contradicts the route. `fetch` hands its body over as an async iterable and
 * `undici.request` may be given a stream, both of which can be read only once, so they
 * are read here, once, and the bytes go out instead.
 *
 * @throws {ValidationError} for a body over {@link REQUEST_BODY_LIMIT_BYTES} or of a kind that cannot carry JSON.
 */
export async function readRequestBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return checked(Buffer.from(body, 'utf8'));
  if (ArrayBuffer.isView(body)) return checked(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  if (body instanceof ArrayBuffer) return checked(Buffer.from(body));
  if (body instanceof Blob) return checked(Buffer.from(await body.arrayBuffer()));
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<unknown>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : ArrayBuffer.isView(chunk) ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : undefined;
      if (bytes === undefined) throw new ValidationError('body', 'a JSON request body (string, bytes or a stream of them)', 'an iterable of other values, such as FormData');
      size += bytes.length;
      if (size > REQUEST_BODY_LIMIT_BYTES) throw tooLarge();
      chunks.push(bytes);
    }
    return Buffer.concat(chunks);
  }
  throw new ValidationError('body', 'a JSON request body (string, bytes or a stream of them)', 'a FormData or another object');
}

function checked(bytes: Buffer): Buffer {
  if (bytes.length > REQUEST_BODY_LIMIT_BYTES) throw tooLarge();
  return bytes;
}
