import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkDestination, MAX_CONNECTIONS } from '../../download/save-snapshot-file.js';
import { redactSecrets } from '../../errors/redact-secrets.js';
import { ShimError } from '../../errors/shim-error.js';
import { snapshotFileName, type ClusterOutcome, type ProjectDownloadReport } from '../../facade/download-all.js';
import { latestOf } from '../../facade/shim-core.js';
import type { SnapshotShim } from '../../facade/snapshot-shim.js';
import type { SnapshotSummary } from '../../model/snapshot-download.js';
import { check, CLUSTER_NAME, DIRECTORY_PATH, LATEST, OBJECT_ID, SNAPSHOT_REFERENCE } from '../../validation.js';
import { CliFailure, EXIT_CODES } from '../cli-errors.js';
import { line, type CliIo } from '../cli-io.js';
import { createProgressReporter } from '../progress-reporter.js';
import { checkRequired, refuseFlag, shimFrom, wholeNumber, withAtlasOptions, type AtlasCommandOptions } from '../shared-options.js';
import { cell, dateCell, tableLines } from '../table.js';
import { decisionJson, printDecision } from './explain.js';

interface DownloadOptions extends Omit<AtlasCommandOptions, 'cluster'> {
  readonly cluster?: string;
  readonly snapshot?: string;
  readonly out?: string;
  readonly all?: boolean;
  readonly outDir?: string;
  readonly concurrency?: string;
  readonly connections: string;
  readonly timeout: string;
  readonly pollInterval: string;
  readonly resume: boolean;
}

const MILLISECONDS = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a whole number of milliseconds, 1 or more');
const CONCURRENCY = wholeNumber(1, 16, 'a whole number of clusters from 1 to 16');
const CONNECTIONS = wholeNumber(1, MAX_CONNECTIONS, `a whole number of connections from 1 to ${MAX_CONNECTIONS}`);
const WITH_ALL = 'with --all, which saves the latest snapshot of every shared and Flex cluster of the project';
const WITHOUT_ALL = 'without --all (it applies to --all only)';

/** `atlas-snapshot download`: request, wait for the job, save the snapshot; or, with `--all`, every cluster's latest. */
export function downloadCommand(program: Command, io: CliIo, run: (action: () => Promise<void>, options: Partial<AtlasCommandOptions>) => Promise<void>): void {
  withAtlasOptions(program.command('download'), { cluster: 'optional', clusterHelp: 'cluster name (required, unless --all)' })
    .description('request a snapshot download, wait for it, and save the file; or, with --all, the latest snapshot of every shared and Flex cluster')
    .option('--snapshot <id>', `snapshot id (24 hex characters), or '${LATEST}' for the newest COMPLETED one (required, unless --all)`)
    .option('--out <file>', 'where to save it (default ./<cluster>-<snapshot id>.tar.gz)')
    .option('--all', 'save the latest COMPLETED snapshot of every shared (M2/M5) and Flex cluster of the project; dedicated ones are skipped (not with --cluster, --snapshot or --out)')
    .option('--out-dir <dir>', 'with --all: the directory to save them in, as <cluster>-<snapshot id>.tar.gz (created when missing)')
    .option('--concurrency <n>', 'with --all: clusters downloaded at a time, 1 to 16 (default 2)')
    .option('--connections <n>', 'connections each file is downloaded over at once (ranged requests), 1 to 16; 1 = one stream', '4')
    .option('--timeout <ms>', 'longest wait for the Atlas job (per cluster with --all)', '1800000')
    .option('--poll-interval <ms>', 'first delay between polls of the job', '2000')
    .option('--no-resume', 'start over instead of resuming a partial file')
    .addHelpText(
      'after',
      `\nWith --all, the summary lists every cluster of the project: saved, skipped (dedicated: no snapshot-download endpoint serves it) ` +
        `or failed, with the reason. Exit code ${EXIT_CODES.ok} when every shared and Flex cluster was saved (skipped dedicated ones ` +
        `included), ${EXIT_CODES.atlas} when any was not (the others are still saved); progress lines go to stderr, except with --json.`,
    )
    .action((options: DownloadOptions) => run(() => (options.all ? downloadProject(options, io) : downloadOne(options, io)), options));
}

/** One snapshot of one cluster, by id or `latest`. */
async function downloadOne(options: DownloadOptions, io: CliIo): Promise<void> {
  const groupId = check('--project', options.project, OBJECT_ID);
  const clusterName = checkRequired('--cluster', options.cluster, CLUSTER_NAME, 'unless --all');
  const reference = checkRequired('--snapshot', options.snapshot, SNAPSHOT_REFERENCE, 'unless --all');
  refuseFlag('--out-dir', options.outDir, WITHOUT_ALL);
  refuseFlag('--concurrency', options.concurrency, WITHOUT_ALL);
  const connections = check('--connections', options.connections, CONNECTIONS);
  const timeoutMs = check('--timeout', options.timeout, MILLISECONDS);
  const pollIntervalMs = check('--poll-interval', options.pollInterval, MILLISECONDS);
  // The destination is checked before Atlas is asked for anything; a default one names the
  // snapshot, so for `latest` it is checked once the list has told which that is, still
  // before a job is requested.
  const given = options.out === undefined ? undefined : resolve(options.out);
  if (given !== undefined) await checkDestination(given);
  const human = !options.json;
  const shim = shimFrom({ ...options, cluster: clusterName }, io);
  const progress = createProgressReporter(io.stderr, 'saving');
  try {
    const latest = reference === LATEST ? await newestCompleted(shim, groupId, clusterName, io.signal) : undefined;
    const snapshotId = latest?.snapshotId ?? reference;
    const out = given ?? resolve(snapshotFileName(clusterName, snapshotId));
    if (given === undefined) await checkDestination(out);
    if (human && latest) line(io.stdout, `snapshot   ${snapshotId} (newest COMPLETED, started ${dateCell(latest.startedAt)})`);
    const requested = await shim.downloadSnapshot({ groupId, clusterName, snapshotId, signal: io.signal });
    if (human) {
      printDecision(io, requested.decision);
      line(io.stdout, `job        ${requested.id} ${requested.status ?? ''}`);
    }
    const job = await shim.waitForDownload(requested, {
      signal: io.signal,
      timeoutMs,
      pollIntervalMs,
      onStatus: (j) => (human ? line(io.stdout, `status     ${j.status}`) : undefined),
    });
    const saved = await shim.saveSnapshot(job, out, { signal: io.signal, resume: options.resume, connections, onProgress: (p) => progress.update(p) });
    progress.stop();
    if (human) line(io.stdout, `saved      ${saved.path} (${saved.bytes} bytes, sha256 ${saved.sha256})`);
    else {
      const { id, route, status, clusterName: cluster, expirationDate } = job;
      line(
        io.stdout,
        JSON.stringify({
          decision: decisionJson(job.decision),
          job: { id, route, status, snapshotId, clusterName: cluster, expirationDate: expirationDate?.toISOString() },
          path: saved.path,
          bytes: saved.bytes,
          sha256: saved.sha256,
        }),
      );
    }
  } finally {
    progress.stop();
    await shim.close();
  }
}

/**
 * What `--snapshot latest` downloads: the newest COMPLETED snapshot in the cluster's list (as
 * the library's `snapshotId: 'latest'` picks it), read before any job is requested so the
 * default file name can carry its id.
 *
 * @throws {NoCompletedSnapshotError} when the cluster has none.
 */
async function newestCompleted(shim: SnapshotShim, groupId: string, clusterName: string, signal: AbortSignal): Promise<SnapshotSummary & { snapshotId: string }> {
  const snapshots = await shim.listSnapshots({ groupId, clusterName, signal });
  // The route that listed them; an empty list does not say, the decision does (the cluster's kind is cached by now).
  const route = snapshots[0]?.route ?? (await shim.explainRoute({ groupId, clusterName, signal })).route;
  return latestOf({ groupId, clusterName }, { route, snapshots });
}

/** The latest snapshot of every shared and Flex cluster of the project (`--all`). */
async function downloadProject(options: DownloadOptions, io: CliIo): Promise<void> {
  const groupId = check('--project', options.project, OBJECT_ID);
  refuseFlag('--cluster', options.cluster, WITH_ALL);
  refuseFlag('--snapshot', options.snapshot, WITH_ALL);
  refuseFlag('--out', options.out, `${WITH_ALL} (name the directory with --out-dir)`);
  const outDir = resolve(checkRequired('--out-dir', options.outDir, DIRECTORY_PATH, 'with --all'));
  const concurrency = options.concurrency === undefined ? undefined : check('--concurrency', options.concurrency, CONCURRENCY);
  const connections = check('--connections', options.connections, CONNECTIONS);
  const timeoutMs = check('--timeout', options.timeout, MILLISECONDS);
  const pollIntervalMs = check('--poll-interval', options.pollInterval, MILLISECONDS);
  const human = !options.json;
  const shim = shimFrom({ ...options, cluster: '' }, io);
  try {
    if (human) line(io.stderr, `Saving the latest snapshot of every shared and Flex cluster of project ${groupId} in ${outDir}`);
    const report = await shim.downloadAll({
      groupId,
      outDir,
      ...(concurrency !== undefined ? { concurrency } : {}),
      connections,
      timeoutMs,
      pollIntervalMs,
      resume: options.resume,
      signal: io.signal,
      onOutcome: (outcome) => (human ? line(io.stderr, progressLine(outcome)) : undefined),
    });
    if (human) for (const text of reportLines(report)) line(io.stdout, text);
    else line(io.stdout, JSON.stringify(reportJson(report)));
    if (!report.complete) throw new IncompleteProjectDownloadError(report);
  } finally {
    await shim.close();
  }
}

/** One cluster's outcome, as the progress line on stderr says it (Atlas's values shown as table cells are: one line, no control characters). */
function progressLine(outcome: ClusterOutcome): string {
  const who = `${cell(outcome.clusterName)} (${outcome.kind})`;
  switch (outcome.status) {
    case 'saved':
      return `saved    ${who} snapshot ${cell(outcome.snapshotId)} → ${cell(outcome.path)} (${outcome.bytes} bytes)`;
    case 'skipped':
      return `skipped  ${who}: ${cell(outcome.reason)}`;
    case 'failed':
      return `failed   ${who}${outcome.snapshotId ? ` snapshot ${cell(outcome.snapshotId)}` : ''}: ${cell(outcome.reason)}`;
  }
}

/** The summary for people: a table of every cluster, then the counts. */
function reportLines(report: ProjectDownloadReport): string[] {
  const rows = report.clusters.map((outcome) => [
    outcome.clusterName,
    outcome.kind,
    outcome.status,
    outcome.status === 'skipped' ? undefined : outcome.snapshotId,
    outcome.status === 'saved' ? `${outcome.path} (${outcome.bytes} bytes)` : outcome.reason,
  ]);
  const counts = `saved ${report.saved}, skipped ${report.skipped}, failed ${report.failed}`;
  return [
    ...(rows.length > 0 ? tableLines(['CLUSTER', 'KIND', 'OUTCOME', 'SNAPSHOT', 'FILE OR REASON'], rows) : [`Project ${report.groupId} has no clusters.`]),
    report.complete ? `${counts}: every shared and Flex cluster is saved in ${report.outDir}` : `${counts}: not every shared and Flex cluster is saved`,
  ];
}

/** An error as JSON: a library error's own `toJSON()`, else its name, message (secrets masked) and code. */
function errorJson(error: Error): Record<string, unknown> {
  if (error instanceof ShimError) return error.toJSON();
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: redactSecrets(error.message), ...(typeof code === 'string' ? { code } : {}) };
}

/** One cluster's outcome as JSON: no Error object, the error as {@link errorJson}. */
function outcomeJson(outcome: ClusterOutcome): Record<string, unknown> {
  if (outcome.status !== 'failed') return { ...outcome };
  const { error, ...rest } = outcome;
  return { ...rest, error: errorJson(error) };
}

/** The report as `--all --json` prints it: plain data only, no Error object. Pure. */
export function reportJson(report: ProjectDownloadReport): Record<string, unknown> {
  const { groupId, outDir, complete, saved, skipped, failed, clusters } = report;
  return { groupId, outDir, complete, saved, skipped, failed, clusters: clusters.map(outcomeJson) };
}

/**
 * `--all` saved some clusters but not every shared and Flex one: the CLI's failure after the
 * summary, so the exit code says so (`EXIT_CODES.atlas`, as a failed job does).
 */
export class IncompleteProjectDownloadError extends CliFailure {
  /** The clusters that were not saved, with their errors. */
  readonly failures: readonly Extract<ClusterOutcome, { status: 'failed' }>[];

  constructor(report: ProjectDownloadReport) {
    const failures = report.clusters.filter((outcome): outcome is Extract<ClusterOutcome, { status: 'failed' }> => outcome.status === 'failed');
    super(
      `${failures.length} of ${failures.length + report.saved} shared and Flex clusters of project ${report.groupId} ` +
        `were not saved (${failures.map((outcome) => outcome.clusterName).join(', ')}); the summary gives each reason.`,
      'INCOMPLETE_PROJECT_DOWNLOAD',
      'Run the same command again to retry them; --verbose shows each error.',
    );
    this.failures = failures;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), failures: this.failures.map(outcomeJson) };
  }
}
