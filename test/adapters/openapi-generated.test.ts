import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contractPath, contractSuite, SNAPSHOT_DOWNLOAD_CONTRACT } from '../contract/contract.js';
import { run } from '../package/scratch-project.js';
import { AFTER, BEFORE, serviceAccountToken, useSimulator } from './adapter-fixture.js';

// A client generated from the contract, as a codebase makes one: openapi-typescript writes
// the `paths` type from snapshot-download.yaml, openapi-fetch's createClient<paths> takes the
// shim's fetch, and the tenant calls the codebase wrote against the contract type-check and
// run, before the sunset and after it.

const ROOT = resolve(import.meta.dirname, '../..');
const SCRATCH = join(import.meta.dirname, '.generated');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The codebase: written against the generated types, given the shim's fetch. */
const CONSUMER = `import createClient from 'openapi-fetch';
import type { paths } from './atlas-v2.js';
import { createShimFetch, type ShimFetchOptions } from '../../../adapters/fetch.js';

const TENANT = 'application/vnd.atlas.2023-01-01+json';

export async function exportSnapshot(input: { baseUrl: string; token: string; groupId: string; clusterName: string; snapshotId: string; shim: ShimFetchOptions }) {
  const shimFetch = createShimFetch(input.shim);
  const atlas = createClient<paths>({ baseUrl: input.baseUrl, fetch: shimFetch, headers: { Authorization: \`Bearer \${input.token}\`, Accept: TENANT } });
  try {
    const path = { groupId: input.groupId, clusterName: input.clusterName };
    const requested = await atlas.POST('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/download', {
      params: { path },
      body: { snapshotId: input.snapshotId, targetDeploymentItemName: input.clusterName },
      headers: { 'Content-Type': TENANT },
    });
    if (requested.data?.id === undefined) throw new Error(\`download refused: \${JSON.stringify(requested.error)}\`);
    const job = await atlas.GET('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/restores/{restoreId}', {
      params: { path: { ...path, restoreId: requested.data.id } },
    });
    const snapshots = await atlas.GET('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots', { params: { path } });
    const restore: { clusterName?: string; status?: string; snapshotId: string } | undefined = job.data;
    const ids: (string | undefined)[] = (snapshots.data?.results ?? []).map((snapshot) => snapshot.id);
    return { restore, ids, contentType: job.response.headers.get('content-type') };
  } finally {
    await shimFetch.close();
  }
}
`;

/** The consumer's one export, as the test calls it (the file is written at run time). */
type ExportSnapshot = (input: {
  baseUrl: string;
  token: string;
  groupId: string;
  clusterName: string;
  snapshotId: string;
  shim: Record<string, unknown>;
}) => Promise<{ restore: Record<string, unknown> | undefined; ids: (string | undefined)[]; contentType: string | null }>;

const fx = useSimulator({ clock: BEFORE, jobDurationMs: 0 });

contractSuite('a client generated from the contract, on the shim’s fetch', () => {
  let token: string;
  beforeAll(async () => {
    token = await serviceAccountToken(fx.sim);
    await mkdir(SCRATCH, { recursive: true });
    const types = astToString(await openapiTS(pathToFileURL(contractPath(SNAPSHOT_DOWNLOAD_CONTRACT))));
    await writeFile(join(SCRATCH, 'atlas-v2.ts'), types);
    await writeFile(join(SCRATCH, 'consumer.ts'), CONSUMER);
    // The repository's compiler options (strict, NodeNext, Node's types), for the codebase alone.
    await writeFile(join(SCRATCH, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['consumer.ts'] }));
  }, 60_000);
  afterAll(async () => {
    await rm(SCRATCH, { recursive: true, force: true });
  });

  it('type-checks: the generated paths and the shim’s fetch fit openapi-fetch’s createClient', { timeout: 120_000 }, async () => {
    // Rejects with tsc's diagnostics when there is any.
    await run(process.execPath, [TSC, '-p', join(SCRATCH, 'tsconfig.json')], ROOT);
  });

  it('runs: the tenant calls the codebase wrote, before and after the sunset', async () => {
    const { exportSnapshot } = (await import(pathToFileURL(join(SCRATCH, 'consumer.ts')).href)) as { exportSnapshot: ExportSnapshot };
    const cluster = fx.sim.clusters.shared;
    const input = { baseUrl: fx.sim.url, token, groupId: fx.sim.groupId, clusterName: cluster, snapshotId: fx.sim.snapshotIds(cluster)[0] as string, shim: { ...fx.clientOptions() } };
    const served: unknown[] = [];
    for (const clock of [BEFORE, AFTER]) {
      fx.clock = clock;
      fx.sim.clearRequests();
      const result = await exportSnapshot(input);
      expect(result.restore).toMatchObject({ clusterName: cluster, status: 'COMPLETED', snapshotId: input.snapshotId });
      expect(result.ids).toEqual(fx.sim.snapshotIds(cluster));
      expect(result.contentType).toBe('application/vnd.atlas.2023-01-01+json');
      served.push(fx.sim.requests.filter((r) => r.path.includes('/backup/')).map((r) => r.operationId));
    }
    expect(served).toEqual([
      ['downloadClusterBackupTenant', 'getBackupTenantRestore', 'listClusterBackupSnapshots'],
      ['downloadFlexBackup', 'getFlexRestoreJob', 'listFlexBackupSnapshots'],
    ]);
  });
});
