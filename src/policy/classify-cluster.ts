import type { ClusterKind } from './types.js';

/** A cluster kind and the facts it was read from. */
export interface ClusterKindFinding {
  /** The kind found; `unknown` when `source` is `not-asked` or `not-told`. */
  readonly kind: ClusterKind;
  /** The instance size Atlas reported (M2, M5, M10…), when it did. */
  readonly instanceSize?: string | undefined;
  /** The Atlas operation that told the kind, or why nothing did. */
  readonly source: 'getCluster' | 'getFlexCluster' | 'not-asked' | 'not-told';
}

const SHARED_SIZES = new Set(['M0', 'M2', 'M5']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function regionConfigs(body: Record<string, unknown>): Record<string, unknown>[] {
  const specs = [body.replicationSpecs, body.effectiveReplicationSpecs].flatMap((list) => (Array.isArray(list) ? list : []));
  return specs.flatMap((spec) => {
    const configs = record(spec)?.regionConfigs;
    return Array.isArray(configs) ? configs.map(record).filter((c): c is Record<string, unknown> => c !== undefined) : [];
  });
}

/**
 * Reads a cluster's kind from a `getCluster` (2024-08-05) body, the way the Atlas CLI and
 * the Terraform provider do: a region config with `providerName: TENANT` is a shared
 * cluster (M0/M2/M5), `providerName: FLEX` a Flex cluster (one created through
 * createCluster or migrated from M2/M5), any cloud provider a dedicated one. Pure.
 */
export function classifyClusterDescription(body: unknown): ClusterKindFinding {
  const cluster = record(body);
  if (cluster === undefined) return { kind: 'unknown', source: 'not-told' };
  for (const config of regionConfigs(cluster)) {
    const provider = typeof config.providerName === 'string' ? config.providerName.toUpperCase() : undefined;
    const electable = record(config.electableSpecs) ?? record(config.effectiveElectableSpecs);
    const size = typeof electable?.instanceSize === 'string' ? electable.instanceSize : undefined;
    if (provider === 'TENANT') return { kind: 'shared', instanceSize: size, source: 'getCluster' };
    if (provider === 'FLEX') return { kind: 'flex', instanceSize: size, source: 'getCluster' };
    // A tenant size without a TENANT provider still means a shared cluster (older answers).
    if (size !== undefined && SHARED_SIZES.has(size.toUpperCase())) return { kind: 'shared', instanceSize: size, source: 'getCluster' };
    if (provider !== undefined) return { kind: 'dedicated', instanceSize: size, source: 'getCluster' };
  }
  return { kind: 'unknown', source: 'not-told' };
}
