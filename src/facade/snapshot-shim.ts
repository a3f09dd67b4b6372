import type { SavedSnapshot, SaveSnapshotOptions } from '../download/save-snapshot-file.js';
import type { SnapshotDownload, SnapshotSummary } from '../model/snapshot-download.js';
import type { RouteDecision } from '../routing/route-policy.js';
import type { DownloadAllInput, ProjectDownloadReport } from './download-all.js';
import type { WaitForDownloadOptions } from './wait-for-download.js';

/** Arguments of {@link SnapshotShim.downloadSnapshot}. */
export interface DownloadSnapshotInput {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /**
   * The snapshot to download (24 hex), or `'latest'`: the newest COMPLETED snapshot in the
   * cluster's list (see `listSnapshots`), whose id the result carries.
   */
  readonly snapshotId: string;
  /** Tenant route only: the contract's required `targetDeploymentItemName`. Default: `clusterName`. */
  readonly targetDeploymentItemName?: string;
  /** Aborts the call, including any cluster-kind look-up it waits for. */
  readonly signal?: AbortSignal;
}

/** Arguments of {@link SnapshotShim.listSnapshots}. */
export interface ListSnapshotsInput {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
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

/** The facade: one call per download, routed to the right Atlas endpoint. */
export interface SnapshotShim {
  /**
   * Requests a download of one snapshot through the endpoint the route policy picks, and
   * returns the job in the normalized model.
   */
  downloadSnapshot(input: DownloadSnapshotInput): Promise<RoutedSnapshotDownload>;
  /**
   * Every snapshot of a cluster, newest first, in one model whichever endpoint listed it:
   * routed as downloads are (the tenant list for a shared cluster before the sunset, the
   * Flex list otherwise, the same one fallback), every page read.
   */
  listSnapshots(input: ListSnapshotsInput): Promise<SnapshotSummary[]>;
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
   * once by requesting the same snapshot again. Progress also goes to the
   * `atlas-snapshot-shim:progress` channel when it has subscribers, and a completed save
   * is logged at `info`.
   */
  saveSnapshot(download: SnapshotDownload, destination: string | NodeJS.WritableStream, options?: SaveSnapshotOptions): Promise<SavedSnapshot>;
  /**
   * The common case in one call: checks every option and the destination (before anything
   * is requested, so a mistake costs no job on Atlas), requests the download, waits for
   * the job and saves the snapshot. Wrong options are named as the argument's fields
   * (`pollIntervalMs`, `resume`…).
   */
  download(input: DownloadToInput): Promise<DownloadResult>;
  /**
   * Keeps a copy of everything before the migration: the latest COMPLETED snapshot of every
   * shared (M2/M5) and Flex cluster of a project (found through `listClusters` and
   * `listFlexClusters`), saved to `outDir` as `<cluster>-<snapshot>.tar.gz`, `concurrency` at
   * a time, each through `download`. Dedicated clusters are listed as skipped, with the
   * reason; one cluster's failure does not stop the others. Resolves with every cluster's
   * outcome (`complete` is false when any shared or Flex cluster was not saved); rejects
   * only for a wrong option, a cluster list Atlas would not give, or an abort.
   */
  downloadAll(input: DownloadAllInput): Promise<ProjectDownloadReport>;
  /** Releases the connections the shim opened. Idempotent. */
  close(): Promise<void>;
  /**
   * What the shim was configured with, for logs: origin, credential kind and its public
   * half (publicKey or clientId), route, sunset. Never the private key or client secret.
   * `util.inspect` (and `console.log`) show the same.
   */
  toJSON(): Record<string, unknown>;
}
