import type { Command } from 'commander';
import type { SnapshotSummary } from '../../model/snapshot-download.js';
import { check, CLUSTER_NAME, OBJECT_ID } from '../../validation.js';
import { line, type CliIo } from '../cli-io.js';
import { shimFrom, withAtlasOptions, type AtlasCommandOptions } from '../shared-options.js';
import { dateCell, tableLines } from '../table.js';

/** A snapshot as `list --json` prints it: the model's fields, dates as ISO strings, without the raw body. */
export function snapshotJson(snapshot: SnapshotSummary): Record<string, unknown> {
  const { snapshotId, status, startedAt, finishedAt, expiresAt, mongoDBVersion, route } = snapshot;
  return {
    snapshotId,
    status,
    startedAt: startedAt?.toISOString(),
    finishedAt: finishedAt?.toISOString(),
    expiresAt: expiresAt?.toISOString(),
    mongoDBVersion,
    route,
  };
}

/** The snapshots as a table for people, newest first as given. */
export function snapshotTable(snapshots: readonly SnapshotSummary[]): string[] {
  return tableLines(
    ['ID', 'STATUS', 'STARTED', 'FINISHED', 'EXPIRES', 'MONGODB', 'ROUTE'],
    snapshots.map((s) => [s.snapshotId, s.status, dateCell(s.startedAt), dateCell(s.finishedAt), dateCell(s.expiresAt), s.mongoDBVersion, s.route]),
  );
}

/** `atlas-snapshot list`: a cluster's snapshots, newest first, through the endpoint the route policy picks. */
export function listCommand(program: Command, io: CliIo, run: (action: () => Promise<void>, options: AtlasCommandOptions) => Promise<void>): void {
  withAtlasOptions(program.command('list'))
    .description("list a cluster's snapshots, newest first, through the endpoint the route policy picks (no download is requested)")
    .addHelpText('after', '\nColumns: id, status, started, finished, expires, MongoDB version, route (the endpoint family that listed it).\n--json prints { groupId, clusterName, snapshots: [...] } with ISO 8601 dates.')
    .action((options: AtlasCommandOptions) =>
      run(async () => {
        const groupId = check('--project', options.project, OBJECT_ID);
        const clusterName = check('--cluster', options.cluster, CLUSTER_NAME);
        const shim = shimFrom(options, io);
        try {
          const snapshots = await shim.listSnapshots({ groupId, clusterName, signal: io.signal });
          if (options.json) {
            line(io.stdout, JSON.stringify({ groupId, clusterName, snapshots: snapshots.map(snapshotJson) }));
          } else if (snapshots.length === 0) {
            line(io.stdout, `Cluster ${clusterName} has no snapshots yet.`);
          } else {
            for (const text of snapshotTable(snapshots)) line(io.stdout, text);
          }
        } finally {
          await shim.close();
        }
      }, options),
    );
}
