import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readEveryPage } from '../atlas/atlas-client.js';
import type { Route } from '../atlas/operations.js';
import { resolveSaveOptions } from '../download/save-snapshot-file.js';
import { SnapshotTransferError } from '../errors/download-errors.js';
import { UnsupportedClusterError } from '../errors/route-errors.js';
import { toError } from '../errors/shim-error.js';
import { classifyClusterDescription, type ClusterKind } from '../routing/route-policy.js';
import { ABORT_SIGNAL, check, checkObject, checkOptional, CLUSTER_NAME, DIRECTORY_PATH, func, integer, OBJECT_ID } from '../validation.js';
import { latestSnapshot, type ShimCore } from './shim-core.js';
import type { DownloadToInput, SnapshotShim } from './snapshot-shim.js';
import { resolveWaitOptions } from './wait-for-download.js';

/**
 * "Keep a copy of everything before the migration": the latest snapshot of every shared and
 * Flex cluster of a project, saved to one directory, a bounded number at a time, with one
 * outcome per cluster.
 */

/** The per-download options `downloadAll` passes to each `shim.download`, as that call documents them. */
export type DownloadAllStepOptions = Pick<
  DownloadToInput,
  'timeoutMs' | 'pollIntervalMs' | 'maxPollIntervalMs' | 'maxMissedPolls' | 'resume' | 'maxResumeAttempts' | 'connections'
>;

/** Arguments of `shim.downloadAll`. */
export interface DownloadAllInput extends DownloadAllStepOptions {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The directory the snapshots are saved in, created when missing; each file is `<cluster>-<snapshot>.tar.gz`. */
  readonly outDir: string;
  /** Clusters downloaded at a time, 1 to 16. Default 2 (Atlas rate-limits Flex backup calls per project). */
  readonly concurrency?: number;
  /** Aborts every download; the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Called with each cluster's outcome as soon as it is known (the skipped ones first).
   * An exception it throws starts no further cluster and rejects the call, once the
   * downloads in flight have ended. Default none.
   */
  readonly onOutcome?: (outcome: ClusterOutcome) => void;
}

/** What every cluster's outcome says. */
interface OutcomeBase {
  /** The cluster's name. */
  readonly clusterName: string;
  /** The kind the project's cluster lists gave it. */
  readonly kind: ClusterKind;
}

/** The latest COMPLETED snapshot was saved. */
export interface SavedCluster extends OutcomeBase {
  /** Saved. */
  readonly status: 'saved';
  /** The snapshot saved: the cluster's newest COMPLETED one. */
  readonly snapshotId: string;
  /** The endpoint family that served the download. */
  readonly route: Route;
  /** Absolute path of the file. */
  readonly path: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** SHA-256 of the file, hex. */
  readonly sha256: string;
}

/** Not downloaded, by design: a dedicated cluster, which neither snapshot-download endpoint serves. */
export interface SkippedCluster extends OutcomeBase {
  /** Skipped by design. */
  readonly status: 'skipped';
  /** Why, in words (the `UnsupportedClusterError` message). */
  readonly reason: string;
}

/** Tried and not saved: no COMPLETED snapshot, Atlas refused, the job failed, the save failed. */
export interface FailedCluster extends OutcomeBase {
  /** Not saved. */
  readonly status: 'failed';
  /** The snapshot it tried, once one was picked. */
  readonly snapshotId: string | undefined;
  /** Why, in words (the error's message). */
  readonly reason: string;
  /** The error itself (a `ShimError` subclass for everything the library foresaw). */
  readonly error: Error;
}

/** One cluster's outcome. */
export type ClusterOutcome = SavedCluster | SkippedCluster | FailedCluster;

/** What `shim.downloadAll` returns: every cluster of the project, by name, with its outcome. */
export interface ProjectDownloadReport {
  /** The project (24 hex). */
  readonly groupId: string;
  /** Absolute path of the directory. */
  readonly outDir: string;
  /** Every cluster the project's lists gave, in name order. */
  readonly clusters: readonly ClusterOutcome[];
  /** Clusters whose snapshot was saved. */
  readonly saved: number;
  /** Dedicated clusters, skipped. */
  readonly skipped: number;
  /** Shared and Flex clusters not saved. */
  readonly failed: number;
  /** True when every shared and Flex cluster was saved (skipped dedicated clusters do not count against it). */
  readonly complete: boolean;
}

/** A cluster of the project, as its lists tell it. */
export interface ProjectCluster {
  /** The cluster's name. */
  readonly name: string;
  readonly kind: ClusterKind;
  /** The instance size `listClusters` reported (M2, M5, M10…), when it did. */
  readonly instanceSize: string | undefined;
}

/** The file a cluster's snapshot is saved as: `<cluster>-<snapshot>.tar.gz` (the CLI's default too). */
export function snapshotFileName(clusterName: string, snapshotId: string): string {
  return `${clusterName}-${snapshotId}.tar.gz`;
}

/**
 * The project's clusters from its two lists, in name order. Pure. A `listClusters` item's kind
 * is read as `getCluster`'s is (`classifyClusterDescription`); every `listFlexClusters` item is
 * Flex, and a name in both lists (a Flex cluster the cluster API still showed before the
 * sunset) is one Flex cluster. Items without a valid cluster name are left out: there is
 * nothing to call them by.
 */
export function projectClusters(clusterItems: readonly unknown[], flexItems: readonly unknown[]): ProjectCluster[] {
  const byName = new Map<string, ProjectCluster>();
  const nameOf = (item: unknown): string | undefined => {
    const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    return CLUSTER_NAME.accepts(name) ? name : undefined;
  };
  for (const item of clusterItems) {
    const name = nameOf(item);
    if (name === undefined) continue;
    const finding = classifyClusterDescription(item);
    byName.set(name, { name, kind: finding.kind, instanceSize: finding.instanceSize });
  }
  for (const item of flexItems) {
    const name = nameOf(item);
    if (name !== undefined) byName.set(name, { name, kind: 'flex', instanceSize: undefined });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const CONCURRENCY = integer(1, 16);
const ON_OUTCOME = func<(outcome: ClusterOutcome) => void>('a function (outcome) => void');

/**
 * Saves the latest COMPLETED snapshot of every shared and Flex cluster of a project (see
 * `SnapshotShim.downloadAll`). Every option is checked, and the directory made, before the
 * first request. One cluster's failure does not stop the others; an abort stops them all,
 * and the call rejects with its reason once every download in flight has ended.
 */
export async function downloadAll(shim: SnapshotShim, core: ShimCore, input: DownloadAllInput): Promise<ProjectDownloadReport> {
  const args = checkObject('downloadAll argument', input);
  const groupId = check('groupId', args.groupId, OBJECT_ID);
  const outDir = resolve(check('outDir', args.outDir, DIRECTORY_PATH));
  const concurrency = checkOptional('concurrency', args.concurrency, CONCURRENCY) ?? 2;
  const signal = checkOptional('signal', args.signal, ABORT_SIGNAL);
  const onOutcome = checkOptional('onOutcome', args.onOutcome, ON_OUTCOME);
  const { timeoutMs, pollIntervalMs, maxPollIntervalMs, maxMissedPolls, resume, maxResumeAttempts, connections } = input;
  const steps = { timeoutMs, pollIntervalMs, maxPollIntervalMs, maxMissedPolls, resume, maxResumeAttempts, connections };
  resolveWaitOptions(steps, '');
  resolveSaveOptions(steps, '');
  signal?.throwIfAborted();
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new SnapshotTransferError(`Cannot create the directory ${outDir}: ${toError(error).message}`, { phase: 'destination', cause: error });
  }

  const project = { groupId, clusterName: '' };
  const clusterItems = await readEveryPage(core.client, { operationId: 'listClusters', params: project, signal });
  // Atlas for Government has no Flex API, so no Flex list to read either.
  const flexItems = core.options.atlasForGovernment ? [] : await readEveryPage(core.client, { operationId: 'listFlexClusters', params: project, signal });
  const clusters = projectClusters(clusterItems, flexItems);

  const outcomes = new Map<string, ClusterOutcome>();
  const report = (outcome: ClusterOutcome): void => {
    outcomes.set(outcome.clusterName, outcome);
    onOutcome?.(outcome);
  };
  const skipped = (cluster: ProjectCluster): SkippedCluster => ({
    status: 'skipped',
    clusterName: cluster.name,
    kind: cluster.kind,
    reason: new UnsupportedClusterError(groupId, cluster.name, cluster.instanceSize).message,
  });
  for (const cluster of clusters) if (cluster.kind === 'dedicated') report(skipped(cluster));

  /** One cluster's outcome: never throws, but for an abort (which ends every download). */
  const save = async (cluster: ProjectCluster): Promise<ClusterOutcome> => {
    const target = { groupId, clusterName: cluster.name };
    let snapshotId: string | undefined;
    try {
      const latest = (await latestSnapshot(core, target, signal)).snapshotId;
      snapshotId = latest;
      const path = join(outDir, snapshotFileName(cluster.name, latest));
      const saved = await shim.download({ ...target, ...steps, snapshotId: latest, destination: path, ...(signal ? { signal } : {}) });
      return { status: 'saved', clusterName: cluster.name, kind: cluster.kind, snapshotId: latest, route: saved.job.route, path, bytes: saved.bytes, sha256: saved.sha256 };
    } catch (error) {
      if (signal?.aborted) throw error;
      // Atlas may know better than the list: a cluster the router finds dedicated is skipped, not failed.
      if (error instanceof UnsupportedClusterError) return skipped({ ...cluster, kind: 'dedicated', instanceSize: error.instanceSize ?? cluster.instanceSize });
      const failure = toError(error);
      return { status: 'failed', clusterName: cluster.name, kind: cluster.kind, snapshotId, reason: failure.message, error: failure };
    }
  };
  // Workers take the next cluster until none is left, or one of them stopped (an abort, or
  // an `onOutcome` that threw); every worker is waited for, so nothing runs on after the call.
  const queue = clusters.filter((cluster) => cluster.kind !== 'dedicated');
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    try {
      for (let cluster = queue[next++]; cluster !== undefined && !stopped; cluster = queue[next++]) report(await save(cluster));
    } catch (error) {
      stopped = true;
      throw error;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  const stop = settled.find((result) => result.status === 'rejected');
  if (stop !== undefined) throw stop.reason;

  const ordered = clusters.map((cluster) => outcomes.get(cluster.name) as ClusterOutcome);
  const count = (status: ClusterOutcome['status']): number => ordered.filter((outcome) => outcome.status === status).length;
  return { groupId, outDir, clusters: ordered, saved: count('saved'), skipped: count('skipped'), failed: count('failed'), complete: count('failed') === 0 };
}
