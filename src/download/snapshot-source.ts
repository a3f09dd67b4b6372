import { SnapshotTransferError } from '../errors/download-errors.js';
import { ValidationError } from '../errors/shim-error.js';
import { abortable } from '../abortable.js';
import { describeValue, isLoopbackHost, MAX_HOST_NAME_LENGTH } from '../validation.js';

const SHOWN_PATH = 120;
// A URL's path as messages show it: long ones cut.
const shownPath = (url: URL): string => (url.pathname.length > SHOWN_PATH ? `${url.pathname.slice(0, SHOWN_PATH)}…` : url.pathname);

/**
 * Longest `snapshotUrl` accepted, in characters. Pre-signed storage URLs run to a few
 * kilobytes (an S3 one with a session token is about 2 KB), and most servers refuse a
 * request line past 8–16 KB: anything longer is not a snapshot URL, and is refused before
 * any request instead of costing a DNS look-up or a connection.
 */
export const MAX_SNAPSHOT_URL_LENGTH = 16_384;
const ALLOWED_URL =
  `an https URL of at most ${MAX_SNAPSHOT_URL_LENGTH} characters, without user name or password ` +
  '(http only for a loopback host such as 127.0.0.1)';

/**
 * The URL as it may appear in a message: origin and path, never the query string (the
 * signature of a pre-signed URL) nor the fragment. Long paths are cut.
 */
export function describeSnapshotUrl(url: URL): string {
  return `${url.origin}${shownPath(url)}`;
}

// A rejected value is described without its query either; a scheme without a host
// (javascript:, data:) could carry anything after the colon, so only its scheme is shown.
function describeRejected(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value);
  if (value.length > MAX_SNAPSHOT_URL_LENGTH) return `a string of ${value.length} characters, longer than ${MAX_SNAPSHOT_URL_LENGTH}`;
  if (!URL.canParse(value)) return `a string of ${value.length} characters that is not an absolute URL`;
  const url = new URL(value);
  if (url.host === '') return `a ${url.protocol} URL`;
  if (url.hostname.length > MAX_HOST_NAME_LENGTH) return `a ${url.protocol} URL whose host name has ${url.hostname.length} characters`;
  return `${JSON.stringify(`${url.protocol}//${url.host}${shownPath(url)}`)}${url.search ? ' (query string hidden)' : ''}`;
}

/**
 * Parses a `snapshotUrl`: an https URL, or http when the host is loopback (a local test
 * host). Credentials in the URL are refused, since they would go to the storage host.
 *
 * @param field How the caller names the value in the error. Default `'snapshotUrl'`.
 * @throws {ValidationError} for anything else (file:, ftp:, javascript:, data:, plain http
 * to another host, an unparsable string, more than {@link MAX_SNAPSHOT_URL_LENGTH}
 * characters, a host name longer than DNS allows); the error shows origin and path only.
 */
export function parseSnapshotUrl(value: unknown, field = 'snapshotUrl'): URL {
  if (typeof value !== 'string' || value.length > MAX_SNAPSHOT_URL_LENGTH || !URL.canParse(value)) {
    throw new ValidationError(field, ALLOWED_URL, describeRejected(value));
  }
  const url = new URL(value);
  const schemeAllowed = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!schemeAllowed || url.username !== '' || url.password !== '' || url.hostname.length > MAX_HOST_NAME_LENGTH) {
    throw new ValidationError(field, ALLOWED_URL, describeRejected(value));
  }
  return url;
}

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
 *
 * The renewed URL, which Atlas has just issued, is asked for once more when the host
 * refuses it before its `expiresAt` (or without one): a storage host may refuse a valid
 * signature for a moment, and a second renewal would only bring another such URL.
 *
 * Several requests may share one lease (the parts of a parallel save): while a renewal
 * runs, the others wait for it, and a refusal of a URL already replaced renews nothing.
 */
export class SnapshotSourceLease {
  #current: ParsedSource;
  #renewed = false;
  #askedAgain = false;
  #renewing: Promise<void> | undefined;
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
      await this.#renewing;
      const { expiresAt } = this.#current;
      if (expiresAt === undefined) return;
      const ago = this.#now().getTime() - expiresAt.getTime();
      if (ago < 0) return;
      const why = ago === 0 ? 'expires now' : `expired ${ago} ms ago`;
      await this.#renewOrFail(`${why} (expiresAt ${expiresAt.toISOString()})`, undefined, signal, bytesWritten);
    }
  }

  /**
   * Renews the source after the host refused it as expired (403 or 410); or, the first time
   * the renewed source is refused while still fresh by its `expiresAt`, keeps it to be asked
   * for once more. `refused` is the URL the refused request went to (default: the current
   * one); when the lease has moved on from it since, there is nothing to renew.
   */
  async renewAfterRefusal(
    status: number,
    signal: AbortSignal | undefined,
    bytesWritten: () => Promise<number>,
    refused: URL = this.#current.url,
  ): Promise<void> {
    await this.#renewing;
    if (refused !== this.#current.url) return;
    const { expiresAt } = this.#current;
    const freshByDate = expiresAt === undefined || this.#now().getTime() < expiresAt.getTime();
    if (this.#renewed && !this.#askedAgain && freshByDate) {
      this.#askedAgain = true;
      return;
    }
    await this.#renewOrFail(`was refused with HTTP ${status}`, status, signal, bytesWritten);
  }

  async #renewOrFail(
    why: string,
    status: number | undefined,
    signal: AbortSignal | undefined,
    bytesWritten: () => Promise<number>,
  ): Promise<void> {
    // Another request of the same save is renewing: its source is the one to use.
    if (this.#renewing !== undefined) {
      await this.#renewing;
      return;
    }
    const where = describeSnapshotUrl(this.#current.url);
    if (this.#renewed) {
      throw new SnapshotTransferError(
        `The snapshot URL ${where} ${why} after it had already been renewed once; request a new download from Atlas.`,
        { phase: 'transfer', status, bytesWritten: await bytesWritten() },
      );
    }
    signal?.throwIfAborted();
    this.#renewed = true;
    this.#renewing = (async () => {
      this.#current = parseSource(await abortable(this.#renew(), signal), 'renewed source');
    })();
    try {
      await this.#renewing;
    } finally {
      this.#renewing = undefined;
    }
  }
}
