import { SnapshotTransferError } from '../errors/snapshot-transfer-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { abortable } from '../signals/abortable.js';
import { describeValue } from '../validation/describe-value.js';
import { describeSnapshotUrl, parseSnapshotUrl } from './snapshot-url.js';

/** Where a snapshot can be downloaded from, and until when. */
export interface SnapshotSource {
  /** The job's `snapshotUrl`: a pre-signed https URL on the storage host. */
  url: string;
  /** The job's `expirationDate`, when known. Undefined: only a 403/410 from the host reveals expiry. */
  expiresAt?: Date | undefined;
}

interface ParsedSource {
  readonly url: URL;
  readonly expiresAt: Date | undefined;
}

function parseSource(value: unknown, field: string): ParsedSource {
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'an object { url, expiresAt? }', describeValue(value));
  const { url, expiresAt } = value as Record<string, unknown>;
  const parsed = parseSnapshotUrl(url, `${field}.url`);
  if (expiresAt !== undefined && !(expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime()))) {
    throw new ValidationError(`${field}.expiresAt`, 'a valid Date, or undefined', describeValue(expiresAt));
  }
  return { url: parsed, expiresAt };
}

/**
 * The source being downloaded from, renewed at most once. A pre-signed URL lives four
 * hours; a long or resumed save may outlive it, and one fresh URL from Atlas is enough to
 * finish. A second expiry means something else is wrong (clock skew, revoked access), so
 * it fails instead of asking Atlas again and again.
 */
export class SnapshotSourceLease {
  #current: ParsedSource;
  #renewed = false;
  readonly #renew: () => Promise<SnapshotSource>;
  readonly #now: () => Date;

  /** @throws {ValidationError} when `source` is not a usable {@link SnapshotSource}. */
  constructor(source: unknown, renew: () => Promise<SnapshotSource>, now: () => Date) {
    this.#current = parseSource(source, 'source');
    this.#renew = renew;
    this.#now = now;
  }

  /** The URL to request now. */
  get url(): URL {
    return this.#current.url;
  }

  /** Renews the source before a request when `expiresAt` has passed; a renewed source already expired fails. */
  async ensureFresh(signal: AbortSignal | undefined, bytesWritten: () => Promise<number>): Promise<void> {
    for (;;) {
      const { expiresAt } = this.#current;
      // Plain millisecond arithmetic: importing date-fns's root for three comparisons loaded
      // its whole index and cost about 250 ms of every cold start.
      if (expiresAt === undefined) return;
      const ago = this.#now().getTime() - expiresAt.getTime();
      if (ago < 0) return;
      const why = ago === 0 ? 'expires now' : `expired ${ago} ms ago`;
      await this.#renewOrFail(`${why} (expiresAt ${expiresAt.toISOString()})`, undefined, signal, bytesWritten);
    }
  }

  /** Renews the source after the host refused it as expired (403 or 410). */
  async renewAfterRefusal(status: number, signal: AbortSignal | undefined, bytesWritten: () => Promise<number>): Promise<void> {
    await this.#renewOrFail(`was refused with HTTP ${status}`, status, signal, bytesWritten);
  }

  async #renewOrFail(
    why: string,
    status: number | undefined,
    signal: AbortSignal | undefined,
    bytesWritten: () => Promise<number>,
  ): Promise<void> {
    const where = describeSnapshotUrl(this.#current.url);
    if (this.#renewed) {
      throw new SnapshotTransferError(
        `The snapshot URL ${where} ${why} after it had already been renewed once; request a new download from Atlas.`,
        { phase: 'transfer', status, bytesWritten: await bytesWritten() },
      );
    }
    signal?.throwIfAborted();
    this.#renewed = true;
    this.#current = parseSource(await abortable(this.#renew(), signal), 'renewed source');
  }
}
