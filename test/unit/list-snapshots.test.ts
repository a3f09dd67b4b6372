import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtlasResponseError, createSnapshotShim, NoCompletedSnapshotError } from '../../src/index.js';
import { mockAtlasWithToken } from './helpers/mock-atlas.js';

// What the simulator cannot be made to answer: lists longer than a page, and no COMPLETED snapshot.

const ORIGIN = 'https://cloud.mongodb.com';
const groupId = '5f1a2b3c4d5e6f7a8b9c0d1e';
const credentials = { clientId: 'mdb_sa_id_test', clientSecret: 'mdb_sa_sk_secret' };
const LIST = `/api/atlas/v2/groups/${groupId}/flexClusters/flexy/backup/snapshots`;
const id = (n: number): string => n.toString(16).padStart(24, '0');
const day = (n: number): string => new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString();

let agent: MockAgent;
beforeEach(() => {
  agent = mockAtlasWithToken(ORIGIN);
});
afterEach(async () => {
  await agent.close();
});

const shim = () => createSnapshotShim({ credentials, dispatcher: agent, route: 'flex', now: () => new Date('2026-03-01T00:00:00Z') });

/** Answers the list's pages in turn, recording each query. */
function servePages(pages: readonly unknown[][]): unknown[] {
  const queries: unknown[] = [];
  for (const results of pages) {
    agent
      .get(ORIGIN)
      .intercept({ path: (path) => path.startsWith(`${LIST}?`), method: 'GET' })
      .reply((options) => {
        // undici hands the request's query to a reply callback as an object beside the path (untyped there).
        queries.push((options as typeof options & { query?: unknown }).query);
        return { statusCode: 200, data: { results, links: [] }, responseOptions: { headers: { 'content-type': 'application/vnd.atlas.2024-11-13+json' } } };
      });
  }
  return queries;
}

describe('listSnapshots reads every page', () => {
  it('asks for pages of 500 until one comes back short, and sorts all of them newest first', async () => {
    const first = Array.from({ length: 500 }, (_, i) => ({ id: id(i + 1), status: 'COMPLETED', startTime: day(i) }));
    const queries = servePages([first, [{ id: id(9999), status: 'COMPLETED', startTime: day(10_000) }]]);
    const snapshots = await shim().listSnapshots({ groupId, clusterName: 'flexy' });
    expect(queries).toEqual([
      { pageNum: 1, itemsPerPage: 500, includeCount: false },
      { pageNum: 2, itemsPerPage: 500, includeCount: false },
    ]);
    expect(snapshots).toHaveLength(501);
    expect(snapshots[0]?.snapshotId).toBe(id(9999));
    expect(snapshots[1]?.snapshotId).toBe(id(500));
    expect(snapshots.at(-1)?.snapshotId).toBe(id(1));
  });

  it('refuses a page without a results array instead of reading it as the end', async () => {
    agent.get(ORIGIN).intercept({ path: (path) => path.startsWith(`${LIST}?`), method: 'GET' }).reply(200, { links: [] }, { headers: { 'content-type': 'application/vnd.atlas.2024-11-13+json' } });
    await expect(shim().listSnapshots({ groupId, clusterName: 'flexy' })).rejects.toThrow(AtlasResponseError);
  });
});

describe("snapshotId 'latest' with nothing to download", () => {
  for (const [what, results] of [
    ['an empty list', []],
    ['no COMPLETED snapshot', [{ id: id(1), status: 'QUEUED', startTime: day(2) }, { id: id(2), status: 'FAILED', startTime: day(1) }]],
  ] as const) {
    it(`is a NoCompletedSnapshotError for ${what}, and no download is requested`, async () => {
      servePages([[...results]]);
      const failure = await shim()
        .downloadSnapshot({ groupId, clusterName: 'flexy', snapshotId: 'latest' })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NoCompletedSnapshotError);
      expect(failure).toMatchObject({ code: 'NO_COMPLETED_SNAPSHOT', groupId, clusterName: 'flexy', route: 'flex', listed: results.length });
      // No download was requested: the MockAgent refuses the network, so a POST would have
      // ended the call with a connection error instead of this one.
    });
  }
});
