import { atlasPaths } from '../atlas/endpoints.js';

// A NUL cannot be in a validated path parameter, and encodes to a marker no real path contains.
const PARAMETER = '\u0000';
const ENCODED_PARAMETER = encodeURIComponent(PARAMETER);

// Built from the path builders themselves, so a path the client can send always has its operationId here.
const OPERATIONS: ReadonlyArray<readonly [RegExp, string]> = Object.entries(atlasPaths).map(([operationId, build]) => {
  const template = (build as (...parameters: string[]) => string)(PARAMETER, PARAMETER, PARAMETER);
  const pattern = template
    .split(ENCODED_PARAMETER)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return [new RegExp(`^${pattern}$`), operationId] as const;
});

/**
 * The contract's `operationId` of an Atlas Admin API path (`/api/atlas/v2/groups/…`), or
 * undefined for a path none of the operations this library calls has. Pure.
 */
export function atlasOperationOf(path: string): string | undefined {
  return OPERATIONS.find(([pattern]) => pattern.test(path))?.[1];
}
