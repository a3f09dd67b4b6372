import { ShimError } from './shim-error.js';
import type { AtlasRequestInfo } from './atlas-api-error.js';

/**
 * A request that creates a restore job failed in a way that may have created it anyway (the
 * connection broke after the request was sent, or Atlas answered 5xx), and the look-up for
 * that job failed too. The shim then neither adopts a job nor requests another one, since
 * that could create a duplicate. `cause` is the look-up's error; `failure` says how the
 * request itself failed. List the cluster's restore jobs before requesting the snapshot again.
 */
export class UnconfirmedJobError extends ShimError {
  /** The request that may have created a job. */
  readonly request: AtlasRequestInfo;
  /** How it failed, e.g. `'ECONNRESET'` or `'HTTP 503'`. */
  readonly failure: string;

  constructor(request: AtlasRequestInfo, failure: string, options: { cause: unknown }) {
    const lookup = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `${request.method} ${request.path} failed (${failure}) after it may have created a restore job, and looking for that job failed too ` +
        `(${lookup}); no second job was requested. List the cluster's restore jobs before requesting the snapshot again.`,
      'UNCONFIRMED_JOB',
      options,
    );
    this.request = request;
    this.failure = failure;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request, failure: this.failure };
  }
}
