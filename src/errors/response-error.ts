import { ShimError } from './shim-error.js';
import type { AtlasRequestInfo } from './atlas-api-error.js';

/**
 * Atlas answered with a success status, but the body could not be used: not JSON,
 * another media type, or missing a field the library needs (such as a job `id`).
 */
export class AtlasResponseError extends ShimError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The request that caused it. */
  readonly request: AtlasRequestInfo;

  constructor(message: string, status: number, request: AtlasRequestInfo, options?: { cause?: unknown }) {
    super(`${request.method} ${request.path} (HTTP ${status}): ${message}`, 'ATLAS_RESPONSE', options);
    this.status = status;
    this.request = request;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, request: this.request };
  }
}
