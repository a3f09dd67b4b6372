import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { toError } from '../errors/shim-error.js';
import { ForwardingController } from '../http/forwarding-controller.js';
import { hasHeader, originOf } from '../http/headers.js';

/**
 * What both authentication interceptors share: which requests they may touch, how a
 * header is added, and the handler that answers a challenge by sending the request again
 * while the caller sees one request.
 */

/** True when the body can be sent again after a challenge: absent, a string or bytes. Streams and (async) iterables are consumed by the first attempt. */
export function isReplayableBody(body: unknown): boolean {
  return body === null || body === undefined || typeof body === 'string' || ArrayBuffer.isView(body);
}

/**
 * True when an interceptor may authenticate this request: it goes to `origin` and the
 * caller did not authorize it already. Everything else passes through untouched, so
 * credentials never leave the configured origin.
 */
export function shouldAuthenticate(opts: Dispatcher.DispatchOptions, origin: string): boolean {
  // The usual case, the origin string exactly as `URL` writes it, needs no parsing.
  const to = opts.origin === origin ? origin : originOf(opts);
  return to === origin && !hasHeader(opts.headers, 'authorization');
}

/** Options for the next attempt, now or once credentials are at hand. */
export type NextAttempt = Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions>;

/**
 * Looks at a response's status and headers and either returns how to build the next
 * attempt (the response is then swallowed and the request sent again) or undefined to
 * hand the response to the caller. Called once per response; keeps its own retry budget.
 */
export type ResponseInspector = (statusCode: number, headers: IncomingHttpHeaders) => (() => NextAttempt) | undefined;

/**
 * The handler both authentication interceptors put between undici and the caller: it
 * dispatches one caller request, possibly several times, as one request to the caller's
 * handler. It can hold a request back while credentials are being obtained, swallow one
 * authentication challenge and send the request again, and otherwise forwards every
 * event untouched. The caller sees a single request whatever happens underneath.
 */
export class AuthRetryHandler implements Dispatcher.DispatchHandler {
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #inspect: ResponseInspector;
  readonly #controller: ForwardingController;
  #started = false;
  #finished = false;
  #retry: (() => NextAttempt) | undefined;

  /**
   * @param dispatch the dispatch function the interceptor wraps; every attempt goes through it.
   * @param handler the caller's handler.
   * @param inspect decides, per response, whether to swallow it and try again.
   */
  constructor(dispatch: Dispatcher.Dispatch, handler: Dispatcher.DispatchHandler, inspect: ResponseInspector) {
    this.#dispatch = dispatch;
    this.#handler = handler;
    this.#inspect = inspect;
    this.#controller = new ForwardingController((reason) => this.#fail(reason));
  }

  /**
   * Sends an attempt. Options at hand go out at once; a promise (a token being fetched)
   * first starts the caller's request, so its abort signal is honoured while waiting,
   * and a rejection fails the request through the caller's error path.
   */
  send(next: NextAttempt): boolean {
    if (!(next instanceof Promise)) return this.#finished ? true : this.#dispatchNow(next);
    // Handlers go on before anything can finish the request, so a late rejection is never unhandled.
    next.then(
      (opts) => {
        if (!this.#finished) this.#dispatchNow(opts);
      },
      (err: unknown) => this.#fail(toError(err)),
    );
    this.#startCaller(undefined);
    return true;
  }

  #dispatchNow(opts: Dispatcher.DispatchOptions): boolean {
    try {
      return this.#dispatch(opts, this);
    } catch (err) {
      this.#fail(toError(err));
      return true;
    }
  }

  #startCaller(context: unknown): void {
    if (this.#started) return;
    this.#started = true;
    this.#handler.onRequestStart?.(this.#controller, context ?? {});
  }

  #fail(err: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#retry = undefined;
    this.#handler.onResponseError?.(this.#controller, err);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller.target = controller;
    this.#startCaller(context);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.#handler.onRequestUpgrade?.(this.#controller, statusCode, headers, socket);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.#retry = this.#inspect(statusCode, headers);
    if (this.#retry === undefined) this.#handler.onResponseStart?.(this.#controller, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // A swallowed challenge's body is read to the end (keeping the connection reusable) and dropped.
    if (this.#retry === undefined) this.#handler.onResponseData?.(this.#controller, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    const retry = this.#retry;
    if (retry === undefined) {
      this.#finished = true;
      this.#handler.onResponseEnd?.(this.#controller, trailers);
      return;
    }
    this.#retry = undefined;
    this.#controller.target = null;
    let next: NextAttempt;
    try {
      next = retry();
    } catch (err) {
      this.#fail(toError(err));
      return;
    }
    this.send(next);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fail(err);
  }
}
