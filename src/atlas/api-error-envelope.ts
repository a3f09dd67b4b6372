import { z } from 'zod';
import { AtlasApiError, type AtlasRequestInfo } from '../errors/atlas-api-error.js';

// The contract's `ApiError`: `error` and `errorCode` required, the rest optional.
const apiErrorSchema = z.looseObject({
  error: z.number().int(),
  errorCode: z.string(),
  detail: z.string().optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  parameters: z.array(z.unknown()).optional().catch(undefined),
});

/**
 * Builds the `AtlasApiError` for an error answer. Pure: reads the `ApiError` envelope when
 * the body is one, and otherwise says what the body was instead.
 */
export function toAtlasApiError(
  status: number,
  contentType: string | undefined,
  bodyText: string,
  request: AtlasRequestInfo,
): AtlasApiError {
  if (bodyText.trim() === '') return new AtlasApiError({ status, request, bodyProblem: 'empty body' });
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return new AtlasApiError({ status, request, bodyProblem: `not JSON${contentType ? `, content-type ${contentType}` : ''}` });
  }
  const parsed = apiErrorSchema.safeParse(json);
  if (!parsed.success) return new AtlasApiError({ status, request, bodyProblem: 'JSON without error and errorCode' });
  const { errorCode, detail, reason, parameters } = parsed.data;
  return new AtlasApiError({ status, request, errorCode, detail, reason, parameters });
}
