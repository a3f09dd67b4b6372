import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkDestination } from '../../download/save-snapshot-file.js';
import { check, CLUSTER_NAME, OBJECT_ID } from '../../validation.js';
import { line, type CliIo } from '../cli-io.js';
import { createProgressReporter } from '../progress-reporter.js';
import { shimFrom, wholeNumber, withAtlasOptions, type AtlasCommandOptions } from '../shared-options.js';
import { decisionJson, printDecision } from './explain.js';

interface DownloadOptions extends AtlasCommandOptions {
  readonly snapshot: string;
  readonly out?: string;
  readonly timeout: string;
  readonly pollInterval: string;
  readonly resume: boolean;
}

const MILLISECONDS = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a whole number of milliseconds, 1 or more');

/** `atlas-snapshot download`: request, wait for the job, save the snapshot. */
export function downloadCommand(program: Command, io: CliIo, run: (action: () => Promise<void>, options: AtlasCommandOptions) => Promise<void>): void {
  withAtlasOptions(program.command('download'))
    .description('request a snapshot download, wait for it, and save the file')
    .requiredOption('--snapshot <id>', 'snapshot id (24 hex characters)')
    .option('--out <file>', 'where to save it (default ./<cluster>-<snapshot>.tar.gz)')
    .option('--timeout <ms>', 'longest wait for the Atlas job', '1800000')
    .option('--poll-interval <ms>', 'first delay between polls of the job', '2000')
    .option('--no-resume', 'start over instead of resuming a partial file')
    .action((options: DownloadOptions) =>
      run(async () => {
        const groupId = check('--project', options.project, OBJECT_ID);
        const clusterName = check('--cluster', options.cluster, CLUSTER_NAME);
        const snapshotId = check('--snapshot', options.snapshot, OBJECT_ID);
        const timeoutMs = check('--timeout', options.timeout, MILLISECONDS);
        const pollIntervalMs = check('--poll-interval', options.pollInterval, MILLISECONDS);
        const out = resolve(options.out ?? `${clusterName}-${snapshotId}.tar.gz`);
        // The destination is checked before Atlas is asked for anything.
        await checkDestination(out);
        const human = !options.json;
        const shim = shimFrom(options, io);
        const progress = createProgressReporter(io.stderr, 'saving');
        try {
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
          const saved = await shim.saveSnapshot(job, out, { signal: io.signal, resume: options.resume, onProgress: (p) => progress.update(p) });
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
      }, options),
    );
}
