import type { Route } from './types.js';

/** The parts of an Atlas refusal that tell whether the other route may help. */
export interface AtlasRefusal {
  readonly status: number;
  readonly errorCode: string | undefined;
}

/**
 * Whether Atlas's refusal of a download request on `route` contradicts the route decision
 * (the endpoint is gone, or the cluster is of the other kind), and so the other route
 * may be tried once. Returns the reason in words, or undefined when it does not.
 *
 * Only refusals that cannot have created a job qualify (4xx answers to the POST), so a
 * fallback never duplicates work. Pure.
 */
export function contradictionReason(route: Route, refusal: AtlasRefusal): string | undefined {
  const { status, errorCode } = refusal;
  if (route === 'tenant') {
    if (errorCode === 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API') return 'the cluster is a Flex cluster the tenant endpoint does not serve';
    if (status === 404 || status === 410) return `the tenant endpoint answered HTTP ${status}${errorCode ? ` ${errorCode}` : ''}, as a removed endpoint does`;
    if (status === 406) return 'the tenant endpoint no longer accepts its version';
    return undefined;
  }
  if (errorCode === 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API') return 'the cluster is not a Flex cluster';
  return undefined;
}
