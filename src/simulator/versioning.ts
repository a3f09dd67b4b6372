import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES } from './error-codes.js';

function mediaTypes(header: string | undefined): { type: string; q: number }[] {
  if (header === undefined) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.map((p) => /^q=([0-9.]+)$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q) };
  });
}

/**
 * Atlas picks the resource version from `Accept`: only the operation's own versioned media type
 * will do. `application/json`, `*\/*` or another version date get 406, as Atlas answers them.
 */
export function requireAcceptedVersion(accept: string | undefined, mediaType: string): void {
  if (!mediaTypes(accept).some((entry) => entry.type === mediaType && entry.q > 0)) {
    throw new SimulatorApiError(406, SIMULATOR_ERROR_CODES.invalidVersionDate, 'Invalid accept header or version date.', {
      parameters: [accept ?? ''],
    });
  }
}

/** A POST body must be sent as the operation's versioned media type (parameters such as charset aside). */
export function requireContentType(contentType: string | undefined, mediaType: string): void {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== mediaType) {
    throw new SimulatorApiError(
      415,
      SIMULATOR_ERROR_CODES.unsupportedMediaType,
      `Unsupported Content-Type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)}: send the body as ${mediaType}.`,
      { parameters: [contentType ?? ''] },
    );
  }
}
