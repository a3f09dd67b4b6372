import type { ResolvedFault } from './resolve-fault.js';
import type { SimulatorFaultKind } from './types.js';

const SERVER_ERRORS = [500, 502, 503, 504] as const;

/**
 * The fault of a kind the random mode injects, its variable parts drawn from `draw`: the
 * form of `Retry-After`, the server error's status, whether the operation ran first. Short
 * waits (latency 100 ms, `Retry-After: 1`, a drip of 8 pieces 10 ms apart) keep a long
 * soak run short. Pure given `draw`.
 */
export function randomFault(kind: SimulatorFaultKind, draw: () => number): ResolvedFault {
  switch (kind) {
    case 'latency':
      return { kind, delayMs: 100 };
    case 'rate-limit':
      return { kind, retryAfterSeconds: 1, retryAfterForm: draw() < 0.5 ? 'delta-seconds' : 'http-date' };
    case 'server-error':
      return { kind, status: SERVER_ERRORS[Math.floor(draw() * SERVER_ERRORS.length)] ?? 503, retryAfterSeconds: undefined, processed: draw() < 0.5 };
    case 'reset-after-request':
      return { kind, processed: draw() < 0.5 };
    case 'reset-mid-body':
    case 'truncated-body':
      return { kind, afterBytes: undefined };
    case 'wrong-content-type':
      return { kind, contentType: 'text/html; charset=utf-8' };
    case 'slow-drip':
      return { kind, pieces: 8, intervalMs: 10 };
    case 'malformed-json':
    case 'expired-url':
    case 'stale-nonce':
      return { kind };
  }
}
