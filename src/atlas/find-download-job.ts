import { AtlasResponseError } from '../errors/response-error.js';
import type { Route } from '../policy/types.js';
import type { AtlasClient } from './atlas-client.js';
import { chooseAdoptableJob, DEFAULT_JOB_LOOKUP_SKEW_MS } from './adoptable-job.js';
import { downloadOperations } from './download-operations.js';

/** Which cluster and snapshot a download job is looked for. */
export interface DownloadJobLookup {
  readonly route: Route;
  readonly groupId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  /** Allowance for clock skew with Atlas. Default {@link DEFAULT_JOB_LOOKUP_SKEW_MS} (1 minute). */
  readonly skewMs?: number;
  /** Ids of jobs never to adopt (the job a renewal replaces). Default none. */
  readonly excludeJobIds?: readonly string[];
}

const PAGE_SIZE = 100;
// Recent jobs are on the first page whichever way Atlas orders them, unless a cluster has
// hundreds; five pages bound the look-up's cost when it does.
const MAX_PAGES = 5;

/**
 * Looks for the download job a POST started at `since` may have created, through the
 * route's list operation (`listBackupTenantRestores` or `listFlexRestoreJobs`), page by
 * page: the matching job's raw body (see {@link chooseAdoptableJob}), or undefined.
 *
 * @throws whatever the list call throws: the caller must then not assume there is no job.
 */
export async function findDownloadJob(client: AtlasClient, lookup: DownloadJobLookup, since: Date, signal: AbortSignal): Promise<unknown> {
  const operations = downloadOperations[lookup.route];
  const criteria = {
    route: lookup.route,
    snapshotId: lookup.snapshotId,
    since,
    skewMs: lookup.skewMs ?? DEFAULT_JOB_LOOKUP_SKEW_MS,
    exclude: new Set(lookup.excludeJobIds ?? []),
  };
  const path = operations.listPath(lookup.groupId, lookup.clusterName);
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum += 1) {
    const { body } = await client.call({
      method: 'GET',
      path,
      mediaType: operations.mediaType,
      query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false },
      signal,
    });
    const results = (body as { results?: unknown } | undefined)?.results;
    // Reading "no job" into a body we cannot read could lead to a second POST: fail instead.
    if (!Array.isArray(results)) throw new AtlasResponseError('the list of restore jobs has no results array', 200, { method: 'GET', path });
    const found = chooseAdoptableJob(results, criteria);
    if (found !== undefined || results.length < PAGE_SIZE) return found;
  }
  return undefined;
}
