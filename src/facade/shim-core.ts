import type { AtlasAnswer } from '../atlas/atlas-answer.js';
import { createAtlasClient, readEveryPage, type AtlasClient } from '../atlas/atlas-client.js';
import { operationFor, type Route } from '../atlas/operations.js';
import { NoCompletedSnapshotError } from '../errors/download-errors.js';
import { latestCompleted, newestFirst, normalizeSnapshot } from '../model/normalize.js';
import type { SnapshotSummary } from '../model/snapshot-download.js';
import { createShimObserver, type ShimObserver } from '../observability/observer.js';
import { createRouter, type Routed, type Router } from '../routing/router.js';
import type { ClusterTarget } from '../validation.js';
import { VERSION } from '../version.js';
import { resolveShimOptions, type ResolvedShimOptions, type SnapshotShimOptions } from './shim-options.js';

/** What the facade and the drop-in adapters share: the checked options, the Atlas client, the router and the observer. */
export interface ShimCore {
  readonly options: ResolvedShimOptions;
  readonly client: AtlasClient;
  readonly router: Router;
  readonly observer: ShimObserver;
  /** Releases the connections the client opened. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the shared core. Options are validated here: a wrong one throws a
 * `ValidationError` naming it, before anything is sent.
 */
export function createShimCore(options: SnapshotShimOptions): ShimCore {
  const resolved = resolveShimOptions(options);
  const observer = createShimObserver(resolved);
  const client = createAtlasClient({
    baseUrl: resolved.baseUrl,
    credentials: resolved.credentials,
    dispatcher: resolved.dispatcher,
    userAgent: `atlas-snapshot-shim/${VERSION} node/${process.versions.node}${resolved.userAgent ? ` ${resolved.userAgent}` : ''}`,
    timeouts: resolved.timeouts,
    retry: resolved.retry,
    clock: resolved.clock,
    observer,
  });
  return { options: resolved, client, router: createRouter(resolved, client, observer), observer, close: () => client.close() };
}

/** A download request, checked: the snapshot and the tenant body's target, the caller's signal, and jobs never to adopt. */
export interface DownloadRequest {
  readonly snapshotId: string;
  /** The tenant route's required `targetDeploymentItemName`: for a download, the source cluster itself. */
  readonly targetDeploymentItemName: string;
  readonly signal?: AbortSignal | undefined;
  /** Jobs an ambiguous failure must not be resolved to (the job whose URL a renewal replaces). */
  readonly excludeJobIds?: readonly string[] | undefined;
}

/**
 * Requests a download of one snapshot on the route decided for the cluster, falling back
 * once when Atlas contradicts the decision (see `Router.followRoute`). The POST creates a
 * job, so it is never simply sent again: after an ambiguous failure the job it may have
 * created is looked for and adopted (see `AtlasCall.adopt`). Resolves with Atlas's answer
 * and the decision after any fallback, whose `route` answered.
 */
export function requestDownload(core: ShimCore, target: ClusterTarget, request: DownloadRequest): Promise<Routed<AtlasAnswer>> {
  const { snapshotId, targetDeploymentItemName, signal } = request;
  const post = (route: Route): Promise<AtlasAnswer> =>
    core.client.call({
      operationId: operationFor(route, 'download'),
      params: target,
      // TenantRestore requires both fields; the Flex body has snapshotId only.
      body: route === 'tenant' ? { snapshotId, targetDeploymentItemName } : { snapshotId },
      signal,
      adopt: { snapshotId, excludeJobIds: request.excludeJobIds },
    });
  return core.router.decide(target, signal).then((decision) => core.router.followRoute(decision, signal, post));
}

/** A cluster's snapshots, newest first, and the endpoint family that listed them. */
export interface SnapshotList {
  readonly route: Route;
  readonly snapshots: readonly SnapshotSummary[];
}

/**
 * Every snapshot of a cluster, newest first: the snapshot list of the route decided for the
 * cluster (the tenant list for a shared cluster before the sunset, the Flex list otherwise),
 * every page read, with the same one fallback as a download when Atlas contradicts the
 * route. `route` (and each summary's) is the family that answered.
 */
export async function listSnapshots(core: ShimCore, target: ClusterTarget, signal: AbortSignal | undefined): Promise<SnapshotList> {
  const decision = await core.router.decide(target, signal);
  const { value: items, decision: answered } = await core.router.followRoute(decision, signal, (route) =>
    readEveryPage(core.client, { operationId: operationFor(route, 'listSnapshots'), params: target, signal }),
  );
  return { route: answered.route, snapshots: newestFirst(items.map((item) => normalizeSnapshot(answered.route, item))) };
}

/**
 * The newest `COMPLETED` snapshot of a cluster: what `snapshotId: 'latest'` downloads.
 *
 * @throws {NoCompletedSnapshotError} when the cluster has none.
 */
export async function latestSnapshot(core: ShimCore, target: ClusterTarget, signal: AbortSignal | undefined): Promise<SnapshotSummary & { readonly snapshotId: string }> {
  return latestOf(target, await listSnapshots(core, target, signal));
}

/**
 * The newest `COMPLETED` snapshot of a cluster's list, as `'latest'` picks it. Pure.
 *
 * @throws {NoCompletedSnapshotError} when the list has none, naming the `route` that listed it.
 */
export function latestOf(target: ClusterTarget, list: SnapshotList): SnapshotSummary & { readonly snapshotId: string } {
  const latest = latestCompleted(list.snapshots);
  if (latest?.snapshotId === undefined) throw new NoCompletedSnapshotError(target.groupId, target.clusterName, list.route, list.snapshots.length);
  return { ...latest, snapshotId: latest.snapshotId };
}
