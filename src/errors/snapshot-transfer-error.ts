import { ShimError } from './shim-error.js';

/**
 * Saving a snapshot failed: the snapshot host answered with an error, the connection
 * broke more times than allowed, the size did not match, or the destination could not be
 * written. `phase` says which; `status` is the host's HTTP status when there was one.
 * The URL's query string (its signature) never appears here.
 */
export class SnapshotTransferError extends ShimError {
  /** Where it failed: before any request (`destination`), talking to the host (`transfer`), or writing (`write`). */
  readonly phase: 'destination' | 'transfer' | 'write';
  /** The snapshot host's HTTP status, when it answered with one. */
  readonly status: number | undefined;
  /** Bytes safely written before the failure. */
  readonly bytesWritten: number;

  constructor(
    message: string,
    init: { phase: 'destination' | 'transfer' | 'write'; status?: number | undefined; bytesWritten?: number; cause?: unknown },
  ) {
    super(message, 'SNAPSHOT_TRANSFER', { cause: init.cause });
    this.phase = init.phase;
    this.status = init.status;
    this.bytesWritten = init.bytesWritten ?? 0;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase, status: this.status, bytesWritten: this.bytesWritten };
  }
}
