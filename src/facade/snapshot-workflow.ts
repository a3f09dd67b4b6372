import type { Dispatcher } from 'undici';
import { resolveSaveOptions } from '../download/save-options.js';
import { checkDestination, saveSnapshotFile, type SavedSnapshot, type SaveSnapshotOptions } from '../download/save-snapshot-file.js';
import { ValidationError } from '../errors/validation-error.js';
import type { SnapshotDownload } from '../model/snapshot-download.js';
import type { ShimObserver } from '../observability/shim-observer.js';
import { describeValue } from '../validation/describe-value.js';
import { validateArgumentObject, validateClusterTarget, validateObjectId, validateOptionsObject, validateSignal } from '../validation/inputs.js';
import { resolveWaitOptions, type WaitForDownloadOptions } from '../workflow/wait-for-download.js';
import type { DownloadSnapshotInput, RoutedSnapshotDownload } from './create-snapshot-shim.js';

/** The facade methods the workflow is built from. */
interface WorkflowSteps {
  /** `excludeJobIds`: jobs the request must not adopt after an ambiguous failure (the one being replaced). */
  downloadSnapshot(input: DownloadSnapshotInput, internal?: { readonly excludeJobIds?: readonly string[] }): Promise<RoutedSnapshotDownload>;
  waitForDownload<T extends SnapshotDownload>(download: T, options?: WaitForDownloadOptions<T>): Promise<T>;
}

/** Arguments of `shim.download`: the snapshot, where to save it, and the options of each step. */
export interface DownloadToInput
  extends DownloadSnapshotInput,
    Omit<WaitForDownloadOptions<RoutedSnapshotDownload>, 'signal'>,
    Omit<SaveSnapshotOptions, 'signal'> {
  /** A file path (written through a temporary file and renamed when complete), or a Writable (left open). */
  readonly destination: string | NodeJS.WritableStream;
}

/** What `shim.download` returns: the completed job, and the saved file. */
export interface DownloadResult extends SavedSnapshot {
  /** The COMPLETED job, with the route decision that created it. */
  readonly job: RoutedSnapshotDownload;
}

/**
 * Saves a COMPLETED job's snapshot. When the URL has expired (its four hours are over, or
 * the host answers 403/410), asks Atlas once for a fresh download of the same snapshot,
 * waits for it, and continues. Progress also goes to the `atlas-snapshot-shim:progress`
 * channel when it has subscribers, and a completed save is logged at `info`. `options`
 * may be undefined; anything else that is not an object is a `ValidationError` (`options`).
 */
export async function saveSnapshotOf(
  steps: WorkflowSteps,
  download: SnapshotDownload,
  destination: string | NodeJS.WritableStream,
  options: SaveSnapshotOptions | undefined,
  context: { now: () => Date; dispatcher: Dispatcher | undefined; observer: ShimObserver },
): Promise<SavedSnapshot> {
  const job = validateArgumentObject('download', download);
  const given: SaveSnapshotOptions = validateOptionsObject('options', options);
  if (typeof job.snapshotUrl !== 'string') {
    throw new ValidationError('download.snapshotUrl', "a COMPLETED job's snapshotUrl (wait for it with waitForDownload first)", describeValue(job.snapshotUrl));
  }
  const target = validateClusterTarget({ groupId: job.projectId, clusterName: job.clusterName }, 'download');
  const snapshotId = validateObjectId('download.snapshotId', job.snapshotId);
  const signal = validateSignal('options.signal', given.signal);
  const route = download.route === 'tenant' || download.route === 'flex' ? download.route : undefined;
  const subject = { ...target, snapshotId, downloadId: typeof job.id === 'string' ? job.id : undefined, route };
  const saved = await saveSnapshotFile({
    ...given,
    onProgress: context.observer.progressFor(subject, given.onProgress),
    source: { url: job.snapshotUrl, expiresAt: download.expirationDate },
    destination,
    now: context.now,
    dispatcher: context.dispatcher,
    async renew() {
      // A fresh job, never the one whose URL just expired (an ambiguous failure must not adopt it back).
      const replaced = typeof job.id === 'string' ? [job.id] : [];
      const fresh = await steps.downloadSnapshot({ ...target, snapshotId, ...(signal ? { signal } : {}) }, { excludeJobIds: replaced });
      const done = await steps.waitForDownload(fresh, signal ? { signal } : {});
      if (done.snapshotUrl === undefined) throw new ValidationError('snapshotUrl', 'a COMPLETED job with a snapshotUrl', 'a job without one');
      return { url: done.snapshotUrl, expiresAt: done.expirationDate };
    },
  });
  context.observer.saved(subject, saved);
  return saved;
}

/**
 * The common case in one call: checks every option and the destination (before anything
 * is requested), requests the download, waits for the job, and saves the snapshot.
 *
 * @throws {ValidationError} for a wrong option, named as the argument's field (`pollIntervalMs`, `resume`…), before the job is requested.
 */
export async function downloadTo(
  steps: WorkflowSteps & { saveSnapshot(download: SnapshotDownload, destination: string | NodeJS.WritableStream, options?: SaveSnapshotOptions): Promise<SavedSnapshot> },
  input: DownloadToInput,
): Promise<DownloadResult> {
  const args = validateArgumentObject('download argument', input);
  validateClusterTarget(args, 'download argument');
  validateObjectId('snapshotId', args.snapshotId);
  // Every option is checked before the job is requested: one refused after it would leave
  // a job on Atlas that nobody waits for. Here they are fields of the one argument, and
  // errors name them so (`pollIntervalMs`, not `options.pollIntervalMs`).
  resolveWaitOptions(args, '');
  resolveSaveOptions(args, '');
  await checkDestination(input.destination);
  const { destination, signal, timeoutMs, pollIntervalMs, maxPollIntervalMs, onStatus, onProgress, resume, progressIntervalMs, maxResumeAttempts, ...request } = input;
  const requested = await steps.downloadSnapshot({ ...request, ...(signal ? { signal } : {}) });
  const job = await steps.waitForDownload(requested, { signal, timeoutMs, pollIntervalMs, maxPollIntervalMs, onStatus });
  const saved = await steps.saveSnapshot(job, destination, { signal, onProgress, resume, progressIntervalMs, maxResumeAttempts });
  return { ...saved, job };
}
