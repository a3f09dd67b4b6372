import { atlasPath } from '../atlas/operations.js';
import { objectId, type SeedCluster } from './seed.js';

const DISK_GB: Readonly<Record<string, number>> = { M2: 2, M5: 5, FLEX: 5, M10: 10 };

function connectionStrings(cluster: SeedCluster): { standard: string; standardSrv: string } {
  const host = `${cluster.name}.${cluster.id.slice(-5)}.mongodb.net`;
  const members = [0, 1, 2].map((n) => `${cluster.name}-shard-00-0${n}.${cluster.id.slice(-5)}.mongodb.net:27017`);
  return {
    standard: `mongodb://${members.join(',')}/?ssl=true&authSource=admin&replicaSet=atlas-${cluster.id.slice(0, 6)}-shard-0`,
    standardSrv: `mongodb+srv://${host}`,
  };
}

function dedicatedSpecs(size: string, nodeCount: number): Record<string, unknown> {
  return { diskIOPS: 3000, diskSizeGB: DISK_GB[size] ?? 10, ebsVolumeType: 'STANDARD', instanceSize: size, nodeCount };
}

function regionConfig(cluster: SeedCluster): Record<string, unknown> {
  const base = { priority: 7, regionName: cluster.regionName };
  if (cluster.kind === 'dedicated') {
    const autoScaling = { compute: { enabled: false, scaleDownEnabled: false }, diskGB: { enabled: true } };
    return {
      ...base,
      providerName: 'AWS',
      electableSpecs: dedicatedSpecs(cluster.instanceSize, 3),
      readOnlySpecs: dedicatedSpecs(cluster.instanceSize, 0),
      analyticsSpecs: dedicatedSpecs(cluster.instanceSize, 0),
      autoScaling,
      analyticsAutoScaling: autoScaling,
    };
  }
  // Shared clusters show TENANT; Flex clusters created through createCluster show FLEX, as the
  // Terraform provider reads them. Both run on a backing cloud provider.
  return {
    ...base,
    providerName: cluster.kind === 'shared' ? 'TENANT' : 'FLEX',
    backingProviderName: 'AWS',
    electableSpecs: { diskSizeGB: DISK_GB[cluster.instanceSize] ?? 5, instanceSize: cluster.instanceSize },
  };
}

/** `ClusterDescription20240805` of a shared, dedicated or (before the sunset) legacy Flex cluster. */
export function clusterDescriptionView(baseUrl: string, groupId: string, cluster: SeedCluster): Record<string, unknown> {
  const major = cluster.mongoDBVersion.split('.').slice(0, 2).join('.');
  return {
    backupEnabled: true,
    biConnector: { enabled: false, readPreference: 'secondary' },
    clusterType: 'REPLICASET',
    configServerManagementMode: 'ATLAS_MANAGED',
    connectionStrings: connectionStrings(cluster),
    createDate: cluster.createDate.toISOString(),
    diskWarmingMode: 'FULLY_WARMED',
    encryptionAtRestProvider: 'NONE',
    featureCompatibilityVersion: major,
    globalClusterSelfManagedSharding: false,
    groupId,
    id: cluster.id,
    labels: [],
    links: [{ rel: 'self', href: `${baseUrl}${atlasPath('getCluster', { groupId, clusterName: cluster.name })}` }],
    mongoDBMajorVersion: major,
    mongoDBVersion: cluster.mongoDBVersion,
    name: cluster.name,
    paused: false,
    pitEnabled: false,
    redactClientLogData: false,
    replicaSetScalingStrategy: 'WORKLOAD_TYPE',
    replicationSpecs: [
      {
        id: objectId(`replication-spec:${cluster.name}`),
        regionConfigs: [regionConfig(cluster)],
        zoneId: objectId(`zone:${cluster.name}`),
        zoneName: 'Zone 1',
      },
    ],
    rootCertType: 'ISRGROOTX1',
    stateName: 'IDLE',
    tags: [],
    terminationProtectionEnabled: false,
    versionReleaseSystem: 'LTS',
  };
}

/** `FlexClusterDescription20241113` of a Flex cluster (native, legacy, or an M2/M5 after migration). */
export function flexClusterView(baseUrl: string, groupId: string, cluster: SeedCluster): Record<string, unknown> {
  return {
    backupSettings: { enabled: true },
    clusterType: 'REPLICASET',
    connectionStrings: connectionStrings(cluster),
    createDate: cluster.createDate.toISOString(),
    groupId,
    id: cluster.id,
    links: [{ rel: 'self', href: `${baseUrl}${atlasPath('getFlexCluster', { groupId, clusterName: cluster.name })}` }],
    mongoDBVersion: cluster.mongoDBVersion,
    name: cluster.name,
    providerSettings: { backingProviderName: 'AWS', diskSizeGB: 5, providerName: 'FLEX', regionName: cluster.regionName },
    stateName: 'IDLE',
    tags: [],
    terminationProtectionEnabled: false,
    versionReleaseSystem: 'LTS',
  };
}
