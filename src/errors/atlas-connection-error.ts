import { ShimError } from './shim-error.js';
import type { AtlasRequestInfo } from './atlas-api-error.js';

/**
 * The connection to Atlas failed on every attempt the retry policy allowed: refused,
 * unreachable, or reset or closed before the whole answer arrived. `causeCode` is the last
 * failure's code (`'ECONNRESET'`, `'UND_ERR_SOCKET'`, …) and `cause` the error itself;
 * `attempts` counts the requests sent. Check the network path to the Atlas origin (proxy,
 * firewall, DNS) or raise `retry.limit`.
 */
export class AtlasConnectionError extends ShimError {
  /** The request that could not be completed (method and path, never credentials). */
  readonly request: AtlasRequestInfo;
  /** The undici or Node error code of the last failure. */
  readonly causeCode: string;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(request: AtlasRequestInfo, causeCode: string, attempts: number, options?: { cause?: unknown }) {
    super(
      `The connection to Atlas failed for ${request.method} ${request.path} (${causeCode}) after ${attempts} attempt${attempts === 1 ? '' : 's'}.`,
      'ATLAS_CONNECTION',
      options,
    );
    this.request = request;
    this.causeCode = causeCode;
    this.attempts = attempts;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request, causeCode: this.causeCode, attempts: this.attempts };
  }
}
