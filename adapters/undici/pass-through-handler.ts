import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { ForwardingController } from '../../src/http/forwarding-controller.js';
import type { Answer } from './synthetic-response.js';

/**
 * Statuses with which Atlas may contradict a route (see `contradictionReason`): a removed
 * endpoint (404, 410), a removed version (406), a cluster of the other kind (400 with its
 * errorCode). Only these are held back to be read; every other answer streams through.
 */
const REFUSAL_STATUSES = new Set([400, 404, 406, 410]);

/** What the pass-through handler reports to the tenant call. */
export interface PassThroughHooks {
  /** The caller's handler. */
  readonly handler: Dispatcher.DispatchHandler;
  /** The caller's controller; each attempt below becomes its target. */
  readonly controller: ForwardingController;
  /** Adds the deprecation headers (or returns the headers as they are, when they are off). */
  readonly decorate: (headers: IncomingHttpHeaders) => IncomingHttpHeaders;
  /**
   * When given, an answer with a refusal status is held back, read whole and handed here
   * instead of to the caller, who then gets whatever this decides (a fallback's answer,
   * or this one).
   */
  readonly onRefusal: ((answer: Answer) => void) | undefined;
  /** The request is over (forwarded to its end): nothing else may reach the caller. */
  readonly onEnd: () => void;
  /** The request failed below the shim. */
  readonly onError: (error: Error) => void;
}

/**
 * The handler for a tenant request that goes to Atlas as the caller sent it: every event
 * is forwarded to the caller's handler under the caller's controller, the response
 * headers gain the deprecation notice, and a refusal that may mean the route was wrong is
 * held back for the fallback decision.
 */
export function passThroughHandler(hooks: PassThroughHooks): Dispatcher.DispatchHandler {
  const { handler, controller } = hooks;
  let held: { status: number; statusMessage: string | undefined; headers: IncomingHttpHeaders; chunks: Buffer[] } | undefined;
  return {
    onRequestStart(attempt) {
      // The caller's handler was started once, by the tenant call; it only learns of the new attempt through its controller.
      controller.target = attempt;
    },
    onRequestUpgrade(_attempt, statusCode, headers, socket) {
      handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
    },
    onResponseStart(_attempt, statusCode, headers, statusMessage) {
      if (statusCode < 200) {
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
        return;
      }
      if (hooks.onRefusal !== undefined && REFUSAL_STATUSES.has(statusCode)) {
        held = { status: statusCode, statusMessage, headers, chunks: [] };
        return;
      }
      handler.onResponseStart?.(controller, statusCode, hooks.decorate(headers), statusMessage);
    },
    onResponseData(_attempt, chunk) {
      if (held) held.chunks.push(chunk);
      else handler.onResponseData?.(controller, chunk);
    },
    onResponseEnd(_attempt, trailers) {
      controller.target = null;
      if (held && hooks.onRefusal) {
        const { status, statusMessage, headers, chunks } = held;
        held = undefined;
        hooks.onRefusal({ status, statusMessage, headers, body: Buffer.concat(chunks) });
        return;
      }
      hooks.onEnd();
      handler.onResponseEnd?.(controller, trailers);
    },
    onResponseError(_attempt, error) {
      controller.target = null;
      hooks.onError(error);
    },
  };
}
