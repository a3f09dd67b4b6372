import { redactSecrets } from './redact-secrets.js';
import { ShimError } from './shim-error.js';

/**
 * A wait ran out of time: `waitForDownload` past its `timeoutMs`. Says how long it waited
 * and the last status it saw.
 */
export class TimeoutError extends ShimError {
  /** How long it waited, in milliseconds. */
  readonly waitedMs: number;
  /** The last job status seen, when there was one. */
  readonly lastStatus: string | undefined;

  constructor(what: string, waitedMs: number, lastStatus?: string) {
    super(`${what} timed out after ${waitedMs} ms${lastStatus ? `; the last status seen was ${lastStatus}` : ''}.`, 'TIMEOUT');
    this.waitedMs = waitedMs;
    // Atlas's word, shown in logs through toJSON(): masked like the message.
    this.lastStatus = lastStatus === undefined ? undefined : redactSecrets(lastStatus);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), waitedMs: this.waitedMs, lastStatus: this.lastStatus };
  }
}
