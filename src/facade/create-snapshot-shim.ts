import { inspect, type InspectOptions } from 'node:util';
import { operationFor } from '../atlas/operations.js';
import { checkDestination, resolveSaveOptions, saveSnapshotFile, type SavedSnapshot, type SaveSnapshotOptions } from '../download/save-snapshot-file.js';
import { AtlasResponseError } from '../errors/atlas-errors.js';
import { REDACTED, redactSecrets } from '../errors/redact-secrets.js';
import type { PollMissedEvent } from '../observability/shim-events.js';
import { ValidationError } from '../errors/shim-error.js';
import { normalizeRestoreJob } from '../model/normalize.js';
import type { SnapshotDownload } from '../model/snapshot-download.js';
import {
  ABORT_SIGNAL,
  check,
  checkClusterTarget,
  checkObject,
  checkOptional,
  checkOptionsObject,
  describeValue,
  LATEST,
  OBJECT_ID,
  SNAPSHOT_REFERENCE,
  TARGET_DEPLOYMENT_ITEM_NAME,
} from '../validation.js';
import { downloadAll } from './download-all.js';
import { createShimCore, latestSnapshot, listSnapshots, requestDownload } from './shim-core.js';
import type { ResolvedShimOptions, SnapshotShimOptions } from './shim-options.js';
import type { DownloadResult, DownloadSnapshotInput, DownloadToInput, RoutedSnapshotDownload, SnapshotShim } from './snapshot-shim.js';
import { resolveWaitOptions, waitForDownload, type MissedPoll, type WaitForDownloadOptions } from './wait-for-download.js';

/**
 * Creates the facade. Options are validated at once: a wrong one throws a
 * `ValidationError` naming it, before anything is sent.
 */
export function createSnapshotShim(options: SnapshotShimOptions): SnapshotShim {
  const core = createShimCore(options);
  const { client, router, observer } = core;

  /**
   * The download POST on the decided route, with at most one fallback, in the normalized
   * model. `excludeJobIds`: jobs an ambiguous failure must not be resolved to (the job a
   * URL renewal replaces).
   */
  async function downloadSnapshot(input: DownloadSnapshotInput, excludeJobIds?: readonly string[]): Promise<RoutedSnapshotDownload> {
    const target = checkClusterTarget(input, 'downloadSnapshot argument');
    const args = input as unknown as Record<string, unknown>;
    const reference = check('snapshotId', args.snapshotId, SNAPSHOT_REFERENCE);
    const targetDeploymentItemName = checkOptional('targetDeploymentItemName', args.targetDeploymentItemName, TARGET_DEPLOYMENT_ITEM_NAME) ?? target.clusterName;
    const signal = checkOptional('signal', args.signal, ABORT_SIGNAL);
    signal?.throwIfAborted();
    const snapshotId = reference === LATEST ? (await latestSnapshot(core, target, signal)).snapshotId : reference;

    const { value: answer, decision } = await requestDownload(core, target, { snapshotId, targetDeploymentItemName, signal, excludeJobIds });
    const download = normalizeRestoreJob(decision.route, answer.body);
    if (download.id === undefined) {
      throw new AtlasResponseError('the restore job in the answer has no id, so it cannot be followed', answer.status, { method: 'POST', path: decision.endpoint.path });
    }
    return { ...download, projectId: download.projectId ?? target.groupId, clusterName: download.clusterName ?? target.clusterName, decision };
  }

  async function getDownload<T extends SnapshotDownload>(download: T, options?: { signal?: AbortSignal }): Promise<T> {
    const job = checkObject('download', download);
    const { signal: givenSignal } = checkOptionsObject('options', options);
    if (job.route !== 'tenant' && job.route !== 'flex') {
      throw new ValidationError('download.route', "'tenant' or 'flex' (a SnapshotDownload from this library)", describeValue(job.route));
    }
    const { route } = download;
    const target = checkClusterTarget({ groupId: job.projectId, clusterName: job.clusterName }, 'download');
    const id = check('download.id', job.id, OBJECT_ID);
    const signal = checkOptional('options.signal', givenSignal, ABORT_SIGNAL);
    const { body } = await client.call({ operationId: operationFor(route, 'getJob'), params: { ...target, itemId: id }, signal });
    const fresh = normalizeRestoreJob(route, body);
    // Keep what the caller's object carried beyond the model (the decision), and what Atlas left out.
    return { ...download, ...fresh, id: fresh.id ?? id, projectId: fresh.projectId ?? target.groupId, clusterName: fresh.clusterName ?? target.clusterName };
  }

  /** The wait, every missed poll reported as a `poll-missed` event before the caller's `onMissedPoll` hears of it. */
  function waitFor<T extends SnapshotDownload>(download: T, options?: WaitForDownloadOptions<T>): Promise<T> {
    return waitForDownload(download, (job, signal) => shim.getDownload(job, { signal }), options, (miss) => observer.emit(pollMissedEvent(miss)));
  }

  /** Saves a COMPLETED job's snapshot; an expired URL is renewed once by requesting, and waiting for, a fresh job of the same snapshot. */
  async function saveSnapshot(download: SnapshotDownload, destination: string | NodeJS.WritableStream, options?: SaveSnapshotOptions): Promise<SavedSnapshot> {
    const job = checkObject('download', download);
    const given = checkOptionsObject('options', options) as SaveSnapshotOptions;
    if (typeof job.snapshotUrl !== 'string') {
      throw new ValidationError('download.snapshotUrl', "a COMPLETED job's snapshotUrl (wait for it with waitForDownload first)", describeValue(job.snapshotUrl));
    }
    const target = checkClusterTarget({ groupId: job.projectId, clusterName: job.clusterName }, 'download');
    const snapshotId = check('download.snapshotId', job.snapshotId, OBJECT_ID);
    const save = resolveSaveOptions(given);
    const { signal } = save;
    const route = download.route === 'tenant' || download.route === 'flex' ? download.route : undefined;
    const subject = { ...target, snapshotId, downloadId: typeof job.id === 'string' ? job.id : undefined, route };
    const saved = await saveSnapshotFile({
      ...save,
      onProgress: observer.progressFor(subject, save.onProgress),
      source: { url: job.snapshotUrl, expiresAt: download.expirationDate },
      destination,
      now: core.options.now,
      dispatcher: core.options.dispatcher,
      async renew() {
        // A fresh job, never the one whose URL just expired (an ambiguous failure must not adopt it back).
        const replaced = typeof job.id === 'string' ? [job.id] : [];
        const fresh = await shim.downloadSnapshot({ ...target, snapshotId, ...(signal ? { signal } : {}) }, replaced);
        const done = await shim.waitForDownload(fresh, signal ? { signal } : {});
        if (done.snapshotUrl === undefined) throw new ValidationError('snapshotUrl', 'a COMPLETED job with a snapshotUrl', 'a job without one');
        return { url: done.snapshotUrl, expiresAt: done.expirationDate };
      },
    });
    observer.saved(subject, saved);
    return saved;
  }

  async function download(input: DownloadToInput): Promise<DownloadResult> {
    const args = checkObject('download argument', input);
    checkClusterTarget(args, 'download argument');
    check('snapshotId', args.snapshotId, SNAPSHOT_REFERENCE);
    // Every option is checked before the job is requested: one refused after it would leave
    // a job on Atlas that nobody waits for. Here they are fields of the one argument, and
    // errors name them so (`pollIntervalMs`, not `options.pollIntervalMs`).
    resolveWaitOptions(args, '');
    resolveSaveOptions(args, '');
    await checkDestination(input.destination);
    const { destination, signal, timeoutMs, pollIntervalMs, maxPollIntervalMs, onStatus, maxMissedPolls, onMissedPoll, ...rest } = input;
    const { onProgress, resume, progressIntervalMs, maxResumeAttempts, connections, partSizeBytes, ...request } = rest;
    const requested = await shim.downloadSnapshot({ ...request, ...(signal ? { signal } : {}) });
    const job = await shim.waitForDownload(requested, { signal, timeoutMs, pollIntervalMs, maxPollIntervalMs, onStatus, maxMissedPolls, onMissedPoll });
    const saved = await shim.saveSnapshot(job, destination, { signal, onProgress, resume, progressIntervalMs, maxResumeAttempts, connections, partSizeBytes });
    return { ...saved, job };
  }

  // The steps of `download` and of a URL renewal are the shim's own methods, called through
  // the shim: a caller who wraps one of them (to count job requests, say) sees every use.
  const shim: WorkflowShim = {
    downloadSnapshot,
    async explainRoute(input) {
      const target = checkClusterTarget(input, 'explainRoute argument');
      const signal = checkOptional('signal', (input as unknown as Record<string, unknown>).signal, ABORT_SIGNAL);
      return router.decide(target, signal, 'explain');
    },
    async listSnapshots(input) {
      const target = checkClusterTarget(input, 'listSnapshots argument');
      const signal = checkOptional('signal', (input as unknown as Record<string, unknown>).signal, ABORT_SIGNAL);
      signal?.throwIfAborted();
      return [...(await listSnapshots(core, target, signal)).snapshots];
    },
    getDownload,
    waitForDownload: waitFor,
    saveSnapshot,
    download,
    downloadAll: (input) => downloadAll(shim, core, input),
    close: () => core.close(),
    toJSON: () => describeShim(core.options),
  };
  // Not enumerable, so spreading or iterating the shim sees only its methods.
  Object.defineProperty(shim, inspect.custom, {
    value: (_depth: number, inspectOptions: InspectOptions): string => `SnapshotShim ${inspect(describeShim(core.options), inspectOptions)}`,
  });
  return shim;
}

// The failure as the event shows it: the error's class, the status, Atlas's errorCode or the connection's code; never a body or a URL.
function pollMissedEvent(miss: MissedPoll): PollMissedEvent {
  const { job, error } = miss;
  const { status, errorCode, causeCode } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const name = error instanceof Error ? error.name : typeof error;
  const parts = [name, typeof status === 'number' ? `HTTP ${status}` : undefined, errorCode ?? causeCode].filter((part) => typeof part === 'string');
  return {
    type: 'poll-missed',
    groupId: job.projectId ?? '',
    clusterName: job.clusterName ?? '',
    jobId: job.id,
    route: job.route,
    missedPolls: miss.missedPolls,
    maxMissedPolls: miss.maxMissedPolls,
    failure: redactSecrets(parts.join(' ')),
    status: typeof status === 'number' ? status : undefined,
  };
}

/** The shim as its own workflow calls it: `downloadSnapshot` also takes the jobs a renewal must not adopt back. */
type WorkflowShim = SnapshotShim & {
  downloadSnapshot(input: DownloadSnapshotInput, excludeJobIds?: readonly string[]): Promise<RoutedSnapshotDownload>;
};

// The shim in logs and debuggers: the configuration a reader needs, the secret half of the credentials never.
function describeShim(options: ResolvedShimOptions): Record<string, unknown> {
  const { credentials } = options;
  return {
    baseUrl: options.baseUrl,
    credentials: 'publicKey' in credentials ? { publicKey: credentials.publicKey, privateKey: REDACTED } : { clientId: credentials.clientId, clientSecret: REDACTED },
    route: typeof options.route === 'function' ? 'flag source' : options.route,
    sunsetDate: options.sunsetDate.toISOString(),
    allowSunsetEndpoint: options.allowSunsetEndpoint,
    atlasForGovernment: options.atlasForGovernment,
  };
}
