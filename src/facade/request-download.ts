import type { AtlasClient } from '../atlas/atlas-client.js';
import { downloadOperations } from '../atlas/download-operations.js';
import { AtlasApiError } from '../errors/atlas-api-error.js';
import type { DownloadAdoptedEvent } from '../events/shim-event.js';
import { contradictionReason } from '../policy/contradiction.js';
import type { Route } from '../policy/types.js';
import { adoptingLookup } from './download-adoption.js';
import { withFallback, type RouteDecision } from './route-decision.js';

/** What the download POST needs beyond the decision. */
export interface DownloadRequest {
  readonly snapshotId: string;
  readonly targetDeploymentItemName: string;
  readonly signal?: AbortSignal | undefined;
  /** Jobs an ambiguous failure must not be resolved to (the job whose URL a renewal replaces). */
  readonly excludeJobIds?: readonly string[] | undefined;
}

/** The job body Atlas answered, the route that answered it, and the final decision. */
export interface RequestedDownload {
  /** The restore job, as Atlas sent it (or as the look-up found it). */
  readonly body: unknown;
  /** The decision after any fallback: its `route` is the one that answered. */
  readonly decision: RouteDecision;
  /**
   * When the POST failed ambiguously and `body` is the job it created, found among the
   * route's restore jobs: the `download-adopted` event for the caller to emit. Undefined
   * when Atlas answered the POST itself.
   */
  readonly adoption: DownloadAdoptedEvent | undefined;
}

/**
 * Called before a fallback to `to`: may veto it by throwing (a dedicated cluster), or
 * return nothing to let it proceed.
 */
export type BeforeFallback = (to: Route, refusal: AtlasApiError) => Promise<void>;

/**
 * Sends the download POST on the decided route. When Atlas contradicts the decision with
 * a refusal that cannot have created a job, tries the other route once (never more) and
 * records the fallback in the decision. If the other route refuses as well because the
 * cluster is not its kind either, the first refusal is the one thrown: it says more.
 *
 * The POST creates a job, so it is never simply sent again: after a failure that may have
 * created one (the connection broke after sending, a 5xx, a success whose body was
 * unusable) the route's restore jobs are listed, and a recent job for the same snapshot is
 * adopted as the answer (and `adoption` says so). Only when there is none is the POST sent
 * again, within the retry policy's bounds. No path creates a second job.
 */
export async function requestDownload(
  client: AtlasClient,
  decision: RouteDecision,
  request: DownloadRequest,
  beforeFallback: BeforeFallback,
): Promise<RequestedDownload> {
  try {
    return await post(client, decision.route, decision, request);
  } catch (error) {
    const to = decision.fallbackRoute;
    if (!(error instanceof AtlasApiError) || to === undefined) throw error;
    const reason = contradictionReason(decision.route, error);
    if (reason === undefined) throw error;
    await beforeFallback(to, error);
    const fallenBack = withFallback(decision, { from: decision.route, to, reason, status: error.status, errorCode: error.errorCode });
    try {
      return await post(client, to, fallenBack, request);
    } catch (second) {
      if (second instanceof AtlasApiError && contradictionReason(to, second) !== undefined) throw error;
      throw second;
    }
  }
}

async function post(
  client: AtlasClient,
  route: Route,
  decision: RouteDecision,
  request: DownloadRequest,
): Promise<RequestedDownload> {
  const operations = downloadOperations[route];
  const lookup = { route, groupId: decision.groupId, clusterName: decision.clusterName, snapshotId: request.snapshotId, excludeJobIds: request.excludeJobIds };
  let adoption: DownloadAdoptedEvent | undefined;
  const { body } = await client.call({
    method: 'POST',
    path: operations.requestPath(decision.groupId, decision.clusterName),
    mediaType: operations.mediaType,
    body: operations.requestBody(request.snapshotId, request.targetDeploymentItemName),
    signal: request.signal,
    findCreated: adoptingLookup(client, lookup, (event) => {
      adoption = event;
    }),
  });
  return { body, decision, adoption };
}
