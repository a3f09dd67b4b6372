// Counting what the simulator saw: the request log of a simulator process, sorted into the
// kinds of request the cluster-kind and digest benchmarks reason about.

const LOOKUPS = new Set(['getCluster', 'getFlexCluster']);
const DOWNLOADS = new Set(['downloadFlexBackup', 'downloadClusterBackupTenant']);

/** Totals of a request log: all requests, 401 challenges, cluster-kind look-ups, download POSTs. */
export function countRequests(log) {
  const counts = { total: log.length, challenges: 0, authorized: 0, lookups: 0, lookupRequests: 0, downloads: 0 };
  for (const entry of log) {
    if (entry.status === 401) counts.challenges += 1;
    else counts.authorized += 1;
    if (LOOKUPS.has(entry.operationId)) {
      counts.lookupRequests += 1;
      if (entry.status !== 401) counts.lookups += 1;
    }
    if (DOWNLOADS.has(entry.operationId) && entry.status !== 401) counts.downloads += 1;
  }
  return counts;
}
