import { inspect, type InspectOptions } from 'node:util';
import { downloadOperations } from '../atlas/download-operations.js';
import { REDACTED } from '../errors/redact-secrets.js';
import { AtlasResponseError } from '../errors/response-error.js';
import { UnsupportedClusterError } from '../errors/unsupported-cluster-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { normalizeRestoreJob } from '../model/normalize.js';
import type { SnapshotDownload } from '../model/snapshot-download.js';
import { describeValue } from '../validation/describe-value.js';
import {
  validateArgumentObject,
  validateClusterTarget,
  validateObjectId,
  validateOptionsObject,
  validateSignal,
  validateTargetDeploymentItemName,
} from '../validation/inputs.js';
import { requestDownload } from './request-download.js';
import type { RouteDecision } from './route-decision.js';
import { createShimCore } from './shim-core.js';
import { waitForDownload, type WaitForDownloadOptions } from '../workflow/wait-for-download.js';
import type { SavedSnapshot, SaveSnapshotOptions } from '../download/save-snapshot-file.js';
import { downloadTo, saveSnapshotOf, type DownloadResult, type DownloadToInput } from './snapshot-workflow.js';
import type { SnapshotShimOptions } from './shim-options.js';

/** Arguments of {@link SnapshotShim.downloadSnapshot}. */
export interface DownloadSnapshotInput {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The snapshot to download (24 hex). */
  readonly snapshotId: string;
  /** Tenant route only: the contract's required `targetDeploymentItemName`. Default: `clusterName`. */
  readonly targetDeploymentItemName?: string;
  /** Aborts the call, including any cluster-kind look-up it waits for. */
  readonly signal?: AbortSignal;
}

/** Arguments of {@link SnapshotShim.explainRoute}. */
export interface ExplainRouteInput {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Aborts the call, including any cluster-kind look-up it waits for. */
  readonly signal?: AbortSignal;
}

/** A download job with the route decision that created it. */
export type RoutedSnapshotDownload = SnapshotDownload & {
  /** How the route was chosen, and the fallback if one happened. */
  readonly decision: RouteDecision;
};

/** The facade: one call per download, routed to the right Atlas endpoint. */
export interface SnapshotShim {
  /**
   * Requests a download of one snapshot through the endpoint the route policy picks, and
   * returns the job in the normalized model.
   */
  downloadSnapshot(input: DownloadSnapshotInput): Promise<RoutedSnapshotDownload>;
  /** The route decision `downloadSnapshot` would take now, without requesting a download. */
  explainRoute(input: ExplainRouteInput): Promise<RouteDecision>;
  /** Re-reads a job from the endpoint family that created it. */
  getDownload<T extends SnapshotDownload>(download: T, options?: { signal?: AbortSignal }): Promise<T>;
  /**
   * Polls the job through the endpoint family that created it until it is COMPLETED
   * (resolves with the job and its `snapshotUrl`) or FAILED (rejects with
   * `DownloadFailedError`). Defaults in {@link WaitForDownloadOptions}.
   */
  waitForDownload<T extends SnapshotDownload>(download: T, options?: WaitForDownloadOptions<T>): Promise<T>;
  /**
   * Streams a COMPLETED job's snapshot to a file path (through a temporary file, fsynced
   * and renamed when complete; resumable) or a Writable, and returns its path, size and
   * SHA-256. No Atlas credential is sent to the snapshot host. An expired URL is renewed
   * once by requesting the same snapshot again.
   */
  saveSnapshot(download: SnapshotDownload, destination: string | NodeJS.WritableStream, options?: SaveSnapshotOptions): Promise<SavedSnapshot>;
  /** Checks the destination, requests the download, waits for it and saves it: the common case in one call. */
  download(input: DownloadToInput): Promise<DownloadResult>;
  /** Releases the connections the shim opened. Idempotent. */
  close(): Promise<void>;
  /**
   * What the shim was configured with, for logs: origin, credential kind and its public
   * half (publicKey or clientId), route, sunset. Never the private key or client secret.
   * `util.inspect` (and `console.log`) show the same.
   */
  toJSON(): Record<string, unknown>;
}

// The shim in logs and debuggers: the configuration a reader needs, the secret half of the credentials never.
function describeShim(options: ReturnType<typeof createShimCore>['options']): Record<string, unknown> {
  const { credentials } = options;
  return {
    baseUrl: options.baseUrl,
    credentials: 'publicKey' in credentials ? { publicKey: credentials.publicKey, privateKey: REDACTED } : { clientId: credentials.clientId, clientSecret: REDACTED },
    route: typeof options.route === 'function' ? 'flag source' : options.route,
    sunsetDate: options.sunsetDate.toISOString(),
    allowSunsetEndpoint: options.allowSunsetEndpoint,
  };
}

/**
 * Creates the facade. Options are validated at once: a wrong one throws a
 * `ValidationError` naming it, before anything is sent.
 */
export function createSnapshotShim(options: SnapshotShimOptions): SnapshotShim {
  const core = createShimCore(options);
  const { client } = core;

  const shim: SnapshotShim = {
    // The second argument is internal (not in SnapshotShim): the workflow's URL renewal names the job it replaces.
    async downloadSnapshot(input, internal?: { readonly excludeJobIds?: readonly string[] }) {
      const target = validateClusterTarget(input, 'downloadSnapshot argument');
      const args = input as unknown as Record<string, unknown>;
      const snapshotId = validateObjectId('snapshotId', args.snapshotId);
      const targetDeploymentItemName =
        args.targetDeploymentItemName === undefined
          ? target.clusterName
          : validateTargetDeploymentItemName('targetDeploymentItemName', args.targetDeploymentItemName);
      const signal = validateSignal('signal', args.signal);
      signal?.throwIfAborted();

      const decision = await core.decide(target, signal);
      const requested = await requestDownload(client, decision, { snapshotId, targetDeploymentItemName, signal, excludeJobIds: internal?.excludeJobIds }, async (to) => {
        // A known Flex cluster refused by the tenant endpoint is no news (the 'tenant' flag
        // tries it first by design): nothing to re-read. Otherwise Atlas contradicted the
        // kind we had: ask again, and make sure a refused Flex request is not a dedicated
        // cluster before trying the tenant endpoint.
        if (to === 'flex' && decision.clusterKind === 'flex') return;
        const finding = await core.refreshKind(target, signal);
        if (to === 'tenant' && finding.kind === 'dedicated') {
          throw new UnsupportedClusterError(target.groupId, target.clusterName, finding.instanceSize);
        }
      });
      if (requested.decision.fallback) core.emit({ type: 'route-fallback', decision: requested.decision });
      if (requested.adoption) core.emit(requested.adoption);
      const download = normalizeRestoreJob(requested.decision.route, requested.body);
      if (download.id === undefined) {
        const request = { method: 'POST', path: requested.decision.endpoint.path };
        throw new AtlasResponseError('the restore job in the answer has no id, so it cannot be followed', 200, request);
      }
      return {
        ...download,
        projectId: download.projectId ?? target.groupId,
        clusterName: download.clusterName ?? target.clusterName,
        decision: requested.decision,
      };
    },

    async explainRoute(input) {
      const target = validateClusterTarget(input, 'explainRoute argument');
      const signal = validateSignal('signal', (input as unknown as Record<string, unknown>).signal);
      return core.decide(target, signal, 'explain');
    },

    async getDownload(download, options) {
      const job = validateArgumentObject('download', download);
      const { signal: givenSignal } = validateOptionsObject('options', options);
      if (job.route !== 'tenant' && job.route !== 'flex') {
        throw new ValidationError('download.route', "'tenant' or 'flex' (a SnapshotDownload from this library)", describeValue(job.route));
      }
      const route = job.route;
      const target = validateClusterTarget({ groupId: job.projectId, clusterName: job.clusterName }, 'download');
      const id = validateObjectId('download.id', job.id);
      const signal = validateSignal('options.signal', givenSignal);
      const operations = downloadOperations[route];
      const { body } = await client.call({
        method: 'GET',
        path: operations.jobPath(target.groupId, target.clusterName, id),
        mediaType: operations.mediaType,
        signal,
      });
      const fresh = normalizeRestoreJob(route, body);
      // Keep what the caller's object carried beyond the model (the decision), and what Atlas left out.
      return {
        ...download,
        ...fresh,
        id: fresh.id ?? id,
        projectId: fresh.projectId ?? target.groupId,
        clusterName: fresh.clusterName ?? target.clusterName,
      };
    },

    waitForDownload(download, options) {
      return waitForDownload(download, (job, signal) => this.getDownload(job, { signal }), options);
    },

    saveSnapshot(download, destination, options) {
      return saveSnapshotOf(this, download, destination, options, { now: core.options.now, dispatcher: core.options.dispatcher, observer: core.observer });
    },

    download(input) {
      return downloadTo(this, input);
    },

    close: () => core.close(),

    toJSON: () => describeShim(core.options),
  };
  // Not enumerable, so spreading or iterating the shim sees only its methods.
  Object.defineProperty(shim, inspect.custom, {
    value: (_depth: number, options: InspectOptions): string => `SnapshotShim ${inspect(describeShim(core.options), options)}`,
  });
  return shim;
}
