import { ShimError } from './shim-error.js';
import type { AtlasRequestInfo } from './atlas-api-error.js';

/**
 * Atlas answered, but not with something the library can use: a success status whose body
 * is not JSON, of another media type, or missing a field the library needs (such as a job
 * `id`); an answer larger than 16 MiB, which is never read whole;
 * or a redirect (3xx), which Atlas API calls never follow.
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
