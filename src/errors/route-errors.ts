import { ShimError } from './shim-error.js';

/** Errors of the route policy: a download no endpoint may serve. */

/**
 * The tenant (shared-tier) endpoint was asked for at or after its sunset, and the caller
 * did not opt in with `allowSunsetEndpoint: true`. Use the `flex` or `auto` route instead.
 */
export class SunsetError extends ShimError {
  /** The sunset instant in force. */
  readonly sunsetDate: Date;
  /** The time of the decision. */
  readonly at: Date;

  constructor(sunsetDate: Date, at: Date) {
    super(
      `The shared-tier tenant snapshot endpoint was sunset on ${sunsetDate.toISOString()} (now ${at.toISOString()}); ` +
        `route 'tenant' is refused. Use route 'auto' or 'flex' (downloadFlexBackup), or set allowSunsetEndpoint: true to call it anyway.`,
      'SUNSET',
    );
    this.sunsetDate = sunsetDate;
    this.at = at;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sunsetDate: this.sunsetDate.toISOString(), at: this.at.toISOString() };
  }
}

/**
 * The call would go to a Flex endpoint of Atlas for Government, which has none: there,
 * clusters are M20 or larger and Flex does not exist (the Atlas CLI refuses every Flex
 * command for its government service too). Refused before any request to a Flex endpoint.
 * Dedicated clusters download snapshots through Cloud Backup restore jobs.
 */
export class AtlasForGovernmentError extends ShimError {
  /** The project of the cluster. */
  readonly groupId: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Why the call would have gone to a Flex endpoint, in words. */
  readonly reason: string;

  constructor(groupId: string, clusterName: string, reason: string) {
    super(
      `Atlas for Government has no Flex clusters and no Flex API, so downloadFlexBackup is refused for cluster '${clusterName}' (${reason}). ` +
        `Its clusters are M20 or larger: download their snapshots with Cloud Backup restore jobs (createBackupRestoreJob with deliveryType 'download').`,
      'ATLAS_FOR_GOVERNMENT',
    );
    this.groupId = groupId;
    this.clusterName = clusterName;
    this.reason = reason;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), groupId: this.groupId, clusterName: this.clusterName, reason: this.reason };
  }
}

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
