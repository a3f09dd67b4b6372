import type { SimulatorFaultKind } from './types.js';

/** What a fault needs to know of a request to decide whether it applies. */
export interface FaultedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** The contract operation the path and method match, if any. */
  readonly operationId: string | undefined;
  /** Which part of the simulator serves it. */
  readonly target: 'atlas' | 'snapshot-file' | 'oauth' | 'other';
  /** True when it carries a digest `Authorization` (a stale nonce can only be told to such a request). */
  readonly digestSigned: boolean;
}

/**
 * Whether a kind of fault makes sense for a request: an expired URL only on the snapshot
 * host, a stale nonce only on a digest-signed Atlas request, a JSON corruption only on a
 * JSON answer (not a snapshot file). Pure.
 */
export function faultApplies(kind: SimulatorFaultKind, request: FaultedRequest): boolean {
  switch (kind) {
    case 'expired-url':
      return request.target === 'snapshot-file';
    // Object storage throttles with 503 SlowDown, never 429: a 429 is the Atlas API's.
    case 'rate-limit':
      return request.target !== 'snapshot-file';
    case 'stale-nonce':
      return request.target === 'atlas' && request.digestSigned;
    case 'malformed-json':
    case 'wrong-content-type':
      return request.target !== 'snapshot-file';
    default:
      return true;
  }
}
