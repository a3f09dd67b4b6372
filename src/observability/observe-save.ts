import type { SaveProgress, SavedSnapshot } from '../download/save-snapshot-file.js';
import type { Route } from '../policy/types.js';
import type { ProgressChannelMessage } from './channel-messages.js';
import { progressChannel } from './channels.js';
import type { ShimLog } from './shim-logger.js';

/** The snapshot a save is for, as the facade validated it. */
export interface SaveSubject {
  readonly groupId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  readonly downloadId: string | undefined;
  readonly route: Route | undefined;
}

/**
 * The `onProgress` to save with: the caller's, also publishing on
 * `atlas-snapshot-shim:progress` when that channel had subscribers as the save started;
 * otherwise the caller's untouched (so the saver skips progress work when nobody wants it,
 * and still refuses a value that is not a function).
 */
export function observeProgress<T>(subject: SaveSubject, onProgress: T): T | ((progress: SaveProgress) => void) {
  if (!progressChannel.hasSubscribers || (onProgress !== undefined && typeof onProgress !== 'function')) return onProgress;
  const caller = onProgress as ((progress: SaveProgress) => void) | undefined;
  return (progress: SaveProgress) => {
    if (progressChannel.hasSubscribers) {
      const message: ProgressChannelMessage = { ...subject, bytes: progress.bytes, total: progress.total, bytesPerSecond: progress.bytesPerSecond };
      progressChannel.publish(message);
    }
    // The caller's callback last, so what it throws still stops the save as documented.
    caller?.(progress);
  };
}

/** Logs a completed save at `info`: the snapshot, its size and SHA-256, and where it went. */
export function logSaved(subject: SaveSubject, saved: SavedSnapshot, log: ShimLog | undefined): void {
  log?.info({ ...subject, bytes: saved.bytes, sha256: saved.sha256, path: saved.path }, 'snapshot saved');
}
