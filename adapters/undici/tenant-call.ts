import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { atlasPath, FLEX_MEDIA_TYPE, twinOf, type PathParams, type Route } from '../../src/atlas/operations.js';
import type { CallerTransport } from '../../src/atlas/atlas-client.js';
import { AtlasApiError } from '../../src/errors/atlas-errors.js';
import { toError } from '../../src/errors/shim-error.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { ForwardingController } from '../../src/http/forwarding-controller.js';
import { apiErrorCodeOf, deprecationNotice, toLegacyAnswer, withDeprecationHeaders, type Answer, type DeprecationNotice } from './legacy-answer.js';
import { bearerAuthorization, callerHeaders, flexRequestFor, parseTenantTarget, readRequestBody, type TenantRequest } from './tenant-request.js';

/** What every tenant call of one interceptor shares. */
export interface TenantCallContext {
  readonly core: ShimCore;
  /** The dispatch the interceptor wraps: the caller's own stack. */
  readonly dispatch: Dispatcher.Dispatch;
  readonly deprecationHeaders: boolean;
}

/**
 * Statuses with which Atlas may contradict a route (see `contradictionReason`): a removed
 * endpoint (404, 410), a removed version (406), a cluster of the other kind (400 with its
 * errorCode). A passed-through answer with one of them is held back and read whole, to
 * decide on a fallback; every other answer streams through.
 */
const REFUSAL_STATUSES = new Set([400, 404, 406, 410]);

/** A passed-through answer already streamed to the caller: nothing is left to decide or deliver. */
const DELIVERED = Symbol('delivered');

/**
 * Serves one request to a tenant operation: decides the route, passes the request through
 * or serves it through its Flex twin, falls back to the other route once when Atlas
 * contradicts the decision, and gives the caller one answer (or one error) in the tenant
 * operation's shape. Returns at once; the work goes on asynchronously.
 */
export function serveTenantRequest(
  context: TenantCallContext,
  opts: Dispatcher.DispatchOptions,
  request: TenantRequest,
  handler: Dispatcher.DispatchHandler,
): boolean {
  new TenantCall(context, opts, request, handler).start();
  return true;
}

class TenantCall {
  readonly #context: TenantCallContext;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #request: TenantRequest;
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #controller: ForwardingController;
  #notice: DeprecationNotice | undefined;
  #finished = false;

  constructor(context: TenantCallContext, opts: Dispatcher.DispatchOptions, request: TenantRequest, handler: Dispatcher.DispatchHandler) {
    this.#context = context;
    this.#opts = opts;
    this.#request = request;
    this.#handler = handler;
    this.#controller = new ForwardingController((reason) => this.#fail(reason));
  }

  start(): void {
    // The caller's handler starts now, so its abort signal works while the route is being decided.
    this.#handler.onRequestStart?.(this.#controller, {});
    this.#run().catch((error: unknown) => this.#fail(toError(error)));
  }

  async #run(): Promise<void> {
    const { core, deprecationHeaders } = this.#context;
    const target = parseTenantTarget(this.#request);
    if (deprecationHeaders) {
      this.#notice = deprecationNotice(core.options.sunsetDate, `${core.options.baseUrl}${atlasPath(twinOf(this.#request.operationId), target)}`);
    }
    // The download body is read once and kept: the Flex body is built from it, and a fallback may send it again.
    const body = this.#request.method === 'POST' ? await readRequestBody(this.#opts.body) : undefined;
    const { signal } = this.#controller;
    const decision = await core.router.decide(target, signal);
    if (this.#finished) return;
    const { value } = await core.router.followRoute(
      decision,
      signal,
      (route: Route) => (route === 'tenant' ? this.#passThrough(body) : this.#viaFlex(target, body)),
      (answer) => (answer === DELIVERED || answer.status < 400 ? undefined : { status: answer.status, errorCode: apiErrorCodeOf(answer) }),
    );
    if (value !== DELIVERED) this.#deliver(value);
  }

  /**
   * Sends the request to Atlas as the caller sent it, through the caller's own stack: every
   * event is forwarded to the caller's handler under the caller's controller, with the
   * deprecation headers added; an answer with a refusal status is held back and resolved
   * whole instead, to decide on a fallback.
   */
  #passThrough(body: Buffer | undefined): Promise<Answer | typeof DELIVERED> {
    const handler = this.#handler;
    const controller = this.#controller;
    return new Promise((resolve, reject) => {
      let held: { status: number; statusMessage: string | undefined; headers: IncomingHttpHeaders; chunks: Buffer[] } | undefined;
      const through: Dispatcher.DispatchHandler = {
        onRequestStart(attempt) {
          // The caller's handler was started once, by the tenant call; it learns of the new attempt only through its controller.
          controller.target = attempt;
        },
        onRequestUpgrade(_attempt, statusCode, headers, socket) {
          handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
        },
        onResponseStart: (_attempt, statusCode, headers, statusMessage) => {
          if (statusCode < 200) {
            handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
          } else if (REFUSAL_STATUSES.has(statusCode)) {
            held = { status: statusCode, statusMessage, headers, chunks: [] };
          } else {
            handler.onResponseStart?.(controller, statusCode, this.#decorate(headers), statusMessage);
          }
        },
        onResponseData(_attempt, chunk) {
          if (held) held.chunks.push(chunk);
          else handler.onResponseData?.(controller, chunk);
        },
        onResponseEnd: (_attempt, trailers) => {
          controller.target = null;
          if (held) {
            resolve({ status: held.status, statusMessage: held.statusMessage, headers: held.headers, body: Buffer.concat(held.chunks) });
            return;
          }
          this.#finished = true;
          handler.onResponseEnd?.(controller, trailers);
          resolve(DELIVERED);
        },
        onResponseError(_attempt, error) {
          controller.target = null;
          reject(error);
        },
      };
      try {
        this.#context.dispatch(body === undefined ? this.#opts : { ...this.#opts, body }, through);
      } catch (error) {
        reject(toError(error));
      }
    });
  }

  /**
   * The Flex twin's answer in the tenant operation's shape, through the shim's client: it
   * retries as the facade's does, and a download POST that fails ambiguously is followed by
   * a look-up of the job it may have created, never a second job. The rewrite is reported
   * first, so a failed one is reported too.
   *
   * - A caller that sent `Authorization: Bearer …` keeps it: every attempt (and the look-up)
   *   goes through the caller's own stack with the caller's headers.
   * - Any other caller is signed with `shimOptions.credentials`: a digest signature covers
   *   the request URI, so the caller's cannot be reused on another path.
   */
  async #viaFlex(target: PathParams, body: Buffer | undefined): Promise<Answer> {
    const { core, dispatch } = this.#context;
    const request = this.#request;
    const flex = flexRequestFor(request, target, body);
    core.observer.emit({ type: 'legacy-rewrite', operationId: request.operationId, method: request.method, fromPath: request.path, toPath: flex.path, route: 'flex' });
    const via = bearerAuthorization(this.#opts.headers) === undefined ? undefined : { dispatch, headers: callerHeaders(this.#opts.headers) };
    const answer = await this.#flexCall(target, flex, via);
    return toLegacyAnswer(answer, {
      operationId: request.operationId,
      context: { clusterName: target.clusterName, snapshotId: flex.snapshotId, targetDeploymentItemName: flex.targetDeploymentItemName },
      origin: core.options.baseUrl,
      apiVersion: request.apiVersion,
      envelope: flex.envelope,
      request: { method: flex.method, path: flex.path },
    });
  }

  /** The Flex call through the shim's client, its answer (or Atlas's `ApiError`) as the HTTP answer the caller reads. */
  async #flexCall(target: PathParams, flex: ReturnType<typeof flexRequestFor>, via: CallerTransport | undefined): Promise<Answer> {
    try {
      const { status, body } = await this.#context.core.client.call({
        operationId: flex.operationId,
        params: target,
        query: flex.search === '' ? undefined : Object.fromEntries(new URLSearchParams(flex.search)),
        body: flex.body,
        signal: this.#controller.signal,
        // A download names its snapshot as a string, or there is nothing to match a job against (and Atlas refuses such a body with a 400, which created nothing).
        adopt: flex.method === 'POST' && flex.snapshotId !== undefined ? { snapshotId: flex.snapshotId } : undefined,
        via,
      });
      return { status, statusMessage: STATUS_CODES[status], headers: { 'content-type': FLEX_MEDIA_TYPE }, body: Buffer.from(JSON.stringify(body ?? null), 'utf8') };
    } catch (error) {
      // An ApiError answer is the caller's to read, as the tenant endpoint's would have been.
      if (error instanceof AtlasApiError && error.errorCode !== undefined) return apiErrorAnswer(error);
      throw error;
    }
  }

  #decorate(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    return this.#notice === undefined ? headers : withDeprecationHeaders(headers, this.#notice);
  }

  /**
   * Hands a complete answer to the caller's handler as undici would: headers, the body in
   * one chunk, the end. The body is already in memory, so a pause the caller asks for has
   * nothing left to hold back (undici's own MockAgent answers the same way); an abort in
   * between stops the delivery.
   */
  #deliver(answer: Answer): void {
    if (this.#finished) return;
    this.#finished = true;
    const handler = this.#handler;
    const controller = this.#controller;
    controller.target = null;
    handler.onResponseStart?.(controller, answer.status, this.#decorate(answer.headers), answer.statusMessage);
    if (controller.aborted) return;
    if (answer.body.length > 0) handler.onResponseData?.(controller, answer.body);
    if (controller.aborted) return;
    handler.onResponseEnd?.(controller, {});
  }

  #fail(error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#handler.onResponseError?.(this.#controller, error);
  }
}

/**
 * The `ApiError` envelope again, from the fields the client kept (it does not keep the
 * raw body: `badRequestDetail`, if Atlas sent one, is lost on this path).
 */
function apiErrorAnswer(error: AtlasApiError): Answer {
  const envelope: Record<string, unknown> = { error: error.status, errorCode: error.errorCode };
  if (error.detail !== undefined) envelope.detail = error.detail;
  if (error.parameters !== undefined) envelope.parameters = error.parameters;
  if (error.reason !== undefined) envelope.reason = error.reason;
  const body = Buffer.from(JSON.stringify(envelope), 'utf8');
  return {
    status: error.status,
    statusMessage: STATUS_CODES[error.status],
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

