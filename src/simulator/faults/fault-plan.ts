import { armFault, resolveRandomFaults, type ArmedFault, type ResolvedFault, type ResolvedRandomFaults } from './resolve-fault.js';
import type { SimulatorFault, SimulatorFaultKind, SimulatorRandomFaults } from './types.js';

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
function faultApplies(kind: SimulatorFaultKind, request: FaultedRequest): boolean {
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

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same
 * sequence in every run, so a soak run with random faults can be repeated exactly.
 * Not for anything secret.
 *
 * @returns a function drawing numbers in [0, 1).
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SERVER_ERRORS = [500, 502, 503, 504] as const;

/**
 * The fault of a kind the random mode injects, its variable parts drawn from `draw`: the
 * form of `Retry-After`, the server error's status, whether the operation ran first. Short
 * waits (latency 100 ms, `Retry-After: 1`, a drip of 8 pieces 10 ms apart) keep a long
 * soak run short. Pure given `draw`.
 */
function randomFault(kind: SimulatorFaultKind, draw: () => number): ResolvedFault {
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

function matches(armed: ArmedFault, request: FaultedRequest): boolean {
  const { operationId, pathPrefix, method } = armed.filter;
  if (operationId !== undefined && operationId !== request.operationId) return false;
  if (pathPrefix !== undefined && !request.path.startsWith(pathPrefix)) return false;
  if (method !== undefined && method !== request.method) return false;
  return faultApplies(armed.fault.kind, request);
}

/**
 * Which fault, if any, the next request gets: injected faults first, in the order they were
 * armed, then a random one when random faults are on. Taking a fault uses it up.
 */
export class FaultPlan {
  #armed: ArmedFault[] = [];
  #random: { readonly options: ResolvedRandomFaults; readonly draw: () => number } | undefined;

  /** @param random the `faults` option, already checked. */
  constructor(random: ResolvedRandomFaults | undefined) {
    this.#setRandom(random);
  }

  /** Arms a fault. @throws TypeError for a malformed fault. */
  inject(fault: SimulatorFault): void {
    this.#armed.push(armFault(fault));
  }

  /** Disarms the injected faults. */
  clear(): void {
    this.#armed = [];
  }

  /** Turns random faults on (a fresh generator from the seed) or off. @throws TypeError for malformed options. */
  random(options: SimulatorRandomFaults | undefined): void {
    this.#setRandom(resolveRandomFaults('faults.random', options));
  }

  /** Requests the injected faults will still hit. */
  get pending(): number {
    return this.#armed.reduce((sum, armed) => sum + armed.remaining, 0);
  }

  /** The fault for this request, used up; undefined for none. */
  take(request: FaultedRequest): ResolvedFault | undefined {
    const armed = this.#armed.find((candidate) => matches(candidate, request));
    if (armed !== undefined) {
      armed.remaining -= 1;
      if (armed.remaining <= 0) this.#armed = this.#armed.filter((candidate) => candidate !== armed);
      return armed.fault;
    }
    return this.#takeRandom(request);
  }

  #takeRandom(request: FaultedRequest): ResolvedFault | undefined {
    const random = this.#random;
    // The token endpoint is left alone: a service-account soak would otherwise measure token fetches.
    if (random === undefined || request.target === 'oauth' || request.target === 'other') return undefined;
    if (random.draw() >= random.options.rate) return undefined;
    const kinds = random.options.kinds.filter((kind) => faultApplies(kind, request));
    const kind = kinds[Math.floor(random.draw() * kinds.length)];
    return kind === undefined ? undefined : randomFault(kind, random.draw);
  }

  #setRandom(options: ResolvedRandomFaults | undefined): void {
    this.#random = options === undefined ? undefined : { options, draw: seededRandom(options.seed) };
  }
}
