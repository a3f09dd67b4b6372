import { ShimError } from './shim-error.js';

/**
 * The cluster is a dedicated (M10 or larger) cluster: neither snapshot-download endpoint
 * serves it. Dedicated clusters download snapshots through Cloud Backup restore jobs
 * (`createBackupRestoreJob` with `deliveryType: download`).
 */
export class UnsupportedClusterError extends ShimError {
  /** The project of the cluster. */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The instance size Atlas reported, when known. */
  readonly instanceSize: string | undefined;

  constructor(groupId: string, clusterName: string, instanceSize?: string) {
    super(
      `Cluster '${clusterName}' is a dedicated cluster${instanceSize ? ` (${instanceSize})` : ''}: shared-tier and Flex snapshot downloads do not apply. ` +
        `Use Cloud Backup restore jobs (createBackupRestoreJob with deliveryType 'download') for dedicated clusters.`,
      'UNSUPPORTED_CLUSTER',
    );
    this.groupId = groupId;
    this.clusterName = clusterName;
    this.instanceSize = instanceSize;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), groupId: this.groupId, clusterName: this.clusterName, instanceSize: this.instanceSize };
  }
}
