import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { SimulatorApiError } from './api-error.js';
import { sendJsonWithFault } from './faults/response-faults.js';
import type { ResolvedFault } from './faults/resolve-fault.js';
import type { SimulatorFaultKind } from './faults/types.js';
import type { SimulatorAuthScheme, SimulatorRequestRecord } from './types.js';

/** The `Authorization` scheme a request presented, whether or not it turns out valid. */
function authSchemeOf(header: string | undefined): SimulatorAuthScheme {
  const scheme = /^\s*(\S+)/.exec(header ?? '')?.[1]?.toLowerCase();
  return scheme === 'digest' || scheme === 'bearer' || scheme === 'basic' ? scheme : 'none';
}

/**
 * One request and its response. Every answer goes through {@link Exchange.writeHead}, which
 * records it in the request log before a byte reaches the client, so a test that has read a
 * response always finds it in `sim.requests`, and dates it on the simulated Atlas clock.
 */
export class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path without the query, percent-encoding kept (the router decodes each segment). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request method (`GET` when Node has none). */
  readonly method: string;
  /** The request target exactly as sent (what a digest `uri` must equal). */
  readonly target: string;
  readonly auth: SimulatorAuthScheme;
  /** Set by the router once the path and method matched a contract operation. */
  operationId: string | undefined;
  /** The fault this request was given, if any: recorded with it in the request log. */
  fault: SimulatorFaultKind | undefined;
  /** A fault that changes the answer once it is written (see `sendJsonWithFault` and the snapshot files). */
  responseFault: ResolvedFault | undefined;
  readonly #record: (entry: SimulatorRequestRecord) => void;
  readonly #now: () => Date;
  #recorded = false;

  /**
   * @param record adds an entry to the request log.
   * @param now the instant an answer is dated: the Atlas clock (see `SimulatorClock.dateForHeaders`).
   */
  constructor(req: IncomingMessage, res: ServerResponse, record: (entry: SimulatorRequestRecord) => void, now: () => Date) {
    this.req = req;
    this.res = res;
    // Node would add a real-time `Date` of its own; the answer's one `Date` is the Atlas clock's.
    res.sendDate = false;
    this.#now = now;
    this.method = req.method ?? 'GET';
    this.target = req.url ?? '/';
    // Prefixing the origin (rather than resolving against it) keeps a target like `//x` a path.
    const url = new URL(`http://127.0.0.1${this.target.startsWith('/') ? '' : '/'}${this.target}`);
    this.path = url.pathname;
    this.query = url.searchParams;
    this.auth = authSchemeOf(req.headers.authorization);
    this.#record = record;
  }

  #log(status: number): void {
    if (this.#recorded) return;
    this.#recorded = true;
    this.#record({
      method: this.method,
      path: this.path,
      status,
      auth: this.auth,
      ...(this.operationId !== undefined ? { operationId: this.operationId } : {}),
      ...(this.fault !== undefined ? { fault: this.fault } : {}),
    });
  }

  /** The Atlas instant of this answer, as its `Date` header states it. */
  now(): Date {
    return this.#now();
  }

  /**
   * Writes the status line and headers, logging the answer once. A `Date` (IMF-fixdate) from
   * the Atlas clock is added unless the caller dated the answer itself, as a `Retry-After`
   * HTTP-date must be measured against the `Date` it came with.
   */
  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    this.#log(status);
    const dated = Object.keys(headers).some((name) => name.toLowerCase() === 'date');
    this.res.writeHead(status, dated ? headers : { ...headers, Date: this.#now().toUTCString() });
  }

  /** Sends a whole answer: `Content-Length` from the body, which a HEAD request does not get. */
  send(status: number, headers: OutgoingHttpHeaders, body: string | Buffer): void {
    this.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    this.res.end(this.method === 'HEAD' ? undefined : body);
  }

  /** Logs the request with status 0: it was received, and never answered. */
  logUnanswered(): void {
    this.#log(0);
  }

  /** Drops the connection with a TCP reset before any answer, logging the request with status 0. */
  reset(): void {
    this.#log(0);
    this.req.socket.resetAndDestroy();
  }

  /** Sends a JSON body (nothing for HEAD), through the response fault when there is one. */
  sendJson(status: number, body: unknown, contentType: string, headers: OutgoingHttpHeaders = {}, pretty = false): void {
    const text = JSON.stringify(body, null, pretty ? 2 : undefined);
    if (this.responseFault !== undefined) {
      sendJsonWithFault(this, status, headers, contentType, text, this.responseFault);
      return;
    }
    this.send(status, { ...headers, 'Content-Type': contentType }, text);
  }

  /** Sends an Atlas `ApiError` envelope as `application/json`. */
  sendApiError(error: SimulatorApiError): void {
    this.sendJson(error.status, error.toBody(), 'application/json', error.headers);
  }

  /** True once the answer has started; a late failure can then only drop the connection. */
  get answered(): boolean {
    return this.#recorded;
  }
}

/** The largest request body the simulator reads: an Atlas operation's, or one a fault drains before a reset. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Reads a request body up to `limitBytes`; undefined when it is larger. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
