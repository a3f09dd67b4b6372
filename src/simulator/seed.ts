import { createHash } from 'node:crypto';
import type { SimulatorClusterNames } from './types.js';

/**
 * What a cluster really is, as Atlas knows it (the API shows it differently on each side of the
 * sunset: see `cluster-access.ts`). `flexLegacy` is a Flex cluster created through
 * `createCluster` or migrated from M2/M5, which the tenant and cluster APIs served until the sunset.
 */
export type SeedClusterKind = 'shared' | 'flexLegacy' | 'flex' | 'dedicated';

/** One seeded snapshot. Dates are fixed at start, relative to the Atlas clock then. */
export interface SeedSnapshot {
  readonly id: string;
  readonly clusterName: string;
  readonly scheduledTime: Date;
  readonly startTime: Date;
  readonly finishTime: Date;
  readonly expiration: Date;
  readonly mongoDBVersion: string;
  readonly status: 'COMPLETED';
}

/** One seeded cluster. */
export interface SeedCluster {
  readonly id: string;
  readonly name: string;
  readonly kind: SeedClusterKind;
  /** `M2`, `M5`, `FLEX` or `M10`. */
  readonly instanceSize: string;
  readonly createDate: Date;
  readonly mongoDBVersion: string;
  readonly regionName: string;
  /** Newest first, as Atlas lists them. */
  readonly snapshots: readonly SeedSnapshot[];
}

/** The seeded project. */
export interface SeedProject {
  readonly groupId: string;
  readonly names: SimulatorClusterNames;
  readonly clusters: ReadonlyMap<string, SeedCluster>;
  readonly snapshots: ReadonlyMap<string, SeedSnapshot>;
}

const DAY_MS = 86_400_000;
/** A 24-hex id derived from a label: the same in every run, so tests can pin seeded ids. */
export const objectId = (label: string): string => createHash('sha256').update(`atlas-snapshot-shim:${label}`).digest('hex').slice(0, 24);

interface ClusterBlueprint {
  readonly role: keyof SimulatorClusterNames;
  readonly name: string;
  readonly kind: SeedClusterKind;
  readonly size: string;
  readonly snapshots: number;
  readonly version: string;
}

const BLUEPRINT: readonly ClusterBlueprint[] = [
  { role: 'shared', name: 'shared-m2', kind: 'shared', size: 'M2', snapshots: 3, version: '8.0.4' },
  { role: 'sharedM5', name: 'shared-m5', kind: 'shared', size: 'M5', snapshots: 2, version: '8.0.4' },
  { role: 'flexLegacy', name: 'flex-migrated', kind: 'flexLegacy', size: 'FLEX', snapshots: 3, version: '8.0.4' },
  { role: 'flex', name: 'flex-native', kind: 'flex', size: 'FLEX', snapshots: 2, version: '8.0.4' },
  { role: 'dedicated', name: 'dedicated-m10', kind: 'dedicated', size: 'M10', snapshots: 2, version: '7.0.16' },
];

/**
 * Builds the project: five clusters, 2–3 daily snapshots each, taken at 02:00 UTC on the days
 * before `now` and kept eight days, as Atlas's shared/Flex daily snapshots are.
 */
export function seedProject(now: Date): SeedProject {
  const groupId = objectId('project');
  const clusters = new Map<string, SeedCluster>();
  const snapshots = new Map<string, SeedSnapshot>();
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const names = {} as Record<keyof SimulatorClusterNames, string>;
  BLUEPRINT.forEach((blueprint, clusterIndex) => {
    const list: SeedSnapshot[] = [];
    for (let day = 1; day <= blueprint.snapshots; day += 1) {
      const scheduledTime = new Date(today - day * DAY_MS + 2 * 3_600_000);
      const startTime = new Date(scheduledTime.getTime() + 12_000);
      const finishTime = new Date(startTime.getTime() + 95_000 + clusterIndex * 7_000);
      const snapshot: SeedSnapshot = {
        id: objectId(`snapshot:${blueprint.name}:${day}`),
        clusterName: blueprint.name,
        scheduledTime,
        startTime,
        finishTime,
        expiration: new Date(finishTime.getTime() + 8 * DAY_MS),
        mongoDBVersion: blueprint.version,
        status: 'COMPLETED',
      };
      list.push(snapshot);
      snapshots.set(snapshot.id, snapshot);
    }
    clusters.set(blueprint.name, {
      id: objectId(`cluster:${blueprint.name}`),
      name: blueprint.name,
      kind: blueprint.kind,
      instanceSize: blueprint.size,
      createDate: new Date(today - (120 + clusterIndex * 30) * DAY_MS + 9 * 3_600_000),
      mongoDBVersion: blueprint.version,
      regionName: 'US_EAST_1',
      snapshots: list,
    });
    names[blueprint.role] = blueprint.name;
  });
  return { groupId, names, clusters, snapshots };
}
