import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { UnsupportedClusterError } from '../../src/errors/unsupported-cluster-error.js';
import { withFallback, type RouteDecision } from '../../src/facade/route-decision.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { contradictionReason } from '../../src/policy/contradiction.js';
import type { Route } from '../../src/policy/types.js';
import { apiErrorCodeOf } from './answer-body.js';
import { ForwardingController } from '../../src/http/forwarding-controller.js';
import { deprecationNotice, withDeprecationHeaders, type DeprecationNotice } from './deprecation-headers.js';
import { exchangeWithFlex } from './flex-exchange.js';
import { flexTwins } from './flex-twin.js';
import { toLegacyAnswer } from './legacy-answer.js';
import { passThroughHandler } from './pass-through-handler.js';
import { readRequestBody } from './request-body.js';
import { flexRequestFor } from './rewrite.js';
import { deliverAnswer, type Answer } from './synthetic-response.js';
import { parseTenantTarget, type TenantRequest, type TenantTarget } from './tenant-request.js';

/** What every tenant call of one interceptor shares. */
export interface TenantCallContext {
  readonly core: ShimCore;
  /** The dispatch the interceptor wraps. */
  readonly dispatch: Dispatcher.Dispatch;
  readonly deprecationHeaders: boolean;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

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
    this.#run().catch((error: unknown) => this.#fail(asError(error)));
  }

  async #run(): Promise<void> {
    const { core } = this.#context;
    const target = parseTenantTarget(this.#request);
    if (this.#context.deprecationHeaders) {
      const successor = `${core.options.baseUrl}${flexTwins[this.#request.operationId].path(target)}`;
      this.#notice = deprecationNotice(core.options.sunsetDate, successor);
    }
    // The download body is read once and kept: the Flex body is built from it, and a fallback may send it again.
    const body = this.#request.method === 'POST' ? await readRequestBody(this.#opts.body) : undefined;
    const decision = await core.decide(target, this.#controller.signal);
    if (this.#finished) return;
    if (decision.route === 'tenant') {
      const onRefusal = decision.fallbackRoute === 'flex' ? (refusal: Answer) => this.#afterTenantRefusal(decision, target, body, refusal) : undefined;
      this.#passThrough(body, onRefusal);
    } else {
      await this.#serveFlex(decision, target, body);
    }
  }

  #passThrough(body: Buffer | undefined, onRefusal: ((refusal: Answer) => void) | undefined): void {
    const opts = body === undefined ? this.#opts : { ...this.#opts, body };
    const handler = passThroughHandler({
      handler: this.#handler,
      controller: this.#controller,
      decorate: (headers) => this.#decorate(headers),
      onRefusal,
      onEnd: () => {
        this.#finished = true;
      },
      onError: (error) => this.#fail(error),
    });
    try {
      this.#context.dispatch(opts, handler);
    } catch (error) {
      this.#fail(asError(error));
    }
  }

  /** The Flex answer in the tenant shape; reports the rewrite first, so a failed one is reported too. */
  async #viaFlex(target: TenantTarget, body: Buffer | undefined): Promise<Answer> {
    const { core, dispatch } = this.#context;
    const request = this.#request;
    const flex = flexRequestFor(request, target, body);
    core.emit({ type: 'legacy-rewrite', operationId: request.operationId, method: request.method, fromPath: request.path, toPath: flex.path, route: 'flex' });
    const answer = await exchangeWithFlex({
      client: core.client,
      dispatch,
      opts: this.#opts,
      flex,
      controller: this.#controller,
      target,
      onAdopted: (event) => core.emit(event),
    });
    return toLegacyAnswer(answer, {
      twin: flex.twin,
      context: { clusterName: target.clusterName, snapshotId: flex.snapshotId },
      origin: core.options.baseUrl,
      request: { method: flex.method, path: flex.path },
    });
  }

  async #serveFlex(decision: RouteDecision, target: TenantTarget, body: Buffer | undefined): Promise<void> {
    const answer = await this.#viaFlex(target, body);
    const reason = decision.fallbackRoute === 'tenant' ? contradiction('flex', answer) : undefined;
    if (reason === undefined) return this.#deliver(answer);
    // Flex refused the cluster as not its kind, before the sunset: the tenant endpoint may serve it, once.
    const { core } = this.#context;
    const finding = await core.refreshKind(target, this.#controller.signal);
    if (finding.kind === 'dedicated') throw new UnsupportedClusterError(target.groupId, target.clusterName, finding.instanceSize);
    core.emit({
      type: 'route-fallback',
      decision: withFallback(decision, { from: 'flex', to: 'tenant', reason: reason.text, status: answer.status, errorCode: reason.errorCode }),
    });
    // The tenant endpoint refusing the cluster as well: the first refusal says more, and there is no third try.
    this.#passThrough(body, (refusal) => this.#deliver(contradiction('tenant', refusal) === undefined ? refusal : answer));
  }

  #afterTenantRefusal(decision: RouteDecision, target: TenantTarget, body: Buffer | undefined, refusal: Answer): void {
    const reason = contradiction('tenant', refusal);
    if (reason === undefined) return this.#deliver(refusal);
    const { core } = this.#context;
    const fallBack = async (): Promise<void> => {
      // The cached kind was wrong: the next request should not pay for it again. A failed look-up does not stop the fallback.
      await core.refreshKind(target, this.#controller.signal).catch(() => undefined);
      core.emit({
        type: 'route-fallback',
        decision: withFallback(decision, { from: 'tenant', to: 'flex', reason: reason.text, status: refusal.status, errorCode: reason.errorCode }),
      });
      const answer = await this.#viaFlex(target, body);
      // Flex refusing the cluster as well: the tenant endpoint's refusal is the one to show, never a third try.
      this.#deliver(contradiction('flex', answer) === undefined ? answer : refusal);
    };
    fallBack().catch((error: unknown) => this.#fail(asError(error)));
  }

  #decorate(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    return this.#notice === undefined ? headers : withDeprecationHeaders(headers, this.#notice);
  }

  #deliver(answer: Answer): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#controller.target = null;
    deliverAnswer(this.#handler, this.#controller, { ...answer, headers: this.#decorate(answer.headers) });
  }

  #fail(error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#handler.onResponseError?.(this.#controller, error);
  }
}

/** Whether an answer on `route` contradicts the route decision, in words, with its errorCode. */
function contradiction(route: Route, answer: Answer): { text: string; errorCode: string | undefined } | undefined {
  if (answer.status < 400) return undefined;
  const errorCode = apiErrorCodeOf(answer);
  const text = contradictionReason(route, { status: answer.status, errorCode });
  return text === undefined ? undefined : { text, errorCode };
}
