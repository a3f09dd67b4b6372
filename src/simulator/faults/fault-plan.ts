import { faultApplies, type FaultedRequest } from './faulted-request.js';
import { randomFault } from './random-fault.js';
import { armFault, resolveRandomFaults, type ArmedFault, type ResolvedFault, type ResolvedRandomFaults } from './resolve-fault.js';
import { seededRandom } from './seeded-random.js';
import type { SimulatorFault, SimulatorRandomFaults } from './types.js';

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
