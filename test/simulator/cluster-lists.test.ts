import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES, type SimulatorClusterNames } from '../../src/simulator/index.js';
import {
  AFTER_SUNSET,
  BEFORE_SUNSET,
  CLUSTER_MEDIA_TYPE,
  FLEX_MEDIA_TYPE,
  SUNSET,
  get,
  serviceAccountToken,
  startFixture,
  type SimulatorFixture,
} from './simulator-fixture.js';

let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.close());

type Role = keyof SimulatorClusterNames;
const ROLES: readonly Role[] = ['shared', 'sharedM5', 'flexLegacy', 'flex', 'dedicated'];

/** Each list's path and media type, and the look-up whose answers its items must equal. */
const LISTS = {
  listClusters: { path: () => `${fx.group}/clusters`, mediaType: CLUSTER_MEDIA_TYPE, item: (name: string) => `${fx.group}/clusters/${name}` },
  listFlexClusters: { path: () => `${fx.group}/flexClusters`, mediaType: FLEX_MEDIA_TYPE, item: (name: string) => `${fx.group}/flexClusters/${name}` },
} as const;
type ListId = keyof typeof LISTS;

const names = (body: any): string[] => body.results.map((cluster: { name: string }) => cluster.name);
const list = (id: ListId, query = '') => get(fx.client, `${LISTS[id].path()}${query}`, LISTS[id].mediaType);

describe('which list holds each seeded kind', () => {
  // What Atlas showed on each side of the sunset: a legacy Flex cluster in both APIs until then;
  // after it, the M2/M5 and legacy Flex clusters in the Flex API only.
  it.each<[string, ListId, readonly Role[], Date]>([
    ['before', 'listClusters', ['shared', 'sharedM5', 'flexLegacy', 'dedicated'], BEFORE_SUNSET],
    ['before', 'listFlexClusters', ['flexLegacy', 'flex'], BEFORE_SUNSET],
    ['after', 'listClusters', ['dedicated'], AFTER_SUNSET],
    ['after', 'listFlexClusters', ['shared', 'sharedM5', 'flexLegacy', 'flex'], AFTER_SUNSET],
  ])('%s the sunset, %s holds %j', async (_when, id, roles, now) => {
    fx.sim.setNow(now);
    const response = await list(id);
    expect(response.status, response.text).toBe(200);
    expect(response.headers['content-type']).toBe(LISTS[id].mediaType);
    expect(names(response.json)).toEqual(roles.map((role) => fx.sim.clusters[role]));
    expect(response.json.totalCount).toBe(roles.length);
    expect(response.json.links).toEqual([{ rel: 'self', href: `${fx.sim.url}${LISTS[id].path()}?pageNum=1&itemsPerPage=100` }]);
    expect(fx.sim.requests.at(-1)).toMatchObject({ status: 200, operationId: id });
  });

  it.each<[string, Date]>([
    ['before the sunset', BEFORE_SUNSET],
    ['at the sunset instant', SUNSET],
    ['after the sunset', AFTER_SUNSET],
  ])('%s, each list holds exactly the clusters its look-up describes, each item equal to the look-up answer', async (_when, now) => {
    fx.sim.setNow(now);
    for (const id of ['listClusters', 'listFlexClusters'] as const) {
      const listed = (await list(id)).json.results as { name: string }[];
      for (const role of ROLES) {
        const name = fx.sim.clusters[role];
        const lookUp = await get(fx.client, LISTS[id].item(name), LISTS[id].mediaType);
        const item = listed.find((cluster) => cluster.name === name);
        if (lookUp.status === 200) expect(item, `${id} lacks ${role}`).toEqual(lookUp.json);
        else expect(item, `${id} lists ${role}, which its look-up answers ${lookUp.status}`).toBeUndefined();
      }
    }
  });
});

describe('pagination', () => {
  it('pages with pageNum and itemsPerPage, with previous/self/next links that lead to the other pages', async () => {
    fx.sim.setNow(AFTER_SUNSET);
    const first = await list('listFlexClusters', '?itemsPerPage=3');
    const base = `${fx.sim.url}${LISTS.listFlexClusters.path()}`;
    expect(names(first.json)).toEqual(['shared', 'sharedM5', 'flexLegacy'].map((role) => fx.sim.clusters[role as Role]));
    expect(first.json.totalCount).toBe(4);
    expect(first.json.links).toEqual([
      { rel: 'self', href: `${base}?pageNum=1&itemsPerPage=3` },
      { rel: 'next', href: `${base}?pageNum=2&itemsPerPage=3` },
    ]);
    const next = first.json.links[1].href.slice(fx.sim.url.length);
    const second = await get(fx.client, next, FLEX_MEDIA_TYPE);
    expect(names(second.json)).toEqual([fx.sim.clusters.flex]);
    expect(second.json.totalCount).toBe(4);
    expect(second.json.links).toEqual([
      { rel: 'previous', href: `${base}?pageNum=1&itemsPerPage=3` },
      { rel: 'self', href: `${base}?pageNum=2&itemsPerPage=3` },
    ]);
    const beyond = await list('listFlexClusters', '?itemsPerPage=3&pageNum=3');
    expect(beyond.json.results).toEqual([]);
  });

  it('leaves totalCount out with includeCount=false, and ignores query parameters it does not use', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const counted = await list('listClusters');
    const uncounted = await list('listClusters', '?includeCount=false&includeDeletedWithRetainedBackups=true&surprise=1');
    expect(uncounted.status).toBe(200);
    expect(uncounted.json).not.toHaveProperty('totalCount');
    expect(uncounted.json.results).toEqual(counted.json.results);
    expect((await list('listFlexClusters', '?includeCount=FALSE')).json).not.toHaveProperty('totalCount');
  });

  it.each(['itemsPerPage=0', 'itemsPerPage=501', 'pageNum=0', 'includeCount=maybe'])('answers %s with 400 INVALID_PARAMETER', async (query) => {
    const response = await list('listClusters', `?${query}`);
    expect(response.status).toBe(400);
    expect(response.json.errorCode).toBe(CODES.invalidParameter);
  });
});

describe('refusals, as the other operations answer them', () => {
  it.each<ListId>(['listClusters', 'listFlexClusters'])('%s: 404 GROUP_NOT_FOUND for a project the key does not reach, 400 for a malformed one', async (id) => {
    const other = await get(fx.client, LISTS[id].path().replace(fx.sim.groupId, 'f'.repeat(24)), LISTS[id].mediaType);
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ error: 404, errorCode: CODES.groupNotFound, parameters: ['f'.repeat(24)] });
    const malformed = await get(fx.client, LISTS[id].path().replace(fx.sim.groupId, 'not-a-project'), LISTS[id].mediaType);
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ errorCode: CODES.invalidParameter, parameters: ['groupId', 'not-a-project'] });
  });

  it.each<ListId>(['listClusters', 'listFlexClusters'])('%s: 401 without credentials, 200 with a service-account token', async (id) => {
    const anonymous = await fx.client.send('GET', LISTS[id].path(), { accept: LISTS[id].mediaType, auth: 'none' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errorCode).toBe(CODES.unauthorized);
    const token = await serviceAccountToken(fx.sim);
    const bearer = await fx.client.send('GET', LISTS[id].path(), { accept: LISTS[id].mediaType, auth: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
  });

  it('406 for an Accept that is not the list\'s own version, 405 for another method', async () => {
    for (const accept of ['application/json', FLEX_MEDIA_TYPE]) {
      const response = await get(fx.client, LISTS.listClusters.path(), accept);
      expect(response.status).toBe(406);
      expect(response.json.errorCode).toBe(CODES.invalidVersionDate);
    }
    const post = await fx.client.send('POST', LISTS.listFlexClusters.path(), { accept: FLEX_MEDIA_TYPE, contentType: FLEX_MEDIA_TYPE, body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });

  it('listFlexClusters draws nothing from the Flex snapshot and restore-job token bucket', async () => {
    const throttled = await startFixture({ rateLimit: { capacity: 1 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await get(throttled.client, `${throttled.group}/flexClusters`, FLEX_MEDIA_TYPE)).status).toBe(200);
      expect(throttled.sim.rateLimit(throttled.sim.groupId)).toEqual({ tokens: 1, capacity: 1 });
    } finally {
      await throttled.close();
    }
  });
});
