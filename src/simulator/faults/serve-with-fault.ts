import { setTimeout as sleep } from 'node:timers/promises';
import { BODY_LIMIT_BYTES, readBody, type Exchange } from '../exchange.js';
import type { SimulatorState } from '../state.js';
import { sendExpiredUrl, sendRateLimited, sendServerError, sendStaleNonce } from './fault-answers.js';
import type { FaultedRequest } from './fault-plan.js';
import type { ResolvedFault } from './resolve-fault.js';

/** Waits `ms`, or less if the client hangs up; true when the client is still there. */
async function pause(exchange: Exchange, ms: number): Promise<boolean> {
  const socket = exchange.req.socket;
  if (socket.destroyed) return false;
  const controller = new AbortController();
  const onClose = (): void => controller.abort();
  socket.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    socket.off('close', onClose);
  }
}

/**
 * Serves a request with its fault. Faults that replace the whole exchange (a 429, a server
 * error, a reset, a stale nonce, an expired URL) answer here without serving; `processed`
 * server errors and resets, and every body fault, let `serve` run and change its answer
 * (through `exchange.responseFault`); latency delays `serve`, and skips it when the client
 * has gone meanwhile, as a proxy that never forwarded the request.
 */
export async function serveWithFault(
  state: SimulatorState,
  exchange: Exchange,
  request: FaultedRequest,
  fault: ResolvedFault,
  serve: () => Promise<void>,
): Promise<void> {
  exchange.fault = fault.kind;
  // A faulted request is logged under its operation even when the fault answers before the router runs.
  exchange.operationId = request.operationId;
  // "processed" only means something where an operation runs: the Atlas API.
  const runsFirst = request.target === 'atlas';
  switch (fault.kind) {
    case 'latency':
      if (await pause(exchange, fault.delayMs)) await serve();
      else exchange.logUnanswered();
      return;
    case 'rate-limit':
      sendRateLimited(exchange, fault);
      return;
    case 'server-error':
      if (fault.processed && runsFirst) break;
      sendServerError(exchange, fault, request.target);
      return;
    case 'reset-after-request':
      if (fault.processed && runsFirst) break;
      // Read whole (bounded) first, so the reset comes after the request was received.
      await readBody(exchange.req, BODY_LIMIT_BYTES);
      exchange.reset();
      return;
    case 'stale-nonce':
      sendStaleNonce(state, exchange);
      return;
    case 'expired-url':
      sendExpiredUrl(exchange);
      return;
    default:
      break;
  }
  exchange.responseFault = fault;
  await serve();
}
