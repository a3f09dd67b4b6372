import type { AtlasClient } from '../atlas/atlas-client.js';
import { ATLAS_ERROR_CODES, type Route } from '../atlas/operations.js';
import { AtlasApiError } from '../errors/atlas-errors.js';
import { UnsupportedClusterError } from '../errors/route-errors.js';
import { toError, ValidationError } from '../errors/shim-error.js';
import type { DecisionPurpose } from '../observability/channels.js';
import type { ShimObserver } from '../observability/observer.js';
import { abortable } from '../abortable.js';
import { describeValue, type ClusterTarget } from '../validation.js';
import {
  classifyClusterDescription,
  contradictionReason,
  decideRoute,
  isRouteFlag,
  toRouteDecision,
  withFallback,
  type AtlasRefusal,
  type ClusterKindFinding,
  type RouteDecision,
  type RouteFlag,
} from './route-policy.js';

/** What a route flag source is asked with, once per call. */
export interface RouteFlagContext {
  /** The project (24 hex) of the call. */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The `environment` option, when given. */
  readonly environment?: string | undefined;
  /** The `appVersion` option, when given. */
  readonly appVersion?: string | undefined;
}

/** A flag source: evaluated per call, it answers the route flag for that cluster. */
export type RouteFlagSource = (context: RouteFlagContext) => RouteFlag | Promise<RouteFlag>;

/** The shim's options the router decides with, checked. */
export interface RouterOptions {
  readonly baseUrl: string;
  readonly route: RouteFlag | RouteFlagSource;
  readonly sunsetDate: Date;
  readonly now: () => Date;
  readonly allowSunsetEndpoint: boolean;
  readonly atlasForGovernment: boolean;
  readonly clusterKindTtlMs: number;
  readonly environment: string | undefined;
  readonly appVersion: string | undefined;
  readonly strictFlags: boolean;
  readonly flagTimeoutMs: number;
}

/** What a call on a route came to, and the decision after any fallback: its `route` is the one that answered. */
export interface Routed<T> {
  readonly value: T;
  readonly decision: RouteDecision;
}

/** Decides the route of each call, and follows it, falling back once when Atlas contradicts it. */
export interface Router {
  /**
   * The route decision for a cluster now: the flag (a source is evaluated), the cluster's
   * kind (cached; concurrent look-ups share one request), the policy. `purpose` is
   * `'explain'` for `explainRoute`, which sends nothing and so is no use of the tenant endpoint.
   */
  decide(target: ClusterTarget, signal: AbortSignal | undefined, purpose?: DecisionPurpose): Promise<RouteDecision>;
  /**
   * Calls `tryRoute` on the decided route. When Atlas contradicts the decision (a refusal
   * that `contradictionReason` reads as the endpoint gone or the cluster of the other
   * kind: an `AtlasApiError` thrown, or what `refusalOf` finds in the value) and the
   * decision allows a fallback, the cached cluster kind is asked again (a cluster the Flex
   * endpoint refused that turns out to be dedicated is an `UnsupportedClusterError`), a
   * `route-fallback` event reports it, and `tryRoute` is called once on the other route.
   * If that one refuses as well because the cluster is not its kind either, the first
   * refusal is the outcome: it says more. Never a third try.
   */
  followRoute<T>(
    decision: RouteDecision,
    signal: AbortSignal | undefined,
    tryRoute: (route: Route) => Promise<T>,
    refusalOf?: (value: T) => AtlasRefusal | undefined,
  ): Promise<Routed<T>>;
}

/** Creates the router of one shim: its client asks Atlas the cluster kinds, its observer hears the decisions. */
export function createRouter(options: RouterOptions, client: AtlasClient, observer: ShimObserver): Router {
  const kinds = new ClusterKindCache(options.clusterKindTtlMs);
  // Atlas migrates shared clusters to Flex at the sunset: a kind found on one side of it says nothing of the other.
  const cacheKey = (target: ClusterTarget): string =>
    `${options.baseUrl}|${target.groupId}|${target.clusterName}|${options.now() >= options.sunsetDate ? 'after' : 'before'}-sunset`;
  // The look-up is shared by concurrent callers, so it runs without any one caller's signal.
  const kindOf = (target: ClusterTarget, signal: AbortSignal | undefined): Promise<ClusterKindFinding> =>
    abortable(kinds.get(cacheKey(target), () => resolveClusterKind(client, target, options.atlasForGovernment)), signal);
  const refreshKind = (target: ClusterTarget, signal: AbortSignal | undefined): Promise<ClusterKindFinding> => {
    kinds.forget(cacheKey(target));
    return kindOf(target, signal);
  };

  return {
    async decide(target, signal, purpose = 'call') {
      const { route } = options;
      // A static flag is the answer itself: no context to build, no promise to wait for.
      const flag =
        typeof route === 'function'
          ? await evaluateFlag(route, { ...target, environment: options.environment, appVersion: options.appVersion }, options, observer)
          : route;
      // A 'flex' flag routes every kind to the Flex endpoint: no need to ask Atlas.
      const finding: ClusterKindFinding = flag === 'flex' ? { kind: 'unknown', source: 'not-asked' } : await kindOf(target, signal);
      const policy = decideRoute(
        {
          clusterKind: finding.kind,
          now: options.now(),
          sunsetDate: options.sunsetDate,
          flag,
          allowSunsetEndpoint: options.allowSunsetEndpoint,
          atlasForGovernment: options.atlasForGovernment,
        },
        { groupId: target.groupId, clusterName: target.clusterName, instanceSize: finding.instanceSize },
      );
      const decision = toRouteDecision(policy, target, finding);
      observer.routeDecided(decision, purpose);
      return decision;
    },

    async followRoute<T>(
      decision: RouteDecision,
      signal: AbortSignal | undefined,
      tryRoute: (route: Route) => Promise<T>,
      refusalOf: (value: T) => AtlasRefusal | undefined = () => undefined,
    ): Promise<Routed<T>> {
      let first: Settled<T>;
      try {
        const value = await tryRoute(decision.route);
        // The usual case: an answer that refuses nothing.
        if (refusalOf(value) === undefined) return { value, decision };
        first = { ok: true, value };
      } catch (error) {
        first = { ok: false, error };
      }
      return fallBack(decision, signal, first, tryRoute, refusalOf);
    },
  };

  /** The rest of `followRoute`, once the first try came back with an error or a refusal. */
  async function fallBack<T>(
    decision: RouteDecision,
    signal: AbortSignal | undefined,
    first: Settled<T>,
    tryRoute: (route: Route) => Promise<T>,
    refusalOf: (value: T) => AtlasRefusal | undefined,
  ): Promise<Routed<T>> {
    const refusal = refusalIn(first, refusalOf);
    const to = decision.fallbackRoute;
    const reason = refusal === undefined || to === undefined ? undefined : contradictionReason(decision.route, refusal);
    if (reason === undefined || refusal === undefined || to === undefined) return outcome(first, decision);

    if (to === 'tenant') {
      // The Flex endpoint says the cluster is not Flex: make sure it is not a dedicated one before the tenant endpoint is asked.
      const finding = await refreshKind(decision, signal);
      if (finding.kind === 'dedicated') throw new UnsupportedClusterError(decision.groupId, decision.clusterName, finding.instanceSize);
    } else if (decision.clusterKind !== 'flex') {
      // The cached kind was wrong: the next call should not pay for it again. A known Flex
      // cluster refused by the tenant endpoint is no news (the 'tenant' flag tries it first by
      // design), and a failed look-up does not stop the fallback.
      await refreshKind(decision, signal).catch(() => undefined);
    }
    const fallenBack = withFallback(decision, { from: decision.route, to, reason, status: refusal.status, errorCode: refusal.errorCode });
    observer.emit({ type: 'route-fallback', decision: fallenBack });
    const second = await settle(tryRoute(to));
    const secondRefusal = refusalIn(second, refusalOf);
    if (secondRefusal !== undefined && contradictionReason(to, secondRefusal) !== undefined) return outcome(first, decision);
    return outcome(second, fallenBack);
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Atlas's refusal in a try's outcome: an `AtlasApiError` it threw, or the refusal its value carries. */
function refusalIn<T>(settled: Settled<T>, refusalOf: (value: T) => AtlasRefusal | undefined): AtlasRefusal | undefined {
  if (settled.ok) return refusalOf(settled.value);
  return settled.error instanceof AtlasApiError ? settled.error : undefined;
}

function outcome<T>(settled: Settled<T>, decision: RouteDecision): Routed<T> {
  if (!settled.ok) throw settled.error;
  return { value: settled.value, decision };
}

const TIMED_OUT = Symbol('timed out');

/**
 * The flag source's answer for one call. A flag never routes silently: an answer that is
 * not a route flag routes as `auto` and is reported (or, with `strictFlags`, is a
 * `ValidationError`); a source that throws or does not answer within `flagTimeoutMs`
 * routes as `auto` and is reported.
 */
async function evaluateFlag(
  source: RouteFlagSource,
  context: RouteFlagContext,
  how: { readonly strictFlags: boolean; readonly flagTimeoutMs: number },
  observer: ShimObserver,
): Promise<RouteFlag> {
  const target = { groupId: context.groupId, clusterName: context.clusterName };
  let timer: NodeJS.Timeout | undefined;
  let value: unknown;
  try {
    value = await Promise.race([
      Promise.resolve().then(() => source(context)),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), how.flagTimeoutMs);
      }),
    ]);
  } catch (error) {
    observer.emit({ type: 'flag-failed', ...target, reason: 'threw', message: toError(error).message, usedFlag: 'auto' });
    return 'auto';
  } finally {
    clearTimeout(timer);
  }
  if (value === TIMED_OUT) {
    observer.emit({ type: 'flag-failed', ...target, reason: 'timeout', message: `no answer within ${how.flagTimeoutMs} ms`, usedFlag: 'auto' });
    return 'auto';
  }
  if (isRouteFlag(value)) return value;
  if (how.strictFlags) throw new ValidationError('route flag', "'auto', 'tenant' or 'flex'", describeValue(value));
  observer.emit({ type: 'flag-invalid', ...target, received: describeValue(value), usedFlag: 'auto' });
  return 'auto';
}

/**
 * Asks Atlas what kind of cluster `target` is: `getCluster` first (it answers shared,
 * dedicated and migrated Flex clusters, and refuses native Flex ones with
 * `CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`), then `getFlexCluster` when that did not tell
 * (never on Atlas for Government, which has no Flex API).
 *
 * @throws {AtlasApiError} when the credentials are refused (401), or when neither operation
 *   knows the cluster (404 from both): there is nothing to download.
 */
async function resolveClusterKind(client: AtlasClient, target: ClusterTarget, atlasForGovernment: boolean): Promise<ClusterKindFinding> {
  let clusterNotFound: AtlasApiError | undefined;
  try {
    const { body } = await client.call({ operationId: 'getCluster', params: target });
    const finding = classifyClusterDescription(body);
    if (finding.kind !== 'unknown') return finding;
  } catch (error) {
    // A refused credential says nothing about the kind and must not be guessed past.
    if (!(error instanceof AtlasApiError) || error.status === 401) throw error;
    if (error.errorCode === ATLAS_ERROR_CODES.flexInClusterApi) return { kind: 'flex', source: 'getCluster' };
    if (error.status === 404) clusterNotFound = error;
  }
  if (atlasForGovernment) {
    if (clusterNotFound) throw clusterNotFound;
    return { kind: 'unknown', source: 'not-told' };
  }
  try {
    await client.call({ operationId: 'getFlexCluster', params: target });
    return { kind: 'flex', source: 'getFlexCluster' };
  } catch (error) {
    if (!(error instanceof AtlasApiError) || error.status === 401) throw error;
    // Not Flex, and getCluster could not say which other kind: leave it to the policy.
    if (error.errorCode === ATLAS_ERROR_CODES.nonFlexInFlexApi) return { kind: 'unknown', source: 'not-told' };
    if (error.status === 404 && clusterNotFound) throw clusterNotFound;
    return { kind: 'unknown', source: 'not-told' };
  }
}

/**
 * Remembers resolved cluster kinds for `ttlMs`, and makes concurrent look-ups of the same
 * cluster share one request. Failures are not remembered.
 */
export class ClusterKindCache {
  readonly #ttlMs: number;
  readonly #now: () => number;
  // A look-up's promise, kept until its finding expires: a cached kind is awaited as any other, without a new promise per call.
  readonly #entries = new Map<string, { readonly finding: Promise<ClusterKindFinding>; expiresAt: number }>();

  /**
   * @param ttlMs how long a finding is kept; 0 keeps none (concurrent calls still share one look-up).
   * @param now monotonic-enough clock in milliseconds. Default `Date.now`.
   */
  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached finding for `key`, or the result of `lookup` (shared by concurrent callers). */
  get(key: string, lookup: () => Promise<ClusterKindFinding>): Promise<ClusterKindFinding> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.#now()) return entry.finding;
    // In flight until it settles (no expiry yet); then kept for ttlMs, or dropped at once when it failed or ttlMs is 0.
    const pending = { finding: lookup(), expiresAt: Number.POSITIVE_INFINITY };
    this.#entries.set(key, pending);
    pending.finding.then(
      () => {
        if (this.#entries.get(key) !== pending) return;
        if (this.#ttlMs > 0) pending.expiresAt = this.#now() + this.#ttlMs;
        else this.#entries.delete(key);
      },
      () => {
        if (this.#entries.get(key) === pending) this.#entries.delete(key);
      },
    );
    return pending.finding;
  }

  /**
   * Forgets the finding of `key`, so the next call asks Atlas again (after Atlas
   * contradicted it). A look-up still in flight is kept: concurrent refreshes share it.
   */
  forget(key: string): void {
    if (this.#entries.get(key)?.expiresAt !== Number.POSITIVE_INFINITY) this.#entries.delete(key);
  }
}
