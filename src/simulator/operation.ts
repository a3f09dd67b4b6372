import type { SimulatorState } from './state.js';

/** What a contract operation's handler gets once auth, version, path and body checks passed. */
export interface OperationContext {
  readonly state: SimulatorState;
  /** Decoded path parameters, already checked against the contract's patterns. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON object of a POST; undefined for GET. */
  readonly body: Record<string, unknown> | undefined;
  /** Atlas clock for this request, read once so one answer never straddles the sunset. */
  readonly now: Date;
  readonly afterSunset: boolean;
  /** Request path without query, for pagination links. */
  readonly pathname: string;
}

/** Returns the 200 body, or throws a `SimulatorApiError`. */
export type OperationHandler = (context: OperationContext) => unknown;

/** Reads a path parameter the route template guarantees. */
export function param(context: OperationContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) throw new Error(`route has no path parameter ${name}`);
  return value;
}
